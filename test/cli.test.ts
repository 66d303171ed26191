// The `carrel` command as an operator uses it: real processes, real databases, real HTTP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPgDatabase, dialects } from './support/env.ts';
import { carrel } from './support/cli.ts';
import { freePort } from './support/net.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'carrel.mjs');

for (const dialect of dialects) {
  describe(`carrel CLI [${dialect}]`, () => {
    const env: Record<string, string> = {};
    let drop: (() => Promise<void>) | null = null;
    before(async () => {
      env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-cli-'));
      env.LOG_LEVEL = 'warn';
      if (dialect === 'postgres') {
        const pgDb = await createPgDatabase();
        env.DATABASE_URL = pgDb.url;
        env.CARREL_SECRET = 'cli-test-secret-cli-test-secret-0123456789';
        drop = pgDb.drop;
      }
    });
    after(async () => {
      await drop?.();
      fs.rmSync(env.DATA_DIR!, { recursive: true, force: true });
    });

    test('migrate, then staff create / list / reset-password print what an operator needs', async () => {
      const m = await carrel(['migrate'], env);
      assert.equal(m.code, 0, m.stderr);
      assert.match(m.stdout, /Applied \d+ migration\(s\): 0001-foundation, 0002-circulation/);
      assert.match((await carrel(['migrate'], env)).stdout, /up to date/);

      const created = await carrel(
        [
          'staff',
          'create',
          '--username',
          'Desk.One',
          '--name',
          'Dana Desk',
          '--role',
          'circulation',
          'reference',
        ],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /desk\.one\s+[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}/);
      assert.match(created.stdout, /shown only now/);

      const chosen = await carrel(
        ['staff', 'create', '--username', 'counsel1', '--name', 'C', '--role', 'counsel', '--password-stdin'],
        env,
        'a long chosen passphrase\n',
      );
      assert.equal(chosen.code, 0, chosen.stderr);
      assert.match(chosen.stdout, /Created counsel1 \(counsel\)\./);

      const list = await carrel(['staff', 'list'], env);
      assert.match(list.stdout, /desk\.one\s+active\s+circulation, reference/);
      assert.match(list.stdout, /counsel1\s+active\s+counsel/);

      const reset = await carrel(['staff', 'reset-password', 'DESK.ONE'], env);
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /New password for desk\.one/);
    });

    test('bad input exits non-zero with one line saying what to fix', async () => {
      const taken = await carrel(
        ['staff', 'create', '--username', 'desk.one', '--name', 'Again', '--role', 'admin'],
        env,
      );
      assert.equal(taken.code, 2);
      assert.equal(taken.stderr.trim(), 'carrel: The user name desk.one is taken.');
      const short = await carrel(
        ['staff', 'create', '--username', 'x1', '--name', 'N', '--role', 'admin', '--password-stdin'],
        env,
        'short\n',
      );
      assert.equal(short.code, 2);
      assert.match(
        short.stderr.trim(),
        /^carrel: Use 3–32 lower-case letters.* Use at least 12 characters\.$/,
      );
      const role = await carrel(
        ['staff', 'create', '--username', 'x1', '--name', 'N', '--role', 'janitor'],
        env,
      );
      assert.equal(role.code, 2);
      assert.match(role.stderr, /Allowed choices are admin, circulation/);
      const missing = await carrel(['staff', 'reset-password', 'nobody'], env);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr.trim(), 'carrel: There is no staff account named nobody.');
      const unknown = await carrel(['frobnicate'], env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown command 'frobnicate'/);
      for (const r of [taken, short, role, missing, unknown])
        assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
    });

    test('purge --dry-run prints counts per rule and removes nothing; purge removes', async () => {
      const dry = await carrel(['purge', '--dry-run'], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /Would remove \(per rule\):/);
      assert.match(dry.stdout, /staff_sessions\.expired\s+0/);
      assert.match(dry.stdout, /Dry run finished in \d+ ms: 0 rows would go\./);
      const real = await carrel(['purge'], env);
      assert.equal(real.code, 0, real.stderr);
      assert.match(real.stdout, /Purge finished in \d+ ms/);
    });
  });
}

describe('carrel serve', () => {
  test('bad configuration stops start-up with every problem listed and exit code 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-cli-'));
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await carrel(['serve'], {
        DATA_DIR: dir,
        PORT: String(port),
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
      });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Carrel cannot start because of its configuration:/);
      assert.match(r.stderr, /LOG_LEVEL="loud" is not one of/);
      assert.match(r.stderr, /DATABASE_URL is not a postgres/);
      assert.match(r.stderr, new RegExp(`PORT ${port} on localhost is already in use`));
      assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
      const portOnly = await carrel(['serve'], { DATA_DIR: dir, PORT: String(port) });
      assert.equal(portOnly.code, 2);
      assert.match(portOnly.stderr, /already in use/);
    } finally {
      blocker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('first start migrates, prints staff credentials once, serves the site over HTTP, and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-serve-'));
    const port = await freePort();
    const env = { DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' };
    const start = async () => {
      const child = spawn(process.execPath, [bin, 'serve'], { env, cwd: root });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const deadline = Date.now() + 20_000;
      while (!out.includes('is serving') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(out.includes('is serving'), `server did not start: ${out}`);
      return { child, output: () => out };
    };
    try {
      const first = await start();
      assert.match(first.output(), /admin\s+[a-z2-9-]{19}\s+\(admin\)/);
      assert.match(first.output(), /privacy\s+[a-z2-9-]{19}\s+\(privacy-officer\)/);
      const home = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /Carrel Public Library/);
      assert.equal(home.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(home.headers.get('set-cookie'), null);
      // Demo data: catalog, patrons with PINs printed once, and loans a demo patron can see.
      assert.match(first.output(), /Demo catalog: \d+ records/);
      const m = /^\s*│?\s*(\d{6,20})\s+PIN (\S+)\s+\(Dana/m.exec(first.output());
      assert.ok(m, `a demo patron with card and PIN is printed: ${first.output()}`);
      const base = `http://127.0.0.1:${port}`;
      const loginPage = await fetch(`${base}/account/login`);
      const cookies = loginPage.headers.getSetCookie().map((c) => c.split(';')[0]!);
      const token = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? '';
      const login = await fetch(`${base}/account/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
        body: new URLSearchParams({ _csrf: token, cardNumber: m[1]!, pin: m[2]! }).toString(),
      });
      assert.equal(login.status, 303);
      cookies.push(...login.headers.getSetCookie().map((c) => c.split(';')[0]!));
      const loans = await fetch(`${base}/account/loans`, { headers: { cookie: cookies.join('; ') } });
      assert.equal(loans.status, 200);
      assert.equal((await loans.text()).match(/aria-label="Renew /g)?.length, 2, 'Dana has two demo loans');
      const exited = new Promise<number | null>((r) => first.child.on('exit', (c) => r(c)));
      first.child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(fs.existsSync(path.join(dir, 'carrel.db')));

      const second = await start();
      assert.ok(!/\(admin\)/.test(second.output()), 'credentials are printed only on the first start');
      const stopped = new Promise((r) => second.child.on('exit', r));
      second.child.kill('SIGTERM');
      await stopped;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--help explains every command and the configuration variables', async () => {
    const r = await carrel(['--help'], {});
    assert.equal(r.code, 0);
    for (const word of [
      'serve',
      'migrate',
      'purge',
      'staff',
      'demo',
      'DATABASE_URL',
      'PURGE_INTERVAL_MINUTES',
    ])
      assert.ok(r.stdout.includes(word), word);
    const sub = await carrel(['purge', '--help'], {});
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--dry-run/);
  });
});
