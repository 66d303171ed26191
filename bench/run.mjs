#!/usr/bin/env node
// `npm run bench` runs every benchmark; `npm run bench -- home` or `npm run bench -- purge` runs one.
// Flags after the names go to each benchmark, e.g. `npm run bench -- purge --reps=1 --rows=100000`.
// Each benchmark is a TypeScript file run in its own Node process through tsx; results are printed
// and written as JSON into bench/.results/ (see bench/README.md).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const benchmarks = {
  home: 'bench/home.ts',
  purge: 'bench/purge.ts',
  import: 'bench/import.ts',
  login: 'bench/login.ts',
  search: 'bench/search.ts',
  circulation: 'bench/circulation.ts',
  announce: 'bench/announce.ts',
  webstats: 'bench/webstats.ts',
  pcs: 'bench/pcs.ts',
  sip2: 'bench/sip2.ts',
};

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const unknown = names.filter((n) => !(n in benchmarks));
if (unknown.length) {
  console.error(
    `Unknown benchmark ${unknown.join(', ')}; choose from: ${Object.keys(benchmarks).join(', ')}.`,
  );
  process.exit(2);
}

const started = Date.now();
let failed = 0;
for (const name of names.length ? names : Object.keys(benchmarks)) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const res = spawnSync(process.execPath, ['--import', 'tsx', benchmarks[name], ...flags], {
    cwd: root,
    stdio: 'inherit',
  });
  const secs = Math.round((Date.now() - t0) / 1000);
  if (res.status !== 0) {
    failed++;
    console.error(`${name} failed (${res.signal ?? `exit code ${res.status}`}) after ${secs} s`);
  } else console.log(`${name} took ${secs} s`);
}
console.log(
  `\nbench finished in ${Math.round((Date.now() - started) / 1000)} s${failed ? `, ${failed} failed` : ''}`,
);
process.exit(failed ? 1 : 0);
