// Groups and computers over HTTP and through the service on both databases (issue 14 item 1, staff
// side): create and edit a group, create a computer (key shown once), edit and delete it, and the
// refusals a person can act on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { deleteStation, updateGroup, updateStation } from './pcs-admin.service.ts';
import { identifyStation } from './pcs-stations.service.ts';
import { startSession } from './pcs.service.ts';
import { makeCard, makeGroup } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
const MON_10 = '2026-03-02T16:00:00.000Z';
const desk = { kind: 'staff', id: 'x', username: 'x', displayName: 'X', roles: ['circulation'] } as never;

describeEachDialect('public computers: groups and computers', (env) => {
  const app = useTestApp(env);

  test('service: update a group and a station; refusals for bad values, names taken, a busy computer', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const a = await makeGroup(ctx, 2);
    const b = await makeGroup(ctx, 0, { name: 'Children' });
    await updateGroup(ctx, system, a.groupId, {
      name: 'Internet',
      ticketPrefix: 'I',
      dailyMinutes: 90,
      sessionMinutes: 30,
      holdMinutes: 3,
      ageBands: ['adult'],
    });
    const g = await ctx.db
      .selectFrom('pc_groups')
      .selectAll()
      .where('id', '=', a.groupId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [
        g.name,
        g.ticket_prefix,
        Number(g.daily_minutes),
        Number(g.session_minutes),
        Number(g.hold_minutes),
        g.age_bands,
      ],
      ['Internet', 'I', 90, 30, 3, '["adult"]'],
    );
    await assert.rejects(
      updateGroup(ctx, system, a.groupId, {
        name: 'Children',
        ticketPrefix: 'I',
        dailyMinutes: 9,
        sessionMinutes: 9,
        holdMinutes: 1,
        ageBands: null,
      }),
      /Another group at this branch has that name/,
    );
    await assert.rejects(
      updateGroup(ctx, system, a.groupId, {
        name: 'X',
        ticketPrefix: 'I',
        dailyMinutes: 0,
        sessionMinutes: 9,
        holdMinutes: 1,
        ageBands: null,
      }),
      /between 1 and 1440/,
    );
    await assert.rejects(
      updateGroup(ctx, desk, a.groupId, {
        name: 'X',
        ticketPrefix: 'I',
        dailyMinutes: 9,
        sessionMinutes: 9,
        holdMinutes: 1,
        ageBands: null,
      }),
      /managed by their staff/,
    );

    await updateStation(ctx, system, a.stationIds[0]!, {
      name: 'Kids-1',
      groupId: b.groupId,
      ageBands: ['child'],
      isReservable: false,
    });
    const s = await ctx.db
      .selectFrom('pc_stations')
      .selectAll()
      .where('id', '=', a.stationIds[0]!)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [s.name, s.group_id, s.age_bands, Number(s.is_reservable)],
      ['Kids-1', b.groupId, '["child"]', 0],
    );
    const other = await ctx.db
      .selectFrom('pc_stations')
      .select('name')
      .where('id', '=', a.stationIds[1]!)
      .executeTakeFirstOrThrow();
    await assert.rejects(
      updateStation(ctx, system, a.stationIds[0]!, {
        name: other.name,
        groupId: b.groupId,
        ageBands: null,
        isReservable: true,
      }),
      /Another computer at this branch has that name/,
    );

    const card = await makeCard(ctx, { age_band: 'adult' });
    assert.ok((await startSession(ctx, { stationId: a.stationIds[1]!, credentials: card.credentials })).ok);
    await assert.rejects(deleteStation(ctx, system, a.stationIds[1]!), /Someone is using this computer/);
    assert.equal(await deleteStation(ctx, system, a.stationIds[0]!), 'MAIN');
    assert.equal(
      await ctx.db
        .selectFrom('pc_stations')
        .select('id')
        .where('id', '=', a.stationIds[0]!)
        .executeTakeFirst(),
      undefined,
    );
    await assert.rejects(deleteStation(ctx, system, a.stationIds[0]!), /There is no such computer/);
  });

  test('pages: create a group, create a computer (key once), edit and delete it; circulation refused', async () => {
    const e = env();
    e.clock.set(MON_10);
    const { browser: deskBrowser } = await signedInStaff(e, app(), ['circulation']);
    for (const url of ['/staff/pcs/groups', '/staff/pcs/groups/new', '/staff/pcs/stations/new'])
      assert.equal((await deskBrowser.get(url)).statusCode, 403, url);
    assert.equal(
      (await deskBrowser.submit('/staff', '/staff/pcs/groups/new?branch=MAIN', { name: 'X' })).statusCode,
      403,
    );

    const { browser: adminBrowser } = await signedInStaff(e, app(), ['admin']);
    assert.equal(
      (await adminBrowser.get('/staff/pcs/groups?branch=MAIN')).statusCode,
      200,
      'administrators too',
    );
    const { browser } = await signedInStaff(e, app(), ['pc-staff']);
    const newGroup = '/staff/pcs/groups/new?branch=MAIN';
    const bad = await browser.submit(newGroup, newGroup, {
      name: 'Lab',
      ticketPrefix: '7',
      dailyMinutes: '120',
      sessionMinutes: 'sixty',
      holdMinutes: '5',
      ageBands: ['teen', 'adult'],
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /One letter from A to Z/);
    assert.match(bad.body, /Enter the session minutes as a whole number/);
    assert.match(bad.body, /value="Lab"/);
    assert.match(bad.body, /value="teen" checked/);
    const ok = await browser.submit(newGroup, newGroup, {
      name: 'Lab',
      ticketPrefix: 'i',
      dailyMinutes: '120',
      sessionMinutes: '60',
      holdMinutes: '5',
    });
    assert.equal(ok.statusCode, 303, ok.body.match(/error-summary[\s\S]{0,600}/)?.[0]);
    const group = await e.ctx.db
      .selectFrom('pc_groups')
      .selectAll()
      .where('name', '=', 'Lab')
      .executeTakeFirstOrThrow();
    assert.equal(group.ticket_prefix, 'I');
    assert.equal(group.age_bands, null, 'no band ticked: everyone');
    const list = await browser.get('/staff/pcs/groups?branch=MAIN');
    assert.match(list.body, /The group is saved/);
    const dup = await browser.submit(newGroup, newGroup, {
      name: 'Lab',
      ticketPrefix: 'J',
      dailyMinutes: '1',
      sessionMinutes: '1',
      holdMinutes: '1',
    });
    assert.equal(dup.statusCode, 400);
    assert.match(dup.body, /Another group at this branch has that name/);

    const editGroup = `/staff/pcs/groups/${group.id}`;
    assert.equal(
      (
        await browser.submit(editGroup, editGroup, {
          name: 'Lab 2',
          ticketPrefix: 'W',
          dailyMinutes: '100',
          sessionMinutes: '50',
          holdMinutes: '4',
          ageBands: 'adult',
        })
      ).statusCode,
      303,
    );
    assert.match((await browser.get(editGroup)).body, /value="Lab 2"[\s\S]*value="adult" checked/);

    const newStation = '/staff/pcs/stations/new?branch=MAIN';
    const created = await browser.submit(newStation, newStation, {
      name: 'Lab PC 1',
      groupId: group.id,
      isReservable: 'on',
    });
    assert.equal(created.statusCode, 200);
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.match(created.body, /shown once/);
    const key = /class="pass-code">([^<]+)</.exec(created.body)?.[1] ?? '';
    assert.ok(key.length >= 20);
    assert.deepEqual(await identifyStation(e.ctx, { branch: 'MAIN', name: 'Lab PC 1', stationKey: key }), {
      ok: true,
      stationId: (
        await e.ctx.db
          .selectFrom('pc_stations')
          .select('id')
          .where('name', '=', 'Lab PC 1')
          .executeTakeFirstOrThrow()
      ).id,
    });
    const again = await browser.submit(newStation, newStation, { name: 'Lab PC 1', groupId: group.id });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /already has that name/);

    const station = await e.ctx.db
      .selectFrom('pc_stations')
      .selectAll()
      .where('name', '=', 'Lab PC 1')
      .executeTakeFirstOrThrow();
    const edit = `/staff/pcs/stations/${station.id}/edit`;
    const badName = await browser.submit(edit, edit, { name: 'Lab/1', groupId: group.id });
    assert.equal(badName.statusCode, 400);
    assert.match(badName.body, /letters, digits, spaces, dots or dashes/);
    assert.equal((await browser.submit(edit, edit, { name: 'Lab PC 2', groupId: group.id })).statusCode, 303);
    const renamed = await e.ctx.db
      .selectFrom('pc_stations')
      .selectAll()
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    assert.equal(renamed.name, 'Lab PC 2');
    assert.equal(Number(renamed.is_reservable), 0, 'unticked: not offered to the waiting list');
    const del = await browser.submit(edit, `/staff/pcs/stations/${station.id}/delete`, {});
    assert.equal(del.statusCode, 303);
    assert.match((await browser.get('/staff/pcs/groups?branch=MAIN')).body, /The computer was deleted/);
    assert.equal((await browser.get(edit)).statusCode, 404);
  });
});
