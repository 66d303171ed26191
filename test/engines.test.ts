// Node 20 and the dependency tree agree (issue 13 part 6): the README promises Node 20, so no
// package in package-lock.json may declare an engines.node range that excludes the Node running
// the tests, and CI installs with --engine-strict so such a package fails the build rather than
// printing an EBADENGINE warning.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as unknown;

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : 0));
  return [a, b, c];
};
const compare = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** The npm range forms package-lock.json holds: `>=`, `^`, `N`, `N.x`, `N.*`, `*`, `||`, and spaces. */
function admits(range: string, version: string): boolean {
  const v = parse(version);
  return range.split('||').some((set) =>
    set
      .trim()
      .replace(/(>=|<=|<|>|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        if (c === '*' || c === 'x') return true;
        const m = /^(>=|<=|<|>|\^|~)?v?(.*)$/.exec(c)!;
        const op = m[1] ?? '';
        const w = parse(m[2]!);
        const wildcard = /^\d+(\.(x|\*))?$/.test(m[2]!.replace(/\.(x|\*)$/, '.x'));
        if (op === '>=') return compare(v, w) >= 0;
        if (op === '>') return compare(v, w) > 0;
        if (op === '<') return compare(v, w) < 0;
        if (op === '<=') return compare(v, w) <= 0;
        if (op === '^') return v[0] === w[0] && compare(v, w) >= 0;
        if (op === '~') return v[0] === w[0] && v[1] === w[1] && compare(v, w) >= 0;
        if (wildcard || /^\d+$/.test(m[2]!)) return v[0] === w[0];
        return compare(v, w) === 0;
      }),
  );
}

test('the range reader understands the forms the lock file uses', () => {
  assert.ok(admits('>=18', '20.20.2'));
  assert.ok(!admits('>=22', '20.20.2'));
  assert.ok(admits('>= 10', '20.1.0'));
  assert.ok(admits('^20.19.0 || ^22.13.0 || >=24', '20.20.2'));
  assert.ok(!admits('^20.19.0 || ^22.13.0 || >=24', '20.18.0'));
  assert.ok(admits('20 || >=22', '20.0.0'));
  assert.ok(admits('10.* || >= 12.*', '20.0.0'));
  assert.ok(admits('20.x || 22.x', '20.5.1'));
  assert.ok(!admits('18 || >=22', '20.5.1'));
  assert.ok(admits('>=16 || 14 >=14.17', '20.0.0'));
  assert.ok(admits('*', '20.0.0'));
});

test('every package in package-lock.json accepts the Node running the tests', () => {
  const lock = readJson('package-lock.json') as { packages: Record<string, { engines?: unknown }> };
  const refused = Object.entries(lock.packages)
    .filter(([, p]) => p.engines && typeof p.engines === 'object' && 'node' in p.engines)
    .map(([name, p]) => [name, (p.engines as { node: string }).node] as const)
    .filter(([, range]) => !admits(range, process.versions.node));
  assert.deepEqual(refused, [], `packages that refuse Node ${process.versions.node}`);
});

test('package.json declares Node 20 and CI installs with --engine-strict', () => {
  const pkg = readJson('package.json') as { engines: { node: string }; overrides?: Record<string, string> };
  assert.equal(pkg.engines.node, '>=20');
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm ci .*--engine-strict/m);
});
