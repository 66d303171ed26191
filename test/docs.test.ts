// Documentation must tell the truth about the code: every variable the configuration reads is
// documented in configDocs (shown by `carrel --help`) and in the README's table, and the README
// shows the two commands word for word.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { configDocs } from '../src/config.ts';

const root = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('every environment variable read by src/config.ts is documented in --help and the README', () => {
  const source = fs.readFileSync(path.join(root, 'src', 'config.ts'), 'utf8');
  const read = new Set(
    [...source.matchAll(/r\.(?:raw|string|int|bool|oneOf)\('([A-Z_]+)'/g)].map((m) => m[1]!),
  );
  assert.ok(read.size >= 15, `found ${read.size} variables`);
  const documented = configDocs.flatMap(([names]) => names.split(' / '));
  for (const name of read) {
    assert.ok(documented.includes(name), `${name} is missing from configDocs`);
    assert.ok(readme.includes(`\`${name}\``), `${name} is missing from the README's configuration table`);
  }
  for (const name of documented)
    assert.ok(read.has(name), `configDocs documents ${name}, which config.ts does not read`);
});

test('the README shows the two commands word for word', () => {
  assert.ok(readme.includes('npm install && npm start'));
  assert.ok(readme.includes('npm test'));
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm test$/m);
});
