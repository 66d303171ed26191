// `carrel demo seed` as an operator uses it (src/demo/demo.cli.ts): real processes, real databases.
// A file of its own because seeding imports the demo catalog, which takes a while on each database.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { carrel } from './support/cli.ts';
import { createPgDatabase, dialects } from './support/env.ts';

for (const dialect of dialects) {
  describe(`carrel demo seed [${dialect}]`, () => {
    const env: Record<string, string> = {};
    let drop: (() => Promise<void>) | null = null;
    before(async () => {
      env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-cli-demo-'));
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

    test('adds the missing demo data once, printing passwords and PINs; a second run changes nothing', async () => {
      const first = await carrel(['demo', 'seed'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Demo staff accounts:/);
      assert.match(first.stdout, /circ\s+[a-z2-9-]{19}\s+\(circulation\)/);
      assert.match(first.stdout, /shown only now\. Each must be changed at first sign-in\./);
      assert.match(first.stdout, /Demo catalog: \d+ records, \d+ copies\. Try \/catalog\./);
      assert.match(first.stdout, /pcstaff\s+[a-z2-9-]{19}\s+\(pc-staff\)/);
      assert.match(
        first.stdout,
        /Demo public computers: 3 groups, 9 computers\. Try \/staff\/pcs and \/computers\/MAIN\./,
      );
      assert.match(first.stdout, /^\s*│?\s*\d{6,20}\s+PIN \S+\s+\(Dana/m);
      assert.match(first.stdout, /3 demo loans and 2 demo holds \(one ready on the hold shelf\)\./);
      const again = await carrel(['demo', 'seed'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), 'The demo data is already there.');
    });

    test('a bad option exits 2 with one line saying what is wrong, never a stack trace', async () => {
      const bad = await carrel(['demo', 'seed', '--everything'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown option '--everything'/);
      assert.ok(!/\n\s+at /.test(bad.stderr), 'no stack trace');
    });
  });
}
