// The public-computer staff screens over HTTP on both databases (issue 14 item 7): who may use them,
// the live map (never who), each action on a computer, the waiting list and the guest pass sheet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { identifyStation, setOutOfOrder } from './pcs-stations.service.ts';
import { joinWaitlist } from './pcs-waitlist.service.ts';
import { pollSession, startSession } from './pcs.service.ts';
import { makeCard, makeGroup, seeStations } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
// Monday 2 March 2026, 10:00 in Chicago: MAIN is open.
const MON_10 = '2026-03-02T16:00:00.000Z';

/** A group of four computers at MAIN, one of them in use by a patron. */
async function busyGroup(e: TestEnv) {
  e.clock.set(MON_10);
  const g = await makeGroup(e.ctx, 4, { sessionMinutes: 45 });
  const card = await makeCard(e.ctx);
  const s = await startSession(e.ctx, { stationId: g.stationIds[0]!, credentials: card.credentials });
  assert.ok(s.ok);
  return { ...g, card };
}

const stationUrl = (id: string) => `/staff/pcs/stations/${id}`;

describeEachDialect('public computers: staff screens', (env) => {
  const app = useTestApp(env);

  test('circulation-only staff are refused every page and action; pc-staff reach them', async () => {
    const { stationIds } = await busyGroup(env());
    const { browser: desk } = await signedInStaff(env(), app(), ['circulation']);
    for (const url of ['/staff/pcs', '/staff/pcs/waitlist', '/staff/pcs/passes', stationUrl(stationIds[0]!)])
      assert.equal((await desk.get(url)).statusCode, 403, url);
    const home = await desk.get('/staff');
    assert.doesNotMatch(home.body, /\/staff\/pcs/);
    const refused = await desk.submit('/staff', `${stationUrl(stationIds[0]!)}/end`, {});
    assert.equal(refused.statusCode, 403);
    const passes = await desk.submit('/staff', '/staff/pcs/passes', {
      branch: 'MAIN',
      count: '2',
      minutes: '30',
    });
    assert.equal(passes.statusCode, 403);
    assert.equal(await env().ctx.db.selectFrom('pc_passes').select('id').executeTakeFirst(), undefined);

    const { browser: pc } = await signedInStaff(env(), app(), ['pc-staff']);
    assert.match((await pc.get('/staff')).body, /href="\/staff\/pcs"/);
    for (const url of [
      '/staff/pcs',
      '/staff/pcs?branch=MAIN',
      '/staff/pcs/waitlist',
      '/staff/pcs/passes',
      stationUrl(stationIds[0]!),
    ])
      assert.equal((await pc.get(url)).statusCode, 200, url);
    assert.equal((await pc.get('/staff/pcs?branch=NOPE')).statusCode, 404);
    const { browser: adminBrowser } = await signedInStaff(env(), app(), ['admin']);
    assert.equal(
      (await adminBrowser.get('/staff/pcs/waitlist?branch=MAIN')).statusCode,
      200,
      'administrators too',
    );
  });

  test('the map shows each computer state by group, reloads itself when asked, never who', async () => {
    const e = env();
    const { stationIds, card } = await busyGroup(e);
    await setOutOfOrder(e.ctx, system, stationIds[1]!, true);
    await identifyStation(e.ctx, { branch: 'MAIN', name: 'Stranger-1' });
    const third = await e.ctx.db
      .selectFrom('pc_stations')
      .select('name')
      .where('id', '=', stationIds[2]!)
      .executeTakeFirstOrThrow();
    await identifyStation(e.ctx, { branch: 'MAIN', name: third.name }); // seen just now
    await e.ctx.db
      .updateTable('pc_stations')
      .set({ last_seen_at: null })
      .where('id', '=', stationIds[3]!)
      .execute(); // never seen
    const { browser } = await signedInStaff(e, app(), ['pc-staff']);
    const res = await browser.get('/staff/pcs?branch=MAIN');
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /http-equiv="refresh"/, 'no reload unless asked (WCAG 2.2.1)');
    assert.match(res.body, /href="\/staff\/pcs\?branch=MAIN&amp;live=1">Reload every 30 seconds/);
    assert.match(
      res.body,
      /href="\/staff\/pcs\/stats\?branch=MAIN"[^>]*>Statistics</,
      'a tab to the statistics',
    );
    const home = await browser.get('/staff');
    assert.match(home.body, /href="\/staff\/pcs\/stats"/, 'the staff home links the statistics');
    const live = await browser.get('/staff/pcs?branch=MAIN&live=1');
    assert.match(live.body, /<meta http-equiv="refresh" content="30"/);
    assert.match(live.body, /Stop reloading/);
    assert.match(res.body, /In use<\/strong> — 45 minutes left/);
    assert.match(res.body, /Out of order<\/strong>/);
    assert.match(res.body, new RegExp(`${third.name}</a></h3><p><strong>Free</strong>`));
    const fourth = await e.ctx.db
      .selectFrom('pc_stations')
      .select('name')
      .where('id', '=', stationIds[3]!)
      .executeTakeFirstOrThrow();
    assert.match(res.body, new RegExp(`${fourth.name}</a></h3><p><strong>Offline</strong>`), 'never seen');
    assert.match(res.body, /<h2[^>]*>Waiting for approval<\/h2>[\s\S]*Stranger-1/);
    const patron = await e.ctx.db
      .selectFrom('patrons')
      .selectAll()
      .where('card_number', '=', card.cardNumber)
      .executeTakeFirstOrThrow();
    assert.ok(!res.body.includes(card.cardNumber), 'no card number');
    assert.ok(!res.body.includes(patron.name), 'no name');
    // The computer's own page has forms, so it does not reload itself.
    const page = await browser.get(stationUrl(stationIds[0]!));
    assert.doesNotMatch(page.body, /http-equiv="refresh"/);
    assert.ok(!page.body.includes(card.cardNumber));
  });

  test('add minutes, send a message (delivered once), end the session; bad input is explained and kept', async () => {
    const e = env();
    const { stationIds, card } = await busyGroup(e);
    const { browser } = await signedInStaff(e, app(), ['pc-staff']);
    const url = stationUrl(stationIds[0]!);
    const bad = await browser.submit(url, `${url}/minutes`, { minutes: '9999' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter the minutes from 1 to 480/);
    assert.match(bad.body, /value="9999"/);
    const words = await browser.submit(url, `${url}/minutes`, { minutes: 'ten' });
    assert.equal(words.statusCode, 400);
    assert.match(words.body, /whole number from 1 to 480/);
    const ok = await browser.submit(url, `${url}/minutes`, { minutes: '15' });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, url);
    const after = await browser.get(url);
    assert.match(after.body, /Minutes added/);
    assert.match(after.body, /60 minutes left/);

    const empty = await browser.submit(url, `${url}/message`, { message: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Write the message/);
    assert.equal(
      (await browser.submit(url, `${url}/message`, { message: 'Closing in 15 minutes' })).statusCode,
      303,
    );
    const poll = () => pollSession(e.ctx, { stationId: stationIds[0]!, credentials: card.credentials });
    const first = await poll();
    assert.equal(first.status === 'active' && first.message, 'Closing in 15 minutes');
    const second = await poll();
    assert.equal(second.status === 'active' && second.message, null);

    assert.equal((await browser.submit(url, `${url}/end`, {})).statusCode, 303);
    assert.equal((await poll()).status, 'ended');
    const gone = await browser.submit(url, `${url}/minutes`, { minutes: '5' });
    assert.equal(gone.statusCode, 404);
    assert.match(gone.body, /Nobody is using this computer now/);
  });

  test('out of order and back; a waiting computer is approved into a chosen group', async () => {
    const e = env();
    const { stationIds, groupId } = await busyGroup(e);
    const { browser } = await signedInStaff(e, app(), ['pc-staff']);
    const url = stationUrl(stationIds[1]!);
    assert.equal((await browser.submit(url, `${url}/order`, { outOfOrder: '1' })).statusCode, 303);
    assert.match((await browser.get(url)).body, /Out of order<\/strong>[\s\S]*Put back in order/);
    assert.equal((await browser.submit(url, `${url}/order`, { outOfOrder: '0' })).statusCode, 303);
    const row = await e.ctx.db
      .selectFrom('pc_stations')
      .selectAll()
      .where('id', '=', stationIds[1]!)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.is_out_of_order), 0);

    await identifyStation(e.ctx, { branch: 'MAIN', name: 'New-PC' });
    const waiting = await e.ctx.db
      .selectFrom('pc_stations')
      .select('id')
      .where('name', '=', 'New-PC')
      .executeTakeFirstOrThrow();
    const wurl = stationUrl(waiting.id);
    const none = await browser.submit(wurl, `${wurl}/approve`, { groupId: '' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Choose a group/);
    assert.equal((await browser.submit(wurl, `${wurl}/approve`, { groupId })).statusCode, 303);
    const approved = await e.ctx.db
      .selectFrom('pc_stations')
      .selectAll()
      .where('id', '=', waiting.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(approved.is_approved), 1);
    assert.equal(approved.group_id, groupId);
  });

  test('the waiting list: position and wait; call, release, skip and remove', async () => {
    const e = env();
    e.clock.set(MON_10);
    const { groupId, stationIds } = await makeGroup(e.ctx, 1);
    const card = await makeCard(e.ctx);
    assert.ok((await startSession(e.ctx, { stationId: stationIds[0]!, credentials: card.credentials })).ok);
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const t = await joinWaitlist(e.ctx, { groupId });
      assert.ok(t.ok);
      tickets.push(t);
      e.clock.advance(60_000);
    }
    await seeStations(e.ctx, stationIds); // its client polls every 10 s
    const { browser } = await signedInStaff(e, app(), ['pc-staff']);
    const list = '/staff/pcs/waitlist?branch=MAIN';
    const page = await browser.get(list);
    assert.match(page.body, new RegExp(`${tickets[0]!.ticket}</th>[\\s\\S]*?>1</td>[\\s\\S]*?>3 min</td>`));
    const busy = await browser.submit(list, `/staff/pcs/waitlist/${tickets[0]!.ticketId}/call`, {});
    assert.equal(busy.statusCode, 409);
    assert.match(busy.body, /No computer of that group is free/);

    await browser.submit(stationUrl(stationIds[0]!), `${stationUrl(stationIds[0]!)}/end`, {});
    const map = await browser.get('/staff/pcs?branch=MAIN');
    assert.match(map.body, new RegExp(`Reserved</strong> — Held for ticket ${tickets[0]!.ticket} until \\d`));
    const held = await browser.get(list);
    assert.match(held.body, new RegExp(`Release ${'PC-'}`));
    const rel = await browser.submit(list, `${stationUrl(stationIds[0]!)}/release`, {});
    assert.equal(rel.statusCode, 303);
    assert.equal(rel.headers.location, list);
    assert.match((await browser.get(list)).body, /The computer is released[\s\S]*\(released\)/);

    assert.equal(
      (await browser.submit(list, `/staff/pcs/waitlist/${tickets[1]!.ticketId}/skip`, {})).statusCode,
      303,
    );
    assert.equal(
      (await browser.submit(list, `/staff/pcs/waitlist/${tickets[2]!.ticketId}/remove`, {})).statusCode,
      303,
    );
    const left = (await browser.get(list)).body;
    assert.ok(!left.includes(`${tickets[1]!.ticket}<`) && !left.includes(`${tickets[2]!.ticket}<`));
    const gone = await browser.submit(list, `/staff/pcs/waitlist/${tickets[2]!.ticketId}/remove`, {});
    assert.equal(gone.statusCode, 404);
  });

  test('guest passes: a sheet of codes shown once, not stored; bad numbers are explained', async () => {
    const e = env();
    e.clock.set(MON_10);
    const { stationIds } = await makeGroup(e.ctx, 1);
    const { browser } = await signedInStaff(e, app(), ['pc-staff']);
    const bad = await browser.submit('/staff/pcs/passes', '/staff/pcs/passes', {
      branch: 'MAIN',
      count: '0',
      minutes: 'lots',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter how many passes from 1 to 200/);
    assert.match(bad.body, /whole number from 1 to 720/);
    assert.match(bad.body, /value="lots"/);
    const sheet = await browser.submit('/staff/pcs/passes', '/staff/pcs/passes', {
      branch: 'MAIN',
      count: '3',
      minutes: '45',
    });
    assert.equal(sheet.statusCode, 200);
    assert.equal(sheet.headers['cache-control'], 'no-store');
    const codes = [...sheet.body.matchAll(/class="pass-code">([A-Z0-9-]+)</g)].map((m) => m[1]!);
    assert.equal(codes.length, 3);
    assert.match(sheet.body, /shown once/);
    assert.match(sheet.body, /45 minutes/);
    assert.match(sheet.body, /Valid on Monday, March 2, 2026 only/);
    const stored = await e.ctx.db.selectFrom('pc_passes').select('code_hash').execute();
    assert.equal(stored.length, 3);
    for (const c of codes) assert.ok(!stored.some((r) => r.code_hash.includes(c)));
    const s = await startSession(e.ctx, {
      stationId: stationIds[0]!,
      credentials: { kind: 'pass', code: codes[0]! },
    });
    assert.ok(s.ok, 'a printed code signs in');
    assert.ok(!e.logs.some((l) => codes.some((c) => l.includes(c))), 'no code in the logs');
  });
});
