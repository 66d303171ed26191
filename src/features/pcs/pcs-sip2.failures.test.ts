// When the other library system cannot check a login (issue 14 item 9; P3, G4): down, silent,
// refusing Carrel's own SIP2 login, or presenting a certificate Carrel does not trust. Each is a
// prompt refusal the Libki client shows as "Unable to connect to ILS", counted by reason, with a
// log line that names the failure and nothing sent. Also: the connection comes back after the
// server dropped it, and a plain-TCP IBM850 connection with checksums works. Both databases.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AppContext } from '../../context.ts';
import { createTestEnv, dialects, type TestEnv } from '../../../test/support/env.ts';
import { createTestApp } from '../../../test/support/http.ts';
import { LibkiClient } from '../../../test/support/libki-client.ts';
import { startTestServer } from '../sip2/sip2.test-support.ts';
import { closePatronSource } from './pcs.patron-choice.ts';
import { startSession } from './pcs.service.ts';
import { createStation } from './pcs-stations.service.ts';
import { ILS_PIN, startIls, withSip2, type Ils } from './pcs-sip2.test-support.ts';
import { makeGroup } from './pcs.test-support.ts';

const system = { kind: 'system' } as const;
const MON_10 = '2026-03-02T16:00:00.000Z';
let n = 0;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

for (const dialect of dialects)
  describe(`public computers when the other library system fails [${dialect}]`, () => {
    let ils: Ils;
    let pcs: TestEnv;
    let silent: net.Server;
    const held = new Set<net.Socket>();
    const opened: AppContext[] = [];
    let dir = '';
    before(async () => {
      ils = await startIls();
      pcs = await createTestEnv(dialect);
      silent = net.createServer((socket) => {
        held.add(socket); // accepts, reads, never answers
        socket.on('error', () => undefined);
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-sip2-f-'));
    });
    after(async () => {
      for (const c of opened) await closePatronSource(c);
      for (const s of held) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
      await pcs?.cleanup();
      await ils?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The computers' context signing in against `vars`, and a station of a new group. */
    async function setUp(vars: Record<string, string>) {
      const ctx = withSip2(pcs.ctx, vars);
      opened.push(ctx);
      const { groupId } = await makeGroup(ctx, 0);
      const { stationId, stationKey } = await createStation(ctx, system, {
        branch: 'MAIN',
        groupId,
        name: `SIPF-${++n}`,
      });
      return { ctx, stationId, stationKey, name: `SIPF-${n}` };
    }

    const card = (cardNumber: string) => ({ kind: 'card' as const, cardNumber, pin: ILS_PIN });

    async function unavailable(): Promise<number> {
      const rows = await pcs.ctx.db
        .selectFrom('pc_refusals')
        .select('count')
        .where('reason', '=', 'ILS_UNAVAILABLE')
        .execute();
      return rows.reduce((s, r) => s + Number(r.count), 0);
    }

    /** Log lines of the failure, checked to carry no card, PIN or name. */
    function failureLines(secrets: string[]): string[] {
      const lines = pcs.logs.filter((l) => l.includes('the library system did not check a login'));
      for (const l of lines) for (const s of secrets) assert.ok(!l.includes(s), 'nothing sent is logged');
      return lines;
    }

    test('down: the Libki client is told CONNECTION_FAILURE at once; counted; one clean log line', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const s = await setUp({ ...ils.vars, PCS_SIP2_PORT: String(await freePort()) });
      const app = await createTestApp({ ...pcs, ctx: s.ctx });
      await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const port = (app.server.address() as net.AddressInfo).port;
        const client = new LibkiClient(`http://127.0.0.1:${port}`, {
          name: s.name,
          location: 'MAIN',
          stationKey: s.stationKey,
        });
        const before = await unavailable();
        const t0 = Date.now();
        assert.equal(await client.login(p.cardNumber, ILS_PIN), 'CONNECTION_FAILURE');
        assert.ok(Date.now() - t0 < 2000, 'a refused connection is not waited for');
        assert.equal(await unavailable(), before + 1);
        const lines = failureLines([p.cardNumber, ILS_PIN, p.name]);
        assert.ok(lines.some((l) => l.includes('"sip2":"connect"')));
        assert.ok(!pcs.logs.some((l) => /"stack"|"err"/.test(l)), 'no stack trace');
      } finally {
        await app.close();
      }
    });

    test('silent: refused after the timeout, never hanging', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const port = (silent.address() as net.AddressInfo).port;
      const s = await setUp({
        PCS_SIP2_HOST: '127.0.0.1',
        PCS_SIP2_PORT: String(port),
        PCS_SIP2_TLS: 'off',
        PCS_SIP2_TIMEOUT_SECONDS: '1',
      });
      const t0 = Date.now();
      const r = await startSession(s.ctx, { stationId: s.stationId, credentials: card(p.cardNumber) });
      const took = Date.now() - t0;
      assert.deepEqual(r, { ok: false, reason: 'ILS_UNAVAILABLE' });
      assert.ok(took >= 900 && took < 3000, `refused after about a second (${took} ms)`);
      assert.ok(failureLines([p.cardNumber, ILS_PIN]).some((l) => l.includes('"sip2":"timeout"')));
    });

    test('a wrong terminal password is a refusal, logged as login-refused', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const wrong = path.join(dir, 'wrong-password');
      fs.writeFileSync(wrong, 'not-the-terminal-password\n');
      const s = await setUp({ ...ils.vars, PCS_SIP2_PASSWORD_FILE: wrong });
      const r = await startSession(s.ctx, { stationId: s.stationId, credentials: card(p.cardNumber) });
      assert.deepEqual(r, { ok: false, reason: 'ILS_UNAVAILABLE' });
      const lines = failureLines([p.cardNumber, ILS_PIN, 'not-the-terminal-password']);
      assert.ok(lines.some((l) => l.includes('"sip2":"login-refused"')));
    });

    test('TLS: a certificate from a CA Carrel was not told to trust is refused', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const { PCS_SIP2_CA: _ca, ...withoutCa } = ils.vars;
      const s = await setUp(withoutCa);
      const r = await startSession(s.ctx, { stationId: s.stationId, credentials: card(p.cardNumber) });
      assert.deepEqual(r, { ok: false, reason: 'ILS_UNAVAILABLE' });
      const trusted = await setUp(ils.vars);
      const ok = await startSession(trusted.ctx, {
        stationId: trusted.stationId,
        credentials: card(p.cardNumber),
      });
      assert.equal(ok.ok, true, 'with PCS_SIP2_CA the same server is trusted');
    });

    test('a connection the server dropped is opened again (93 once per connection)', async () => {
      pcs.clock.set(MON_10);
      const short = await startTestServer(ils.env.ctx, { idleMs: 300 });
      try {
        const s = await setUp({ ...ils.vars, PCS_SIP2_PORT: String(short.tlsPort) });
        const logins = () => ils.env.logs.filter((l) => l.includes('"sip2":"93"')).length;
        const before = logins();
        const a = await ils.patron();
        const b = await ils.patron();
        const c = await ils.patron();
        assert.ok(
          (await startSession(s.ctx, { stationId: s.stationId, credentials: card(a.cardNumber) })).ok,
        );
        const { stationIds } = await makeGroup(s.ctx, 2);
        assert.ok(
          (await startSession(s.ctx, { stationId: stationIds[0]!, credentials: card(b.cardNumber) })).ok,
        );
        assert.equal(logins(), before + 1, 'one login for two look-ups');
        await new Promise((r) => setTimeout(r, 700)); // the server closes the idle connection
        assert.ok(
          (await startSession(s.ctx, { stationId: stationIds[1]!, credentials: card(c.cardNumber) })).ok,
        );
        assert.equal(logins(), before + 2, 'a new connection, logged in again');
      } finally {
        await short.stop();
      }
    });

    test('plain TCP in IBM850 with checksums, for an older server', async () => {
      pcs.clock.set(MON_10);
      const p = await ils.patron();
      const s = await setUp({
        ...ils.vars,
        PCS_SIP2_PORT: String(ils.server.plainPort),
        PCS_SIP2_TLS: 'off',
        PCS_SIP2_CA: '',
        PCS_SIP2_LOGIN: 'old850',
        PCS_SIP2_CHARSET: 'ibm850',
        PCS_SIP2_CHECKSUMS: 'on',
      });
      const r = await startSession(s.ctx, { stationId: s.stationId, credentials: card(p.cardNumber) });
      assert.equal(r.ok, true);
    });
  });
