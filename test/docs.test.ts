// Documentation must tell the truth about the code: the configuration tables in the README and
// docs/operators.md are the ones generated from the declarations in src/config/ (which also give
// `carrel --help`), every variable the configuration reads is declared there, and the README shows
// the two commands word for word.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { allSettings, configDocs, loadConfig } from '../src/config.ts';
import { generatedTables, withGeneratedTable } from '../src/config/docs.ts';

const root = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('the configuration tables in the README and docs/operators.md are the generated ones', () => {
  for (const { file, table } of generatedTables) {
    const committed = fs.readFileSync(path.join(root, file), 'utf8');
    assert.equal(
      withGeneratedTable(committed, table(), file),
      committed,
      `${file}'s configuration table is out of date: run npm run docs:config`,
    );
  }
  for (const s of allSettings) assert.ok(readme.includes(`| \`${s.name}\` |`), `${s.name} is in the README`);
});

test('every environment variable the configuration reads is declared, documented in --help, and read', () => {
  const read = new Set<string>();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-docs-'));
  const env = new Proxy({ DATA_DIR: dataDir } as Record<string, string | undefined>, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  loadConfig(env);
  const declared = allSettings.map((s) => s.name);
  assert.ok(read.size >= 15, `found ${read.size} variables`);
  assert.equal(new Set(declared).size, declared.length, 'each variable is declared once');
  for (const name of read)
    assert.ok(declared.includes(name), `${name} is read but not declared in src/config/`);
  for (const name of declared) assert.ok(read.has(name), `${name} is declared but never read`);
  assert.deepEqual(
    configDocs.map(([name]) => name),
    declared,
    'carrel --help lists every variable',
  );
  for (const [, fallback, meaning] of configDocs)
    assert.ok(!fallback.includes('`') && !meaning.includes('`') && !meaning.includes('\n'), meaning);
});

test('the README shows the two commands word for word', () => {
  assert.ok(readme.includes('npm install && npm start'));
  assert.ok(readme.includes('npm test'));
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm test$/m);
});
