// The Libki client API over real HTTP, spoken as networkclient.cpp does (test/support/libki-client.ts),
// on both databases, driven by the test clock (issue 14 items 1–4; P1–P3, G4).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { MINUTE } from '../../clock.ts';
import { hashSecret, verifications } from '../../auth/passwords.ts';
import type { App } from '../../http/types.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { createTestApp } from '../../../test/support/http.ts';
import { LibkiClient } from '../../../test/support/libki-client.ts';
import { TEST_PIN } from '../../../test/support/patrons.ts';
import { PRINT_BODY_LIMIT } from './libki.routes.ts';
import { createPasses } from './pcs-passes.service.ts';
import { endSession, sendMessage } from './pcs.service.ts';
import { approveStation, createStation, setOutOfOrder, stationStatus } from './pcs-stations.service.ts';
import { joinWaitlist, ticketStatus } from './pcs-waitlist.service.ts';
import { makeCard, makeGroup } from './pcs.test-support.ts';
import * as repo from './pcs.repository.ts';

const system = { kind: 'system' } as const;
// Monday 2 March 2026, 10:00 in Chicago (CST): MAIN is open 09:00–20:00.
const MON_10 = '2026-03-02T16:00:00.000Z';
const MON_1940 = '2026-03-03T01:40:00.000Z';
let n = 0;

describeEachDialect('Libki client API', (env) => {
  let app: App;
  let base = '';
  before(async () => {
    app = await createTestApp(env());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(async () => {
    await app.close();
  });

  /** A keyed station in a new group, and a client configured for it. */
  async function keyedClient(opts: Parameters<typeof makeGroup>[2] = {}) {
    const { ctx } = env();
    const { groupId } = await makeGroup(ctx, 0, opts);
    const name = `LK-${++n}`;
    const { stationId, stationKey } = await createStation(ctx, system, { branch: 'MAIN', groupId, name });
    return { groupId, stationId, client: new LibkiClient(base, { name, location: 'MAIN', stationKey }) };
  }

  test('an unknown station is suspended and waits for approval; a wrong key too; every answer is 200', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const stranger = new LibkiClient(base, { name: 'STRANGER-1', location: 'MAIN' });
    const r = await stranger.registerNode();
    assert.equal(r.registered, 0);
    assert.equal(r.status, 'suspended');
    assert.equal(await stranger.login('123', '456'), 'INVALID_CLIENT');
    const list = await stationStatus(ctx, system, 'MAIN');
    assert.equal(list.find((s) => s.name === 'STRANGER-1')?.state, 'unapproved', 'listed for approval');
    const { client } = await keyedClient();
    const forged = new LibkiClient(base, { ...client.node, stationKey: 'not-the-key' });
    assert.equal((await forged.registerNode()).status, 'suspended');
    const unknownBranch = new LibkiClient(base, { name: 'X', location: 'NOWHERE' });
    assert.equal((await unknownBranch.registerNode()).registered, 0);
  });

  test('a computer waiting for approval, or with a wrong key, adds no refusal to the statistics', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const stationRefusals = async () =>
      (
        await ctx.db
          .selectFrom('pc_refusals')
          .select('count')
          .where('reason', 'in', ['UNKNOWN_STATION', 'STATION_NOT_APPROVED'])
          .execute()
      ).reduce((a, r) => a + Number(r.count), 0);
    const before = await stationRefusals();
    const asking = new LibkiClient(base, { name: 'POLLING-1', location: 'MAIN' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await asking.registerNode()).status, 'suspended');
      clock.advance(10_000);
    }
    assert.equal(await asking.login('123', '456'), 'INVALID_CLIENT');
    const { client } = await keyedClient();
    const forged = new LibkiClient(base, { ...client.node, stationKey: 'not-the-key' });
    assert.equal((await forged.registerNode()).status, 'suspended');
    assert.equal(await forged.login('123', '456'), 'INVALID_CLIENT');
    assert.equal(await stationRefusals(), before, 'listed as waiting for approval, not counted');
  });

  test('a station approved by staff after asking by name comes online without a key', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId } = await makeGroup(ctx, 0);
    const asking = new LibkiClient(base, { name: 'ASKING-1', location: 'MAIN' });
    assert.equal((await asking.registerNode()).status, 'suspended');
    const waiting = (await stationStatus(ctx, system, 'MAIN')).find((s) => s.name === 'ASKING-1');
    assert.equal(waiting?.state, 'unapproved');
    await approveStation(ctx, system, waiting!.stationId, groupId);
    const r = await asking.registerNode();
    assert.deepEqual([r.registered, r.status], [1, 'online']);
    await setOutOfOrder(ctx, system, waiting!.stationId, true);
    assert.equal((await asking.registerNode()).status, 'suspended', 'out of order');
  });

  test('an approved station with its key is online, with the settings and no null anywhere', async () => {
    const { clock } = env();
    clock.set(MON_10);
    const { client } = await keyedClient();
    const r = await client.registerNode();
    assert.equal(r.registered, 1);
    assert.equal(r.status, 'online');
    assert.equal(r.reserved_for, '');
    // The client's time box outlives the session (timerwindow.cpp); the tray shows the minutes.
    assert.equal(r.ShowTimeRemainingInSplash, '0');
    assert.equal(r.ShowTimeRemainingInTray, '1');
    assert.equal(r.EnableGuestSelfRegistration, '');
  });

  test('login, countdown by the test clock, a staff message once, logout; no argon2 per poll', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationId, client } = await keyedClient({ sessionMinutes: 30 });
    const card = await makeCard(ctx);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), true);
    assert.equal(client.units, 30);
    const before = verifications.count;
    clock.advance(10_000);
    assert.equal((await client.poll()).status, 'Logged in');
    clock.advance(5 * MINUTE);
    await client.poll();
    assert.equal(client.units, 25);
    const s = await repo.findSessionByStation(ctx.db, stationId);
    await sendMessage(ctx, system, s!.id, 'Please save your work.');
    await client.poll();
    await client.poll();
    assert.deepEqual(client.shown, ['Please save your work.'], 'shown once');
    assert.equal(verifications.count, before, 'polls cost no argon2 verification');
    assert.equal((await client.logout()).logged_out, 1);
    assert.equal(await repo.findSessionByStation(ctx.db, stationId), undefined);
  });

  test('a PIN with +, & and spaces is decoded without the +→space rule', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { client } = await keyedClient();
    const card = await makeCard(ctx);
    const pin = 'a+b&c=d %#é/?';
    await ctx.db
      .updateTable('patrons')
      .set({ pin_hash: await hashSecret(pin) })
      .where('id', '=', card.patronId)
      .execute();
    assert.ok(client.sent.length === 0);
    assert.equal(await client.login(card.cardNumber, pin), true);
    assert.match(client.sent[0]!, /password=a\+b%26c%3Dd%20%25%23%C3%A9\/\?&createGuest=0$/);
    await client.logout();
  });

  test('staff end a session: the next poll says Kicked, once', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationId, client } = await keyedClient();
    const card = await makeCard(ctx);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), true);
    const s = await repo.findSessionByStation(ctx.db, stationId);
    await endSession(ctx, system, s!.id);
    assert.equal((await client.poll()).status, 'Kicked');
    assert.equal(client.user, null);
    client.user = { username: card.cardNumber, password: TEST_PIN };
    assert.equal((await client.poll()).status, 'Logged out', 'told once');
  });

  test('time up: units 0, the client logs out; then NO_TIME once the allowance is used', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationId, client } = await keyedClient({ sessionMinutes: 30, dailyMinutes: 30 });
    const card = await makeCard(ctx);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), true);
    clock.advance(30 * MINUTE);
    const r = await client.poll();
    assert.deepEqual([r.status, r.units], ['Logged in', 0], 'units 0 when the time is up');
    assert.equal(client.user, null, 'the client sent logout itself');
    assert.match(client.sent.at(-1)!, /action=logout&/);
    assert.equal(await repo.findSessionByStation(ctx.db, stationId), undefined);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), 'NO_TIME');
    assert.equal(await client.login(card.cardNumber, 'wrong'), 'BAD_LOGIN');
  });

  test('closing warnings at 15 and 5 minutes, once each; CLOSED after closing', async () => {
    const { ctx, clock } = env();
    clock.set(MON_1940);
    const { client } = await keyedClient();
    const card = await makeCard(ctx);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), true);
    assert.equal(client.units, 20);
    await client.poll();
    assert.deepEqual(client.shown, []);
    clock.advance(5 * MINUTE);
    await client.poll();
    await client.poll();
    clock.advance(10 * MINUTE);
    await client.poll();
    await client.poll();
    assert.deepEqual(client.shown, [
      'The library closes in 15 minutes. Please save your work now.',
      'The library closes in 5 minutes. Please save your work now.',
    ]);
    clock.advance(5 * MINUTE);
    await client.poll();
    assert.equal(client.user, null);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), 'CLOSED');
  });

  test('a guest pass works once, typed as the user name', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { client } = await keyedClient();
    const { codes } = await createPasses(ctx, system, { branch: 'MAIN', count: 1, minutes: 45 });
    const code = codes[0]!;
    assert.equal(await client.login(code, ''), true);
    assert.equal(client.units, 45);
    clock.advance(MINUTE);
    assert.equal((await client.poll()).status, 'Logged in');
    await client.logout();
    assert.equal(await client.login(code, ''), 'BAD_LOGIN', 'used once');
  });

  test('a computer held for a ticket shows it; another card joins the waiting list and is told its ticket', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, client } = await keyedClient();
    const first = await makeCard(ctx);
    assert.equal(await client.login(first.cardNumber, TEST_PIN), true);
    const waiting = await makeCard(ctx);
    const t = await joinWaitlist(ctx, { groupId, card: waiting.credentials });
    assert.ok(t.ok);
    await client.logout();
    const r = await client.registerNode();
    assert.equal(r.reserved_for, t.ticket, 'the ticket, never a card');
    assert.deepEqual(await client.acknowledgeReservation(t.ticket), {});
    const other = await makeCard(ctx);
    const refused = await client.login(other.cardNumber, TEST_PIN);
    assert.match(String(refused), /waiting list: ticket B-\d+\.$/);
    assert.ok(!String(refused).includes(t.ticket), 'a new ticket of its own');
    assert.equal(await client.login(waiting.cardNumber, TEST_PIN), true, 'the ticket holder gets it');
    await client.logout();
  });

  test('a ticket taken without a card is confirmed at its computer with its claim code, then served', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, stationId, client } = await keyedClient();
    const first = await makeCard(ctx);
    assert.equal(await client.login(first.cardNumber, TEST_PIN), true);
    const t = await joinWaitlist(ctx, { groupId });
    assert.ok(t.ok);
    const code = (await ticketStatus(ctx, t.ticketId))?.claimCode;
    assert.match(String(code), /^\d{4}$/, 'a card-less ticket has a 4-digit claim code');
    await client.logout();
    assert.equal((await client.registerNode()).reserved_for, t.ticket);
    const walkUp = await makeCard(ctx);
    const held = /held for someone else/; // and, no other computer being free, on the list itself
    assert.match(String(await client.login(walkUp.cardNumber, TEST_PIN)), held, 'still held');
    // Another computer of the group (switched on just now) is not the one the ticket is called to.
    const name = `LK-${++n}`;
    const other = await createStation(ctx, system, { branch: 'MAIN', groupId, name });
    const elsewhere = new LibkiClient(base, { name, location: 'MAIN', stationKey: other.stationKey });
    assert.match(String(await elsewhere.login(t.ticket, code!)), /^Ticket B-\d+: wrong code, or not called/);
    const wrong = String((Number(code) + 1) % 10_000).padStart(4, '0');
    assert.match(String(await client.login(t.ticket, wrong)), /wrong code, or not called to this computer/);
    assert.match(
      String(await client.login(walkUp.cardNumber, TEST_PIN)),
      held,
      'a wrong code claims nothing',
    );
    assert.equal(
      await client.login(t.ticket.toLowerCase(), code!),
      `Ticket ${t.ticket} confirmed. Now sign in with your card and PIN, or a guest pass.`,
    );
    assert.equal(
      (await ticketStatus(ctx, t.ticketId))?.calledTo?.stationName,
      client.node.name,
      'still held',
    );
    const holder = await makeCard(ctx);
    assert.equal(await client.login(holder.cardNumber, TEST_PIN), true, 'the next sign-in there is accepted');
    assert.equal(await ticketStatus(ctx, t.ticketId), undefined, 'the ticket is served');
    assert.equal(
      (await stationStatus(ctx, system, 'MAIN')).find((s) => s.stationId === stationId)?.state,
      'in-use',
    );
    await client.logout();
  });

  test('wrong claim codes are throttled like card guesses', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { groupId, client } = await keyedClient();
    const first = await makeCard(ctx);
    assert.equal(await client.login(first.cardNumber, TEST_PIN), true);
    const t = await joinWaitlist(ctx, { groupId });
    assert.ok(t.ok);
    await client.logout();
    const code = (await ticketStatus(ctx, t.ticketId))!.claimCode!;
    const answers = [];
    for (let i = 1; i <= 12; i++)
      answers.push(await client.login(t.ticket, String((Number(code) + i) % 10_000).padStart(4, '0')));
    assert.ok(answers.includes('TOO_MANY_ATTEMPTS'), answers.join(' | '));
    assert.equal(await client.login(t.ticket, code), 'TOO_MANY_ATTEMPTS', 'even the right code waits');
  });

  test('printing is not offered, with HTTP 200', async () => {
    const price = await fetch(`${base}/api/client/v1_0/print_price_check?client_name=a&username=b&printer=c`);
    assert.equal(price.status, 200);
    assert.deepEqual(await price.json(), { success: 0, error: 'PRINTING_NOT_OFFERED' });
    const form = new FormData();
    form.append('client_name', 'PC');
    form.append('print_file', new Blob([Buffer.alloc(4096)]), 'a.pdf');
    const up = await fetch(`${base}/api/client/v1_0/print`, { method: 'POST', body: form });
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { success: 0, error: 'PRINTING_NOT_OFFERED' });
  });

  test('a print upload over the limit is answered at once, without reading it all', async () => {
    const { port } = new URL(base);
    // 50 MB declared, 1 MB sent: without a cap the server would wait for the other 49 MB.
    for (const declared of [50_000_000, undefined]) {
      const socket = net.connect(Number(port), '127.0.0.1');
      const head = declared
        ? `Content-Type: application/pdf\r\nContent-Length: ${declared}\r\n`
        : 'Content-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n';
      socket.write(`POST /api/client/v1_0/print HTTP/1.1\r\nHost: x\r\n${head}\r\n`);
      const chunk = Buffer.alloc(PRINT_BODY_LIMIT * 16);
      socket.write(
        declared ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk]),
      );
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error('no answer within 5 s'));
        }, 5_000);
        socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
        socket.on('error', () => undefined); // the server closes while the client still sends
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(text);
        });
      });
      assert.match(answer, /^HTTP\/1\.1 200 /, String(declared));
      assert.ok(answer.endsWith('{"success":0,"error":"PRINTING_NOT_OFFERED"}'), answer);
    }
  });

  test('guesses from one station are throttled across cards', async () => {
    const { clock } = env();
    clock.set(MON_10);
    const { client } = await keyedClient();
    const codes = [];
    for (let i = 0; i < 22; i++)
      codes.push(await client.login(`2999900000${String(i).padStart(4, '0')}`, '0000'));
    assert.equal(codes[0], 'BAD_LOGIN');
    assert.equal(codes.at(-1), 'TOO_MANY_ATTEMPTS');
  });

  test('logs and stored rows hold no card number or PIN after logins and polls (P3, G4)', async () => {
    const { ctx } = env();
    const raw = env().logs.join('\n');
    const cards = await ctx.db.selectFrom('patrons').select('card_number').execute();
    assert.ok(cards.length > 0);
    for (const { card_number } of cards) assert.ok(!raw.includes(card_number), 'a card number was logged');
    for (const v of [TEST_PIN, 'a+b&c=d', '%26c%3Dd', 'password=', 'username='])
      assert.ok(!raw.includes(v), `"${v}" was logged`);
    assert.match(raw, /"route":"\/api\/client\/v1_0"/, 'the requests were logged, by route pattern only');
    for (const { card_number } of cards.slice(-3)) {
      const found = (await findValueEverywhere(ctx, card_number)).filter(
        (f) => !f.where.startsWith('patrons.'),
      );
      assert.deepEqual(
        found.filter((f) => !f.where.startsWith('file ')),
        [],
        'only the patron row holds it',
      );
    }
    assert.deepEqual(
      (await findValueEverywhere(ctx, TEST_PIN)).filter((f) => !f.where.startsWith('file ')),
      [],
      'no PIN stored',
    );
  });

  test('a station calling every 10 s stays online, its last-seen time written at most every 30 s', async () => {
    const { ctx, clock } = env();
    clock.set(MON_10);
    const { stationId, client } = await keyedClient();
    const card = await makeCard(ctx);
    assert.equal(await client.login(card.cardNumber, TEST_PIN), true);
    const seen = async () => (await repo.findStation(ctx.db, stationId))?.last_seen_at;
    const first = await seen();
    assert.equal(first, MON_10);
    const states: string[] = [];
    for (let i = 1; i <= 9; i++) {
      clock.advance(10_000);
      await client.registerNode();
      await client.poll();
      // 10 and 20 s after the stored time nothing is written; at 30 s it is.
      assert.equal(
        await seen(),
        i < 3
          ? first
          : i < 6
            ? '2026-03-02T16:00:30.000Z'
            : i < 9
              ? '2026-03-02T16:01:00.000Z'
              : '2026-03-02T16:01:30.000Z',
      );
      await client.logout();
      states.push((await stationStatus(ctx, system, 'MAIN')).find((s) => s.stationId === stationId)!.state);
      assert.equal(await client.login(card.cardNumber, TEST_PIN), true);
    }
    assert.deepEqual(new Set(states), new Set(['free']), 'never offline while it calls every 10 s');
    clock.advance(61_000);
    await client.logout();
    assert.equal(
      (await stationStatus(ctx, system, 'MAIN')).find((s) => s.stationId === stationId)!.state,
      'free',
      'the logout was a call',
    );
    clock.advance(61_000);
    assert.equal(
      (await stationStatus(ctx, system, 'MAIN')).find((s) => s.stationId === stationId)!.state,
      'offline',
      'a minute without a call',
    );
  });

  test('malformed escapes, unknown actions and a long name still get 200 JSON', async () => {
    const urls = [
      '/api/client/v1_0?node=%E0%A4%A&location=MAIN&action=register_node',
      '/api/client/v1_0?node=PC&location=MAIN&action=shutdown_everything',
      `/api/client/v1_0?node=${'x'.repeat(500)}&location=MAIN&action=login&username=1&password=2`,
      '/api/client/v1_0',
    ];
    for (const u of urls) {
      const res = await fetch(base + u);
      assert.equal(res.status, 200, u);
      const body = (await res.json()) as Record<string, unknown>;
      assert.ok(!Object.values(body).includes(null), u);
    }
  });

  test('a genuine fault is a 500 whose error log holds no card number or PIN (G4)', async () => {
    const { ctx } = env();
    const { client } = await keyedClient();
    const card = await makeCard(ctx);
    await ctx.database.close();
    await assert.rejects(client.login(card.cardNumber, TEST_PIN), /HTTP 500/);
    const errors = env().logs.filter((l) => l.includes('"level":50'));
    assert.ok(errors.length > 0, 'the fault was logged');
    for (const l of errors) {
      assert.ok(!l.includes(card.cardNumber) && !l.includes(TEST_PIN), l);
      assert.doesNotMatch(l, /username=|password=/);
    }
  });
});
