// The generated configuration tables: rows come from the declarations, and only the text between
// the marker comments is ever rewritten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operatorsTables, readmeTable, withGeneratedTable } from './docs.ts';
import { configAreas, plainText } from './index.ts';

test('a row per variable with its default and meaning; one heading per area for operators', () => {
  assert.match(readmeTable(), /^\| `WAL_SCRUB_SECONDS` \| `5` \| SQLite: seconds \(1 to 50\)/m);
  assert.match(readmeTable(), /^\| `DATABASE_URL` \| SQLite at `DATA_DIR\/carrel\.db` \|/m);
  for (const area of configAreas)
    assert.ok(
      operatorsTables().includes(`\n### ${area.title}\n`) ||
        operatorsTables().startsWith(`### ${area.title}\n`),
    );
  assert.equal(plainText('`ask@` the `PUBLIC_URL` host'), 'ask@ the PUBLIC_URL host');
});

test('only the text between the markers is replaced; a document without them is named', () => {
  const start =
    '<!-- config-table:start (generated from src/config/ by `npm run docs:config`; do not edit) -->';
  const doc = `# Title\n\n${start}\n\nold table\n\n<!-- config-table:end -->\n\nAfter.\n`;
  assert.equal(
    withGeneratedTable(doc, 'new table', 'X.md'),
    `# Title\n\n${start}\n\nnew table\n\n<!-- config-table:end -->\n\nAfter.\n`,
  );
  assert.throws(() => withGeneratedTable('# No markers\n', 't', 'X.md'), /X\.md has no/);
});
