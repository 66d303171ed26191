// `carrel sip2 add-account|list|disable` as an operator uses them (real processes, both
// databases), and the server starting beside the web server only when a SIP2 port is configured.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { connectSip2 } from '../../sip2/client.ts';
import { carrel } from '../../../test/support/cli.ts';
import { createPgDatabase, createTestEnv, dialects } from '../../../test/support/env.ts';
import { freePort } from '../../../test/support/net.ts';
import { testCertificate } from '../../../test/support/smtp.ts';
import { startConfiguredSip2 } from './sip2.server.ts';

for (const dialect of dialects) {
  describe(`carrel sip2 [${dialect}]`, () => {
    const env: Record<string, string> = {};
    let drop: (() => Promise<void>) | null = null;
    before(async () => {
      env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-sip2-cli-'));
      env.LOG_LEVEL = 'warn';
      if (dialect === 'postgres') {
        const pgDb = await createPgDatabase();
        env.DATABASE_URL = pgDb.url;
        env.CARREL_SECRET = 'cli-test-secret-cli-test-secret-0123456789';
        drop = pgDb.drop;
      }
      assert.equal((await carrel(['migrate'], env)).code, 0);
    });
    after(async () => {
      await drop?.();
      fs.rmSync(env.DATA_DIR!, { recursive: true, force: true });
    });

    const add = ['sip2', 'add-account', '--institution', 'CARREL', '--branch', 'MAIN'];

    test('add-account prints a generated password once, or takes one from stdin; list; disable', async () => {
      const made = await carrel(
        [...add, '--login', 'kiosk1', '--allow', '10.1.0.0/16', '2001:db8::/48'],
        env,
      );
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /Created SIP2 account kiosk1\. Its terminal password:/);
      assert.match(made.stdout, /[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}/);
      const given = await carrel(
        [
          ...add,
          '--login',
          'old',
          '--allow',
          '10.2.0.0/16',
          '--allow-plain',
          '10.2.3.0/24',
          '--charset',
          'ibm850',
          '--require-checksums',
          '--password-stdin',
        ],
        env,
        'a-long-terminal-password\n',
      );
      assert.equal(given.code, 0, given.stderr);
      assert.equal(given.stdout.trim(), 'Created SIP2 account old.');
      const list = await carrel(['sip2', 'list'], env);
      assert.match(
        list.stdout,
        /kiosk1\s+active\s+AO CARREL\s+branch MAIN\s+utf-8\s+checksums optional\s+allow 10\.1\.0\.0\/16 2001:db8::\/48\s+TLS only/,
      );
      assert.match(list.stdout, /old\s+active .*ibm850\s+checksums required .*plain 10\.2\.3\.0\/24/);
      assert.ok(!list.stdout.includes('a-long-terminal-password'));
      const off = await carrel(['sip2', 'disable', 'old'], env);
      assert.equal(off.code, 0, off.stderr);
      assert.match((await carrel(['sip2', 'list'], env)).stdout, /old\s+disabled/);
    });

    test('bad input exits non-zero with one line saying what to fix, and stores nothing', async () => {
      const range = await carrel([...add, '--login', 'k2', '--allow', '10.1.0.0/33'], env);
      assert.equal(range.code, 2);
      assert.match(range.stderr, /address or a CIDR range/);
      const outside = await carrel(
        [...add, '--login', 'k3', '--allow', '10.1.0.0/16', '--allow-plain', '192.168.0.0/24'],
        env,
      );
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /within the allowed ranges/);
      const short = await carrel(
        [...add, '--login', 'k4', '--allow', '10.0.0.1', '--password-stdin'],
        env,
        'short\n',
      );
      assert.equal(short.code, 2);
      assert.match(short.stderr, /at least 12 characters/);
      const taken = await carrel([...add, '--login', 'kiosk1', '--allow', '10.0.0.1'], env);
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /already a SIP2 account "kiosk1"/);
      const branch = await carrel(
        [
          'sip2',
          'add-account',
          '--institution',
          'X',
          '--branch',
          'NOPE',
          '--login',
          'k5',
          '--allow',
          '10.0.0.1',
        ],
        env,
      );
      assert.equal(branch.code, 1);
      assert.match(branch.stderr, /no branch "NOPE"/);
      const missing = await carrel(['sip2', 'disable', 'nobody'], env);
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr.trim(), 'carrel: There is no SIP2 account "nobody".');
      for (const r of [range, outside, short, taken, branch, missing])
        assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
      const list = await carrel(['sip2', 'list'], env);
      assert.ok(!/\bk[2-5]\b/.test(list.stdout));
    });
  });
}

describe('SIP2 configuration', () => {
  test('no server without a port; SIP2_PORT needs its TLS files; with them the service listens', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-sip2-cfg-'));
    assert.throws(
      () => loadConfig({ DATA_DIR: dataDir, SIP2_PORT: '6001' }),
      /SIP2_PORT needs SIP2_TLS_CERT and SIP2_TLS_KEY/,
    );
    assert.throws(
      () => loadConfig({ DATA_DIR: dataDir, SIP2_PLAIN_PORT: '70000' }),
      /SIP2_PLAIN_PORT="70000" is not a port number/,
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
    const off = await createTestEnv('sqlite');
    assert.equal(await startConfiguredSip2(off.ctx), null);
    await off.cleanup();
    const { certFile, keyFile } = testCertificate();
    const port = await freePort();
    const on = await createTestEnv('sqlite', {
      env: {
        SIP2_PORT: String(port),
        SIP2_TLS_CERT: certFile,
        SIP2_TLS_KEY: keyFile,
        SIP2_HOST: '127.0.0.1',
      },
    });
    const running = await startConfiguredSip2(on.ctx);
    assert.ok(running);
    const c = await connectSip2({ host: '127.0.0.1', port, tls: { ca: fs.readFileSync(certFile) } });
    // No account yet: the login is refused, over TLS.
    assert.equal(await c.login({ userId: 'x', password: 'y' }), false);
    await c.close();
    await running.stop();
    await on.cleanup();
  });
});
