// Public-computer logins checked by another library system over SIP2 (issue 14 item 9; P1, P3,
// G4), against a second Carrel serving SIP2 over real TLS with a private CA, through the real
// Libki client API, on both databases: accepted, wrong PIN, unknown, blocked and expired cards,
// the age band from the patron category, one SIP2 look-up per login and none per poll, and
// nothing of the card, PIN or name in any log line or table of the computers' Carrel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../http/types.ts';
import { createTestEnv, dialects, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { createTestApp } from '../../../test/support/http.ts';
import { LibkiClient } from '../../../test/support/libki-client.ts';
import { pollCache } from './pcs.keys.ts';
import { closePatronSource, startPatronSource } from './pcs.patron-choice.ts';
import { pollSession, startSession } from './pcs.service.ts';
import { createStation } from './pcs-stations.service.ts';
import { ILS_PIN, startIls, withSip2, type Ils } from './pcs-sip2.test-support.ts';
import { makeGroup } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
// Monday 2 March 2026, 10:00 in Chicago (CST): MAIN is open 09:00–20:00.
const MON_10 = '2026-03-02T16:00:00.000Z';
let n = 0;

for (const dialect of dialects)
  describe(`public computers signing in against another library system over SIP2 [${dialect}]`, () => {
    let ils: Ils;
    let pcs: TestEnv;
    let app: App;
    let base = '';
    before(async () => {
      ils = await startIls();
      // Configured as an operator would: through the environment, read by loadConfig.
      pcs = await createTestEnv(dialect, { env: ils.vars });
      app = await createTestApp(pcs);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    });
    after(async () => {
      await app?.close();
      await closePatronSource(pcs.ctx);
      await pcs?.cleanup();
      await ils?.stop();
    });

    async function kiosk(opts: Parameters<typeof makeGroup>[2] = {}) {
      const { groupId } = await makeGroup(pcs.ctx, 0, opts);
      const name = `SIP-${++n}`;
      const { stationId, stationKey } = await createStation(pcs.ctx, system, {
        branch: 'MAIN',
        groupId,
        name,
      });
      return { stationId, client: new LibkiClient(base, { name, location: 'MAIN', stationKey }) };
    }

    test('a card of the other system signs in over TLS; polls ask it nothing; only the day key is kept', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const { stationId, client } = await kiosk();
      const before = ils.patronLookUps();
      assert.equal(await client.login(p.cardNumber, ILS_PIN), true);
      assert.equal(ils.patronLookUps(), before + 1, 'one 63 Patron Information per login');
      for (let i = 0; i < 3; i++) assert.equal((await client.poll()).status, 'Logged in');
      assert.equal(ils.patronLookUps(), before + 1, 'no SIP2 round trip per poll');
      const row = await pcs.ctx.db
        .selectFrom('pc_sessions')
        .select(['card_key', 'age_band'])
        .where('station_id', '=', stationId)
        .executeTakeFirstOrThrow();
      assert.match(row.card_key ?? '', /^[0-9a-f]{64}$/, 'the card is known only by its day key');
      assert.equal(row.age_band, 'adult', 'the patron category "adult" falls to * = adult');
      assert.equal((await client.logout()).logged_out, 1);
    });

    test('wrong PIN and unknown card are a bad login; the connection serves the next login', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const { client } = await kiosk();
      assert.equal(await client.login(p.cardNumber, 'not-the-pin'), 'BAD_LOGIN');
      assert.equal(await client.login('29999999999999', ILS_PIN), 'BAD_LOGIN');
      assert.equal(await client.login(p.cardNumber, ILS_PIN), true);
      assert.equal((await client.logout()).logged_out, 1);
    });

    test("blocked and expired cards are refused with the other system's own short message", async () => {
      pcs.clock.set(MON_10);
      const blocked = await ils.patron({ blockReason: 'Lost card' });
      const expired = await ils.patron({ cardExpiresAt: '2025-01-01T00:00:00.000Z' });
      const { client } = await kiosk();
      assert.equal(await client.login(blocked.cardNumber, ILS_PIN), 'This card is blocked: Lost card');
      assert.equal(
        await client.login(expired.cardNumber, ILS_PIN),
        'This card has expired. It can be renewed at any branch desk.',
      );
      const counted = await pcs.ctx.db
        .selectFrom('pc_refusals')
        .select('count')
        .where('reason', '=', 'ACCOUNT_DISABLED')
        .execute();
      assert.equal(
        counted.reduce((s, r) => s + Number(r.count), 0),
        2,
        'counted by reason, never the message',
      );
    });

    test('the age band comes from the patron category: a child is refused at an adults-only group', async () => {
      pcs.clock.set(MON_10);
      const child = await ils.patron({ ageBand: 'child' });
      const teen = await ils.patron({ ageBand: 'teen' });
      const { client } = await kiosk({ ageBands: ['adult'] });
      assert.equal(await client.login(child.cardNumber, ILS_PIN), 'AGE_MISMATCH', 'CHILD=child, any case');
      assert.equal(await client.login(teen.cardNumber, ILS_PIN), 'AGE_MISMATCH', 'teen=teen');
      const kids = await kiosk({ ageBands: ['child'] });
      assert.equal(await kids.client.login(child.cardNumber, ILS_PIN), true);
      assert.equal((await kids.client.logout()).logged_out, 1);
    });

    test('a poll on a process that never verified the session asks the other system once', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const { stationId } = await kiosk();
      const credentials = { kind: 'card' as const, cardNumber: p.cardNumber, pin: ILS_PIN };
      const s = await startSession(pcs.ctx, { stationId, credentials });
      assert.ok(s.ok);
      pollCache.delete(s.sessionId); // as on another process, which never saw this login
      const before = ils.patronLookUps();
      assert.equal((await pollSession(pcs.ctx, { stationId, credentials })).status, 'active');
      assert.equal((await pollSession(pcs.ctx, { stationId, credentials })).status, 'active');
      assert.equal(ils.patronLookUps(), before + 1, 'verified once, then cached');
      const wrong = { ...credentials, pin: 'other' };
      assert.deepEqual(await pollSession(pcs.ctx, { stationId, credentials: wrong }), {
        status: 'refused',
        reason: 'BAD_LOGIN',
      });
    });

    test('where the web server runs, the connection is opened at start and closed at stop', async () => {
      assert.equal(await startPatronSource(withSip2(pcs.ctx, {})), null, 'nothing to start without a host');
      const ctx = withSip2(pcs.ctx, ils.vars);
      const logins = () => ils.env.logs.filter((l) => l.includes('"sip2":"93"')).length;
      const before = logins();
      const service = await startPatronSource(ctx);
      assert.ok(service);
      const connected = () => pcs.logs.some((l) => l.includes('connected to the library system (SIP2)'));
      for (let i = 0; i < 100 && !connected(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(connected(), 'the start-up service says it is connected');
      assert.equal(logins(), before + 1, 'signed in (93) before any login');
      await service.stop();
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const { stationId } = await kiosk();
      const credentials = { kind: 'card' as const, cardNumber: p.cardNumber, pin: ILS_PIN };
      assert.ok((await startSession(ctx, { stationId, credentials })).ok);
      assert.equal(logins(), before + 2, 'after stop, a login opens a new connection');
      await closePatronSource(ctx);
    });

    test('no card number, PIN or name in any log line or table of the computers (P1, P3, G4)', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const { client } = await kiosk();
      assert.equal(await client.login(p.cardNumber, 'wrong-pin-x'), 'BAD_LOGIN');
      assert.equal(await client.login(p.cardNumber, ILS_PIN), true);
      await client.poll();
      assert.equal((await client.logout()).logged_out, 1);
      const logs = pcs.logs.join('\n');
      for (const secret of [p.cardNumber, ILS_PIN, 'wrong-pin-x', p.name])
        assert.ok(!logs.includes(secret), 'not in a log line');
      for (const secret of [p.cardNumber, ILS_PIN, p.name])
        assert.deepEqual(await findValueEverywhere(pcs.ctx, secret), [], 'not in any table or file');
    });
  });
