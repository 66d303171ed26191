// Demo public computers (issue 14): every branch has an "Internet" group with approved computers,
// the first branch a "Children" group that only the demo child can use (P2 age bands), and the
// public page of the branch counts them; a second run adds nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { branchComputers } from '../features/pcs/pcs-public.service.ts';
import { startSession } from '../features/pcs/pcs.service.ts';
import { stationStatus } from '../features/pcs/pcs-stations.service.ts';
import { seedDemo } from './seed.ts';

const system = { kind: 'system' } as const;

describeEachDialect('demo public computers', (env) => {
  test('an Internet group per branch, Children at the first, approved computers, once', async () => {
    const { ctx, clock } = env();
    clock.set('2026-03-02T16:00:00.000Z'); // a Monday, 10:00 in Chicago: both branches open
    const seed = await seedDemo(ctx);
    assert.deepEqual(seed.computers, { groups: 3, stations: 9, firstBranch: 'MAIN' });
    assert.ok(seed.staff.some((s) => s.username === 'pcstaff' && s.roles.includes('pc-staff')));

    const main = await branchComputers(ctx, 'MAIN');
    assert.deepEqual(
      main.groups.map((g) => [g.name, g.computers, g.free, g.waiting]),
      // None is free until a kiosk calls in: a computer never seen is offline, not free.
      [
        ['Children', 2, 0, 0],
        ['Internet', 4, 0, 0],
      ],
    );
    const east = await branchComputers(ctx, 'EAST');
    assert.deepEqual(
      east.groups.map((g) => [g.name, g.computers]),
      [['Internet', 3]],
    );
    const map = await stationStatus(ctx, system, 'MAIN');
    assert.equal(map.length, 6);
    assert.ok(
      map.every((s) => s.state === 'offline'),
      'approved, never seen yet',
    );

    // The Children computers take the demo child's card and refuse an adult's (age band "child").
    const [dana, , , gio] = seed.patrons;
    const kids = map.find((s) => s.name === 'MAIN-KIDS-01')!;
    const adult = await startSession(ctx, {
      stationId: kids.stationId,
      credentials: { kind: 'card', cardNumber: dana!.cardNumber, pin: dana!.pin },
    });
    assert.deepEqual(adult, { ok: false, reason: 'AGE_BAND' });
    const child = await startSession(ctx, {
      stationId: kids.stationId,
      credentials: { kind: 'card', cardNumber: gio!.cardNumber, pin: gio!.pin },
    });
    assert.equal(child.ok, true);

    const again = await seedDemo(ctx);
    assert.equal(again.computers, null);
    assert.equal((await branchComputers(ctx, 'MAIN')).groups.length, 2);
  });
});
