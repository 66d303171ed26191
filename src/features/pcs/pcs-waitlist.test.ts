// The waiting list as staff and computers change around it (issue 14 item 4 and its fixes; P2), on
// both databases, driven by the test clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { logout, startSession } from './pcs.service.ts';
import { setOutOfOrder, stationStatus } from './pcs-stations.service.ts';
import { joinWaitlist, ticketStatus } from './pcs-waitlist.service.ts';
import { makeCard, makeGroup } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
// Monday 2 March 2026, 10:00 in Chicago (CST): MAIN is open 09:00–20:00.
const MON_10 = '2026-03-02T16:00:00.000Z';

describeEachDialect('public computers: waiting list', (env) => {
  /** A group of two computers, both in use, and a third card waiting with its ticket. */
  async function fullGroup() {
    const { ctx } = env();
    const { groupId, stationIds } = await makeGroup(ctx, 2);
    const [a, b, c] = [await makeCard(ctx), await makeCard(ctx), await makeCard(ctx)];
    for (const [i, card] of [a, b].entries())
      assert.ok((await startSession(ctx, { stationId: stationIds[i]!, credentials: card.credentials })).ok);
    const t = await joinWaitlist(ctx, { groupId, card: c.credentials });
    assert.ok(t.ok);
    return { groupId, stationIds, a, b, c, ticketId: t.ticketId };
  }

  test('taking a held computer out of order sends its ticket, first in line, to the next free one', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationIds, a, b, ticketId } = await fullGroup();
    await logout(ctx, { stationId: stationIds[0]!, credentials: a.credentials });
    assert.equal((await ticketStatus(ctx, ticketId))?.calledTo?.stationName !== undefined, true, 'called');
    await setOutOfOrder(ctx, system, stationIds[0]!, true);
    const back = await ticketStatus(ctx, ticketId);
    assert.deepEqual([back?.position, back?.calledTo], [1, null], 'waiting again, still first');
    const states = await stationStatus(ctx, system, 'MAIN');
    assert.equal(states.find((s) => s.stationId === stationIds[0])?.state, 'out-of-order');
    await logout(ctx, { stationId: stationIds[1]!, credentials: b.credentials });
    const called = await ticketStatus(ctx, ticketId);
    assert.ok(called?.calledTo, 'called to the other computer when it is freed');
    const other = states.find((s) => s.stationId === stationIds[1]);
    assert.equal(called.calledTo.stationName, other?.name);
  });
});
