// The waiting list as staff and computers change around it (issue 14 item 4 and its fixes; P2), on
// both databases, driven by the test clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MINUTE } from '../../clock.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { branchComputers } from './pcs-public.service.ts';
import { logout, startSession } from './pcs.service.ts';
import { createStation, identifyStation, setOutOfOrder, stationStatus } from './pcs-stations.service.ts';
import { callTicket, joinWaitlist, ticketStatus } from './pcs-waitlist.service.ts';
import { makeCard, makeGroup, seeStations } from './pcs.test-support.ts';

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

  test('a switched-off computer is not free: not on the public page, no ticket called to it', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, stationIds } = await makeGroup(ctx, 1);
    const name = `OFF-${stationIds[0]}`.slice(0, 20);
    const off = await createStation(ctx, system, { branch: 'MAIN', groupId, name });
    await seeStations(ctx, [off.stationId]);
    const card = await makeCard(ctx);
    assert.ok((await startSession(ctx, { stationId: stationIds[0]!, credentials: card.credentials })).ok);
    clock.advance(2 * MINUTE);
    await seeStations(ctx, stationIds); // the busy computer's client polls; the other is switched off
    const state = (await stationStatus(ctx, system, 'MAIN')).find((s) => s.stationId === off.stationId);
    assert.equal(state?.state, 'offline', 'the map (and `carrel pcs status`) say offline');
    const page = (await branchComputers(ctx, 'MAIN')).groups.find((g) => g.groupId === groupId);
    assert.equal(page?.free, 0, 'the public page does not count it free');
    const t = await joinWaitlist(ctx, { groupId });
    assert.ok(t.ok);
    assert.equal((await ticketStatus(ctx, t.ticketId))?.calledTo, null, 'not called to it');
    await assert.rejects(callTicket(ctx, system, t.ticketId), /No computer of that group is free/);
    // Switched on again: its first request calls the waiting ticket to it.
    assert.ok((await identifyStation(ctx, { branch: 'MAIN', name, stationKey: off.stationKey })).ok);
    assert.equal((await ticketStatus(ctx, t.ticketId))?.calledTo?.stationName, name);
  });
});
