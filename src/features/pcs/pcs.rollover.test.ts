// The waiting list, guest passes and the day's rollover on both databases (P1–P3, G2, G7): holds
// time out to the next ticket; a pass logs in once and unused ones die with the day; after the
// rollover no card number, patron id, day key or card key is anywhere in the PC tables, nor in the
// raw SQLite file (WAL included), and no row links a computer to a card.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { DAY, MINUTE } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { rollOverPcsJob } from './pcs.jobs.ts';
import { createPasses } from './pcs-passes.service.ts';
import { rollOverPcs } from './pcs-rollover.service.ts';
import { pcStatsReport } from './pcs-stats.service.ts';
import { logout, pollSession, settleAllSessions, startSession } from './pcs.service.ts';
import { expireHolds, joinWaitlist, releaseHold, skipTicket, ticketStatus } from './pcs-waitlist.service.ts';
import { assertDayGone, makeCard, makeGroup, seeStations } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
const MON_10 = '2026-03-02T16:00:00.000Z';

/** Every value of every pc_* table, as text. */
async function pcValues(ctx: AppContext): Promise<string[]> {
  const out: string[] = [];
  for (const t of await ctx.database.ops.listTables(ctx.db)) {
    if (!t.startsWith('pc_')) continue;
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t)}`.execute(ctx.db);
    for (const r of rows.rows) for (const v of Object.values(r)) if (v !== null) out.push(String(v));
  }
  return out;
}

describeEachDialect('public computers: waiting list, passes, rollover', (env) => {
  test('a freed computer is held for the first ticket, then the next; only that card may sign in', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, stationIds } = await makeGroup(ctx, 1, { holdMinutes: 5 });
    const st = stationIds[0]!;
    const [a, b, c, walkUp] = [
      await makeCard(ctx),
      await makeCard(ctx),
      await makeCard(ctx),
      await makeCard(ctx),
    ];
    assert.ok((await startSession(ctx, { stationId: st, credentials: a.credentials })).ok);
    const tb = await joinWaitlist(ctx, { groupId, card: b.credentials });
    const tc = await joinWaitlist(ctx, { groupId, card: c.credentials });
    const anon = await joinWaitlist(ctx, { groupId });
    assert.ok(tb.ok && tc.ok && anon.ok);
    assert.match(tb.ticket, /^B-\d+$/);
    assert.deepEqual([tb.position, tc.position, anon.position], [1, 2, 3]);
    const again = await joinWaitlist(ctx, { groupId, card: b.credentials });
    assert.ok(again.ok && again.ticketId === tb.ticketId, 'one card holds one ticket');

    await logout(ctx, { stationId: st, credentials: a.credentials });
    assert.equal((await ticketStatus(ctx, tb.ticketId))?.calledTo?.stationName !== undefined, true);
    assert.deepEqual(await startSession(ctx, { stationId: st, credentials: walkUp.credentials }), {
      ok: false,
      reason: 'RESERVED',
    });
    clock.advance(5 * MINUTE);
    await seeStations(ctx, [st]); // its client polls every 10 s
    assert.equal(await expireHolds(ctx), 1, 'B did not come: skipped');
    assert.equal(await ticketStatus(ctx, tb.ticketId), undefined);
    assert.ok((await ticketStatus(ctx, tc.ticketId))?.calledTo, 'C is called now');
    assert.ok((await startSession(ctx, { stationId: st, credentials: c.credentials })).ok, 'C signs in');
    assert.equal(await ticketStatus(ctx, tc.ticketId), undefined, 'served');
    const waits = await ctx.db.selectFrom('pc_waits').selectAll().execute();
    assert.equal(waits.length, 1);
    assert.equal(Number(waits[0]!.seconds), 300);

    // Staff skip and release: the anonymous ticket is called, then released to whoever is there.
    await logout(ctx, { stationId: st, credentials: c.credentials });
    assert.ok((await ticketStatus(ctx, anon.ticketId))?.calledTo);
    await releaseHold(ctx, system, st);
    assert.ok((await startSession(ctx, { stationId: st, credentials: walkUp.credentials })).ok);
    const t2 = await joinWaitlist(ctx, { groupId });
    assert.ok(t2.ok);
    await skipTicket(ctx, system, t2.ticketId);
    assert.equal(await ticketStatus(ctx, t2.ticketId), undefined);
  });

  test('guest passes: printed once, log in once, unused ones destroyed at rollover', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 2);
    const { codes } = await createPasses(ctx, system, { branch: 'MAIN', count: 3, minutes: 45 });
    assert.equal(codes.length, 3);
    assert.match(codes[0]!, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    const pass = { kind: 'pass' as const, code: codes[0]!.toLowerCase() };
    const s = await startSession(ctx, { stationId: stationIds[0]!, credentials: pass });
    assert.ok(s.ok);
    assert.equal(s.minutesLeft, 45);
    assert.equal((await pollSession(ctx, { stationId: stationIds[0]!, credentials: pass })).status, 'active');
    await logout(ctx, { stationId: stationIds[0]!, credentials: pass });
    assert.deepEqual(await startSession(ctx, { stationId: stationIds[1]!, credentials: pass }), {
      ok: false,
      reason: 'BAD_LOGIN',
    });
    for (const c of codes) assert.deepEqual(await findValueEverywhere(ctx, c), [], 'no code is stored');
    clock.advance(DAY);
    await rollOverPcs(ctx);
    assert.equal((await ctx.db.selectFrom('pc_passes').selectAll().execute()).length, 0);
    assert.deepEqual(
      await startSession(ctx, { stationId: stationIds[1]!, credentials: { kind: 'pass', code: codes[1]! } }),
      {
        ok: false,
        reason: 'BAD_LOGIN',
      },
    );
  });

  test('the rollover: only aggregates survive; no card, patron id, day key or card key, even in the file', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, stationIds } = await makeGroup(ctx, 2);
    const cards = [await makeCard(ctx), await makeCard(ctx), await makeCard(ctx)];
    const day = '2026-03-02';
    for (const [i, c] of cards.entries()) {
      const s = await startSession(ctx, { stationId: stationIds[i % 2]!, credentials: c.credentials });
      if (i < 2) assert.ok(s.ok);
      if (i === 2) assert.ok((await joinWaitlist(ctx, { groupId, card: c.credentials })).ok);
    }
    clock.advance(30 * MINUTE);
    await logout(ctx, { stationId: stationIds[0]!, credentials: cards[0]!.credentials });
    assert.ok(
      (await startSession(ctx, { stationId: stationIds[0]!, credentials: cards[2]!.credentials })).ok,
    );
    clock.advance(40 * MINUTE);
    await settleAllSessions(ctx);
    const dayKey = (await ctx.db
      .selectFrom('pc_day_keys')
      .select('key')
      .where('day', '=', day)
      .executeTakeFirst())!.key;
    const cardKeys = (await ctx.db.selectFrom('pc_usage').select('card_key').execute()).map(
      (r) => r.card_key,
    );
    assert.ok(cardKeys.length >= 1);
    const live = await ctx.db.selectFrom('pc_sessions').selectAll().execute();
    assert.ok(live.length >= 1, 'a session still runs at midnight');

    clock.set('2026-03-03T06:05:00.000Z'); // 00:05 on Tuesday in Chicago
    await rollOverPcsJob.handler(ctx, {}, { jobId: 'test', attempt: 1 });
    await rollOverPcsJob.handler(ctx, {}, { jobId: 'test', attempt: 1 }); // idempotent

    await assertDayGone(ctx, day);
    const after = await ctx.db.selectFrom('pc_sessions').selectAll().execute();
    assert.ok(
      after.every((s) => s.card_key === null),
      'running sessions lost their card key',
    );
    const values = await pcValues(ctx);
    for (const c of cards) {
      assert.ok(!values.some((v) => v.includes(c.cardNumber)), 'no card number in a PC table');
      assert.ok(!values.some((v) => v.includes(c.patronId)), 'no patron id in a PC table');
    }
    for (const secret of [dayKey, ...cardKeys])
      assert.deepEqual(await findValueEverywhere(ctx, secret), [], 'gone, file included');
    const stats = await ctx.db
      .selectFrom('pc_stats')
      .selectAll()
      .where('day', '=', day)
      .where('group_id', '=', groupId)
      .execute();
    assert.equal(
      stats.reduce((n, r) => n + Number(r.sessions), 0),
      1,
      'one session ended during the day (the others still run)',
    );
    assert.equal(
      stats.reduce((n, r) => n + Number(r.waits), 0),
      1,
      'one wait, summed',
    );

    // The staff statistics page's own report (pcs-stats.service.ts), per hour.
    const group = await ctx.db
      .selectFrom('pc_groups')
      .select('name')
      .where('id', '=', groupId)
      .executeTakeFirstOrThrow();
    const shown = await pcStatsReport(ctx, system, { from: day, to: day, by: 'hour', branch: undefined });
    const mine = shown.lines.filter((r) => r.groupName === group.name);
    assert.ok(mine.length > 0);
    assert.ok(
      mine.every((r) => r.sessions.kind === 'at-most'),
      'one session: shown as "5 or fewer" (G7)',
    );
    assert.ok(mine.every((r) => r.minutesUsed === null && r.longestWaitSeconds === null));
  });
});
