// A session that lost its card key at the day's rollover (P1) must not accept just any valid card
// at its next poll: the process that verified it re-keys the card under today's key without argon2;
// any other process cannot tell whether it is the same card, so the session ends. Both databases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifications } from '../../auth/passwords.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { today } from './pcs.common.ts';
import { pollCache } from './pcs.keys.ts';
import * as repo from './pcs.repository.ts';
import { logout, pollSession, startSession } from './pcs.service.ts';
import { makeCard, makeGroup } from './pcs.test-support.ts';

const MON_10 = '2026-03-02T16:00:00.000Z';

describeEachDialect('public computers: a session after rollover', (env) => {
  test('the verifying process re-keys the card; another card is refused', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 1);
    const stationId = stationIds[0]!;
    const card = await makeCard(ctx);
    const other = await makeCard(ctx);
    const s = await startSession(ctx, { stationId, credentials: card.credentials });
    assert.ok(s.ok);
    await repo.forgetSessionCardKeys(ctx.db, today(ctx)); // what the rollover does to running sessions
    assert.equal((await repo.findSession(ctx.db, s.sessionId))?.card_key, null);
    const before = verifications.count;
    const p = await pollSession(ctx, { stationId, credentials: card.credentials });
    assert.equal(p.status, 'active');
    assert.equal(verifications.count, before, 'no argon2 for the re-keying');
    const row = await repo.findSession(ctx.db, s.sessionId);
    assert.ok(row?.card_key, 're-keyed under today’s key');
    assert.equal(row?.day, today(ctx));
    assert.deepEqual(await pollSession(ctx, { stationId, credentials: other.credentials }), {
      status: 'refused',
      reason: 'BAD_LOGIN',
    });
    assert.equal(await logout(ctx, { stationId, credentials: card.credentials }), true);
  });

  test('a process that never verified it ends the session rather than accept any card', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 1);
    const stationId = stationIds[0]!;
    const card = await makeCard(ctx);
    const other = await makeCard(ctx);
    const s = await startSession(ctx, { stationId, credentials: card.credentials });
    assert.ok(s.ok);
    await repo.forgetSessionCardKeys(ctx.db, today(ctx));
    pollCache.delete(s.sessionId); // another process: nothing cached
    const p = await pollSession(ctx, { stationId, credentials: other.credentials });
    assert.deepEqual(p, { status: 'ended', kicked: false });
    assert.equal(await repo.findSessionByStation(ctx.db, stationId), undefined, 'the session ended');
  });
});
