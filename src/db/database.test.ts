// The database layer: one migration set on both dialects, applied once; SQLite's pragmas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createTestEnv, describeEachDialect } from '../../test/support/env.ts';
import { migrations } from './migrations/index.ts';
import { migrateToLatest } from './migrate.ts';

describeEachDialect(
  'migrations',
  (env) => {
    test('apply once and are then up to date', async () => {
      const { ctx } = env();
      assert.deepEqual(await migrateToLatest(ctx.db), [], 'the environment was migrated; nothing is pending');
      const tables = await ctx.database.ops.listTables(ctx.db);
      for (const t of [
        'staff',
        'staff_roles',
        'staff_sessions',
        'login_throttle',
        'jobs',
        'purge_runs',
        'legal_holds',
      ])
        assert.ok(tables.includes(t), t);
    });

    test('foreign keys are enforced', async () => {
      const { ctx } = env();
      const now = new Date().toISOString();
      await assert.rejects(
        ctx.db
          .insertInto('staff_sessions')
          .values({
            id: 'x',
            secret_hash: 'h',
            staff_id: 'missing',
            created_at: now,
            last_seen_at: now,
            expires_at: now,
            absolute_expires_at: now,
          })
          .execute(),
      );
    });
  },
  { migrate: true },
);

test('a new database migrates from nothing on both dialects', async () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const e = await createTestEnv(dialect, { migrate: false });
    try {
      assert.deepEqual(await migrateToLatest(e.ctx.db), Object.keys(migrations));
      assert.deepEqual(await migrateToLatest(e.ctx.db), [], 'a second run applies nothing');
    } finally {
      await e.cleanup();
    }
  }
});

test('SQLite runs with WAL, foreign keys, a busy timeout and secure_delete', async () => {
  const e = await createTestEnv('sqlite');
  try {
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`PRAGMA ${name}`).execute(e.ctx.db)).rows[0] as object)[0];
    assert.equal(String(await pragma('journal_mode')).toLowerCase(), 'wal');
    assert.equal(Number(await pragma('foreign_keys')), 1);
    assert.equal(Number(await pragma('busy_timeout')), 5000);
    assert.equal(Number(await pragma('secure_delete')), 1);
  } finally {
    await e.cleanup();
  }
});
