// Fair time on public computers (P2) on both databases, driven by the test clock: session length,
// daily allowance in real minutes, extension only while nobody waits, closing time, age bands,
// blocked and expired cards, one station per card, and the poll that needs no argon2 (P3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MINUTE } from '../../clock.ts';
import { verifications } from '../../auth/passwords.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { pollCache } from './pcs.keys.ts';
import {
  addMinutes,
  endSession,
  logout,
  pollSession,
  sendMessage,
  settleAllSessions,
  startSession,
} from './pcs.service.ts';
import { stationStatus } from './pcs-stations.service.ts';
import { joinWaitlist } from './pcs-waitlist.service.ts';
import { makeCard, makeGroup, seeStations } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
// Monday 2 March 2026, 10:00 in Chicago (CST): MAIN is open 09:00–20:00.
const MON_10 = '2026-03-02T16:00:00.000Z';

async function refusals(ctx: import('../../context.ts').AppContext, reason: string): Promise<number> {
  const rows = await ctx.db.selectFrom('pc_refusals').select('count').where('reason', '=', reason).execute();
  return rows.reduce((n, r) => n + Number(r.count), 0);
}

describeEachDialect('public computers: sessions', (env) => {
  test('a session gets the session length; real minutes count against the daily allowance', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 2, { dailyMinutes: 90, sessionMinutes: 60 });
    const card = await makeCard(ctx);
    const s = await startSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials });
    assert.ok(s.ok);
    assert.equal(s.minutesLeft, 60);
    clock.advance(20 * MINUTE + 5_000); // 20 min 5 s: 21 minutes used
    assert.equal(await logout(ctx, { stationId: stationIds[0]!, credentials: card.credentials }), true);
    const again = await startSession(ctx, { stationId: stationIds[1]!, credentials: card.credentials });
    assert.ok(again.ok);
    assert.equal(again.minutesLeft, 60, 'still a full session: 69 minutes left today');
    clock.advance(60 * MINUTE);
    await settleAllSessions(ctx); // 60 + 21 = 81 used; extension only up to 9 more
    const p = await pollSession(ctx, { stationId: stationIds[1]!, credentials: card.credentials });
    assert.equal(p.status, 'active');
    assert.equal(p.status === 'active' && p.minutesLeft, 9);
    clock.advance(9 * MINUTE);
    await settleAllSessions(ctx);
    assert.equal(
      (await pollSession(ctx, { stationId: stationIds[1]!, credentials: card.credentials })).status,
      'ended',
    );
    const none = await startSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials });
    assert.deepEqual(none, { ok: false, reason: 'NO_TIME' });
    assert.ok((await refusals(ctx, 'NO_TIME')) >= 1, 'the refusal is counted');
  });

  test('extension only while nobody waits for the group', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, stationIds } = await makeGroup(ctx, 1, { sessionMinutes: 30 });
    const card = await makeCard(ctx);
    assert.ok((await startSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials })).ok);
    const t = await joinWaitlist(ctx, { groupId });
    assert.ok(t.ok);
    clock.advance(30 * MINUTE);
    await seeStations(ctx, stationIds); // its client polls every 10 s
    await settleAllSessions(ctx);
    assert.equal(
      (await pollSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials })).status,
      'ended',
    );
    const status = await stationStatus(ctx, system, 'MAIN');
    const st = status.find((x) => x.stationId === stationIds[0]);
    assert.equal(st?.state, 'reserved', 'the freed computer is held for the ticket');
    assert.equal(st?.state === 'reserved' && st.ticket, t.ticket);
  });

  test('closing time ends the session, whatever the allowance or staff minutes; closed branch refuses', async () => {
    const { ctx, clock } = env();
    clock.set('2026-03-02T01:40:00.000Z'); // Sunday 19:40 in Chicago: MAIN is closed on Sundays
    const { stationIds } = await makeGroup(ctx, 1);
    const card = await makeCard(ctx);
    assert.deepEqual(await startSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials }), {
      ok: false,
      reason: 'CLOSED',
    });
    clock.set('2026-03-03T01:40:00.000Z'); // Monday 19:40: 20 minutes before closing
    const s = await startSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials });
    assert.ok(s.ok);
    assert.equal(s.minutesLeft, 20);
    assert.equal(await addMinutes(ctx, system, s.sessionId, 30), 20, 'staff minutes do not pass closing');
    clock.advance(20 * MINUTE);
    await settleAllSessions(ctx);
    assert.equal(
      (await pollSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials })).status,
      'ended',
    );
    clock.advance(-30_000); // 19:59:30: closing within a minute
    const late = await makeCard(ctx);
    assert.deepEqual(await startSession(ctx, { stationId: stationIds[0]!, credentials: late.credentials }), {
      ok: false,
      reason: 'CLOSED',
    });
  });

  test('age bands, blocked and expired cards, wrong PIN, one computer per card', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 2, { ageBands: ['child', 'teen'] });
    const adult = await makeCard(ctx, { age_band: 'adult' });
    const child = await makeCard(ctx, { age_band: 'child' });
    const blocked = await makeCard(ctx, { age_band: 'child', block_reason: 'Fines' });
    const expired = await makeCard(ctx, { age_band: 'child', card_expires_at: '2026-01-01T00:00:00.000Z' });
    const st = stationIds[0]!;
    const refused = async (credentials: Parameters<typeof startSession>[1]['credentials']) =>
      startSession(ctx, { stationId: st, credentials });
    assert.deepEqual(await refused(adult.credentials), { ok: false, reason: 'AGE_BAND' });
    assert.deepEqual(await refused(blocked.credentials), { ok: false, reason: 'ACCOUNT_DISABLED' });
    assert.deepEqual(await refused(expired.credentials), { ok: false, reason: 'ACCOUNT_EXPIRED' });
    assert.deepEqual(await refused({ ...child.credentials, pin: '00000000' }), {
      ok: false,
      reason: 'BAD_LOGIN',
    });
    assert.deepEqual(await refused({ kind: 'card', cardNumber: '29999999999999', pin: '1234' }), {
      ok: false,
      reason: 'BAD_LOGIN',
    });
    assert.ok((await refused(child.credentials)).ok);
    assert.deepEqual(await startSession(ctx, { stationId: stationIds[1]!, credentials: child.credentials }), {
      ok: false,
      reason: 'ALREADY_IN_USE',
    });
    assert.equal(await refusals(ctx, 'AGE_BAND'), 1);
  });

  test('a poll costs no argon2 after login; another process verifies once; messages are delivered once', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 1);
    const card = await makeCard(ctx);
    const input = { stationId: stationIds[0]!, credentials: card.credentials };
    const s = await startSession(ctx, input);
    assert.ok(s.ok);
    const before = verifications.count;
    for (let i = 0; i < 20; i++) {
      clock.advance(10_000);
      assert.equal((await pollSession(ctx, input)).status, 'active');
    }
    assert.equal(verifications.count, before, 'twenty polls, no verification');
    assert.deepEqual(
      await pollSession(ctx, { ...input, credentials: { ...card.credentials, pin: 'wrong' } }),
      {
        status: 'refused',
        reason: 'BAD_LOGIN',
      },
    );
    pollCache.delete(s.sessionId); // as if the poll reached another process
    assert.equal((await pollSession(ctx, input)).status, 'active');
    assert.equal((await pollSession(ctx, input)).status, 'active');
    assert.equal(verifications.count, before + 1, 'one verification, then cached');
    await sendMessage(ctx, system, s.sessionId, 'Please save your work.');
    const m = await pollSession(ctx, input);
    assert.equal(m.status === 'active' && m.message, 'Please save your work.');
    const m2 = await pollSession(ctx, input);
    assert.equal(m2.status === 'active' && m2.message, null, 'delivered once');
    await endSession(ctx, system, s.sessionId);
    assert.equal((await pollSession(ctx, input)).status, 'ended');
    assert.equal(pollCache.matches(s.sessionId, card.cardNumber, card.credentials.pin), undefined);
  });
});
