// `npm run docs:config`: rewrites the configuration tables in README.md and docs/operators.md from
// the declarations in src/config/, between their marker comments.
import fs from 'node:fs';
import path from 'node:path';
import { generatedTables, withGeneratedTable } from '../src/config/docs.ts';

const root = path.resolve(import.meta.dirname, '..');
for (const { file, table } of generatedTables) {
  const at = path.join(root, file);
  const before = fs.readFileSync(at, 'utf8');
  const after = withGeneratedTable(before, table(), file);
  if (after !== before) fs.writeFileSync(at, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'rewritten'}`);
}
