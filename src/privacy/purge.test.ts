// G2 and G6: the purge engine removes exactly what the retention rules say, in batches,
// idempotently, records counts only, skips exactly the rows under an active legal hold, and leaves
// no trace of a purged value in the SQLite file.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { DAY, HOUR, iso, MINUTE } from '../clock.ts';
import { newId } from '../ids.ts';
import { describeEachDialect, type TestEnv } from '../../test/support/env.ts';
import { findValueEverywhere } from '../../test/support/find-value.ts';
import { insertLegalHold, releaseLegalHold } from './legal-holds.repository.ts';
import { findRecentPurgeRuns } from './purge-runs.repository.ts';
import { runPurge, type PurgeOptions } from './purge.ts';

const purge = (env: TestEnv, opts: Partial<PurgeOptions> = {}) =>
  runPurge(
    {
      db: env.ctx.db,
      ops: env.ctx.database.ops,
      clock: env.clock,
      inventory: env.ctx.inventory,
      logger: env.ctx.logger,
    },
    { dryRun: false, trigger: 'cli', batchSize: 1000, ...opts },
  );

async function addStaff(
  env: TestEnv,
  username: string,
  o: { disabled?: boolean; updatedAt?: Date } = {},
): Promise<string> {
  const id = newId();
  const at = iso(o.updatedAt ?? env.clock.now());
  await env.ctx.db
    .insertInto('staff')
    .values({
      id,
      username,
      display_name: username,
      password_hash: 'x',
      is_disabled: o.disabled ? 1 : 0,
      must_change_password: 0,
      created_at: at,
      updated_at: at,
      password_changed_at: at,
    })
    .execute();
  return id;
}

/** A session created at `createdAt`, expiring `expiresIn` ms after now (negative: already expired). */
async function addSession(
  env: TestEnv,
  staffId: string,
  createdAt: Date,
  expiresIn: number,
): Promise<string> {
  const id = newId();
  const exp = iso(new Date(env.clock.now().getTime() + expiresIn));
  await env.ctx.db
    .insertInto('staff_sessions')
    .values({
      id,
      secret_hash: 'h',
      staff_id: staffId,
      created_at: iso(createdAt),
      last_seen_at: iso(createdAt),
      expires_at: exp,
      absolute_expires_at: exp,
    })
    .execute();
  return id;
}

const sessionIds = async (env: TestEnv) =>
  new Set((await env.ctx.db.selectFrom('staff_sessions').select('id').execute()).map((r) => r.id));

describeEachDialect('purge engine (G2)', (env) => {
  beforeEach(async () => {
    await env().ctx.db.deleteFrom('staff').execute();
    await env().ctx.db.deleteFrom('login_throttle').execute();
    await env().ctx.db.deleteFrom('legal_holds').execute();
  });

  test('removes exactly the expired rows, reports counts per rule, and records the run without identities', async () => {
    const e = env();
    const now = e.clock.now();
    const a = await addStaff(e, 'purge-a');
    const expired1 = await addSession(e, a, new Date(now.getTime() - 2 * DAY), -HOUR);
    const expired2 = await addSession(e, a, new Date(now.getTime() - DAY), -MINUTE);
    const live = await addSession(e, a, now, 10 * MINUTE);
    const summary = await purge(e);
    assert.deepEqual(await sessionIds(e), new Set([live]));
    assert.equal(summary.counts['staff_sessions.expired']?.purged, 2);
    assert.equal(summary.counts['staff.closed']?.purged, 0);
    const [run] = await findRecentPurgeRuns(e.ctx.db, 1);
    assert.equal(run?.outcome, 'ok');
    assert.equal(run?.isDryRun, false);
    assert.equal(run?.ruleCounts['staff_sessions.expired']?.purged, 2);
    const stored = JSON.stringify(await e.ctx.db.selectFrom('purge_runs').selectAll().execute());
    for (const id of [a, expired1, expired2, live, 'purge-a'])
      assert.ok(!stored.includes(id), 'purge records hold counts, never identities');
  });

  test('is idempotent: a second run finds nothing more to remove', async () => {
    const e = env();
    const a = await addStaff(e, 'purge-idem');
    await addSession(e, a, e.clock.now(), -MINUTE);
    assert.equal((await purge(e)).counts['staff_sessions.expired']?.purged, 1);
    const again = await purge(e);
    assert.equal(
      Object.values(again.counts).reduce((s, c) => s + c.purged, 0),
      0,
    );
  });

  test('deletes in batches no larger than the batch size', async () => {
    const e = env();
    const old = iso(new Date(e.clock.now().getTime() - 2 * DAY));
    const rows = Array.from({ length: 237 }, (_, i) => ({
      key: `k${i}`,
      kind: 'patron-pair',
      failures: 1,
      last_failure_at: old,
      blocked_until: old,
    }));
    await e.ctx.db.insertInto('login_throttle').values(rows).execute();
    await e.ctx.db
      .insertInto('login_throttle')
      .values({
        key: 'fresh',
        kind: 'patron-pair',
        failures: 1,
        last_failure_at: iso(e.clock.now()),
        blocked_until: iso(e.clock.now()),
      })
      .execute();
    const progress: number[] = [];
    const summary = await purge(e, {
      batchSize: 20,
      onProgress: (id, n) => id === 'login_throttle.stale' && progress.push(n),
    });
    assert.equal(summary.counts['login_throttle.stale']?.purged, 237);
    assert.ok(
      progress.length >= 12,
      `237 rows in batches of at most 20 take at least 12 batches (saw ${progress.length})`,
    );
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! - progress[i - 1]! <= 20);
    const left = await e.ctx.db.selectFrom('login_throttle').select('key').execute();
    assert.deepEqual(
      left.map((r) => r.key),
      ['fresh'],
    );
  });

  test('a dry run counts what would go and removes nothing', async () => {
    const e = env();
    const a = await addStaff(e, 'purge-dry');
    await addSession(e, a, e.clock.now(), -MINUTE);
    await addSession(e, a, e.clock.now(), -MINUTE);
    const summary = await purge(e, { dryRun: true });
    assert.equal(summary.counts['staff_sessions.expired']?.purged, 2);
    assert.equal((await sessionIds(e)).size, 2);
    const [run] = await findRecentPurgeRuns(e.ctx.db, 1);
    assert.equal(run?.isDryRun, true);
  });

  test('a conditional rule touches only matching rows (disabled staff, one year after)', async () => {
    const e = env();
    const longAgo = new Date(e.clock.now().getTime() - 400 * DAY);
    await addStaff(e, 'gone-disabled', { disabled: true, updatedAt: longAgo });
    await addStaff(e, 'recently-disabled', {
      disabled: true,
      updatedAt: new Date(e.clock.now().getTime() - 30 * DAY),
    });
    await addStaff(e, 'active-old', { updatedAt: longAgo });
    await purge(e);
    const left = (await e.ctx.db.selectFrom('staff').select('username').orderBy('username').execute()).map(
      (r) => r.username,
    );
    assert.deepEqual(left, ['active-old', 'recently-disabled']);
  });
});

describeEachDialect('legal holds protect exactly their rows (G6)', (env) => {
  let a = '';
  let b = '';
  const ids: Record<string, string> = {};
  const day = (n: number) => new Date(Date.parse('2026-03-02T15:00:00.000Z') - n * DAY);

  beforeEach(async () => {
    const e = env();
    e.clock.set('2026-03-02T15:00:00.000Z');
    await e.ctx.db.deleteFrom('staff').execute();
    await e.ctx.db.deleteFrom('legal_holds').execute();
    a = await addStaff(e, 'hold-a');
    b = await addStaff(e, 'hold-b');
    // All expired; created 10, 5 and 1 days ago for A; 5 days ago for B.
    ids.a10 = await addSession(e, a, day(10), -MINUTE);
    ids.a5 = await addSession(e, a, day(5), -MINUTE);
    ids.a1 = await addSession(e, a, day(1), -MINUTE);
    ids.b5 = await addSession(e, b, day(5), -MINUTE);
  });

  const hold = (e: TestEnv, h: Partial<Parameters<typeof insertLegalHold>[1]>) =>
    insertLegalHold(e.ctx.db, {
      caseRef: 'CASE-1',
      reason: 'preservation request',
      createdAt: iso(e.clock.now()),
      ...h,
    });

  test('a hold on one person and period keeps only that person’s rows in that period', async () => {
    const e = env();
    await hold(e, { subject: { kind: 'staff', id: a }, fromAt: iso(day(6)), toAt: iso(day(4)) });
    const summary = await purge(e);
    assert.deepEqual(await sessionIds(e), new Set([ids.a5]));
    assert.equal(summary.counts['staff_sessions.expired']?.purged, 3);
    assert.equal(summary.counts['staff_sessions.expired']?.held, 1);
  });

  test('a hold naming a table and no person keeps every row of that table in the period', async () => {
    const e = env();
    await hold(e, { tableName: 'staff_sessions', fromAt: iso(day(6)), toAt: iso(day(4)) });
    await purge(e);
    assert.deepEqual(await sessionIds(e), new Set([ids.a5, ids.b5]));
  });

  test('a hold on a person for another kind of record does not keep these rows', async () => {
    const e = env();
    await hold(e, { subject: { kind: 'staff', id: a }, tableName: 'staff' });
    await hold(e, { subject: { kind: 'patron', id: a } });
    await purge(e);
    assert.equal((await sessionIds(e)).size, 0);
  });

  test('a hold on a person with no period keeps all of that person’s rows, in every table', async () => {
    const e = env();
    await hold(e, { subject: { kind: 'staff', id: a } });
    await purge(e);
    assert.deepEqual(await sessionIds(e), new Set([ids.a10, ids.a5, ids.a1]));
  });

  test('released and lapsed holds keep nothing', async () => {
    const e = env();
    const released = await hold(e, { subject: { kind: 'staff', id: a } });
    await releaseLegalHold(e.ctx.db, released, iso(e.clock.now()));
    await hold(e, {
      subject: { kind: 'staff', id: b },
      expiresAt: iso(new Date(e.clock.now().getTime() - MINUTE)),
    });
    await purge(e);
    assert.equal((await sessionIds(e)).size, 0);
  });

  test('a hold cannot name a table whose rows concern nobody: tables without a hold scope are unaffected', async () => {
    const e = env();
    const old = iso(day(3));
    await e.ctx.db
      .insertInto('login_throttle')
      .values({ key: 'x', kind: 'patron-pair', failures: 1, last_failure_at: old, blocked_until: old })
      .execute();
    await hold(e, { tableName: 'login_throttle' });
    await purge(e);
    assert.equal((await e.ctx.db.selectFrom('login_throttle').select('key').execute()).length, 0);
  });

  test('the database refuses a hold that names neither a person nor a table', async () => {
    const e = env();
    await assert.rejects(hold(e, {}));
  });
});

describeEachDialect('a purged value is gone from the database (G2)', (env, dialect) => {
  test('the value is found before the purge and nowhere after it, including the raw SQLite files', async () => {
    const e = env();
    const canary = `canary-${Math.random().toString(36).slice(2, 10)}`;
    const longAgo = new Date(e.clock.now().getTime() - 400 * DAY);
    await addStaff(e, canary, { disabled: true, updatedAt: longAgo });
    if (dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(e.ctx.db);
    const before = await findValueEverywhere(e.ctx, canary);
    assert.ok(
      before.some((s) => s.where === 'staff.username'),
      'the search helper finds the value in its table',
    );
    if (dialect === 'sqlite')
      assert.ok(
        before.some((s) => s.where.startsWith('file ')),
        'and in the raw database file',
      );
    const summary = await purge(e);
    assert.equal(summary.counts['staff.closed']?.purged, 1);
    assert.deepEqual(await findValueEverywhere(e.ctx, canary), []);
  });
});
