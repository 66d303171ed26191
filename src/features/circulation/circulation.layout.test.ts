// The shape issue 13 part 3 gave circulation, kept by a test: SQL is written only in repositories,
// no source file is over 500 lines, the folder's modules import one another without a cycle, and
// no circulation view imports a repository's row types (views get listings or presenter models).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const dir = import.meta.dirname;
const sources = fs
  .readdirSync(dir)
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
  .sort();
const text = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

test('SQL is written only in *.repository.ts', () => {
  const sqlRe = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql(<[^>]*>)?`/;
  const offenders = sources.filter((f) => !f.endsWith('.repository.ts') && sqlRe.test(text(f)));
  assert.deepEqual(offenders, []);
});

test('no circulation source file is over 500 lines', () => {
  const long = sources
    .map((f) => [f, text(f).split('\n').length] as const)
    .filter(([, n]) => n > 500)
    .map(([f, n]) => `${f}: ${n}`);
  assert.deepEqual(long, []);
});

test('circulation modules import one another without a cycle', () => {
  const deps = new Map<string, string[]>();
  for (const f of sources) {
    const local = [...text(f).matchAll(/^(?:import|export)\b[^;]*?from\s+'\.\/([^'/]+)'/gm)].map(
      (m) => m[1]!,
    );
    deps.set(
      f,
      local.filter((d) => sources.includes(d)),
    );
  }
  const cycles: string[] = [];
  const done = new Set<string>();
  const visit = (f: string, stack: string[]) => {
    if (stack.includes(f)) {
      cycles.push([...stack.slice(stack.indexOf(f)), f].join(' -> '));
      return;
    }
    if (done.has(f)) return;
    for (const d of deps.get(f) ?? []) visit(d, [...stack, f]);
    done.add(f);
  };
  for (const f of sources) visit(f, []);
  assert.deepEqual(cycles, []);
  // The check does see imports: the desk page is built by the desk presenter.
  assert.ok(deps.get('desk.page.tsx')?.includes('desk.presenter.ts'));
});

test('views take no database row types', () => {
  const rowTypes = /\b(PatronRow|ItemRow|LoanRow|HoldRow)\b/;
  const views = sources.filter((f) => f.endsWith('.views.tsx') || f.endsWith('.view-parts.tsx'));
  assert.ok(views.includes('desk.views.tsx'));
  assert.deepEqual(
    views.filter((f) => rowTypes.test(text(f))),
    [],
  );
});
