// Issue 14's "done means", end to end with the real, unmodified Libki kiosk client (2.4.0, under
// Xvfb, see test/support/libki-kiosk.ts) against a real Carrel served over HTTP: the station and
// its INI come from the real `carrel pcs libki-ini` command; the kiosk registers; staff signed in
// over HTTP see it free; a demo patron signs in with card and PIN and sees the countdown; the
// staff map shows the computer in use without who (P1); staff message and end the session; with
// every computer busy a ticket taken on the public page is called to the freed kiosk (P2); a
// printed guest pass signs in and its time runs out; the day's rollover leaves only aggregates
// (P1, P3, G2). SQLite only: this test is slow, and the client API itself is tested on both
// databases in src/features/pcs. The client polls every 10 s; time moves with the test clock and
// each wait polls a condition.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MINUTE } from '../src/clock.ts';
import type { AppContext } from '../src/context.ts';
import { seedDemoPatrons, type SeededPatron } from '../src/demo/patrons.ts';
import { createStaff } from '../src/features/staff/staff.service.ts';
import { runLibkiIni } from '../src/features/pcs/pcs.cli.ts';
import { assertDayGone } from '../src/features/pcs/pcs.test-support.ts';
import { rollOverPcsJob } from '../src/features/pcs/pcs.jobs.ts';
import type { App } from '../src/http/types.ts';
import { carrel } from './support/cli.ts';
import { createTestEnv, type TestEnv } from './support/env.ts';
import { findValueEverywhere } from './support/find-value.ts';
import { createTestApp } from './support/http.ts';
import { HttpSession } from './support/http-session.ts';
import { LibkiClient } from './support/libki-client.ts';
import { ensureLibkiClient, libkiSkip, startKiosk, type Kiosk } from './support/libki-kiosk.ts';

// Monday 2 March 2026, 10:00 in Chicago: MAIN is open until 20:00.
const MON_10 = '2026-03-02T16:00:00.000Z';
const DAY = '2026-03-02';
const STATION = 'PC-E2E-1';
/** Screenshots of what a patron sees are kept here when set (a folder); otherwise none are taken. */
const SHOTS = process.env.CARREL_LIBKI_SHOTS;

/** What the server saw of one client request: the action and station, never the credentials. */
interface Seen {
  action: string;
  node: string;
  reservedFor: string;
  keyHeader: boolean;
  at: number;
}

/** Every value of every pc_* table, as text (as in pcs.rollover.test.ts). */
async function pcValues(ctx: AppContext): Promise<string[]> {
  const out: string[] = [];
  for (const t of await ctx.database.ops.listTables(ctx.db)) {
    if (!t.startsWith('pc_')) continue;
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t)}`.execute(ctx.db);
    for (const r of rows.rows) for (const v of Object.values(r)) if (v !== null) out.push(String(v));
  }
  return out;
}

/** Polls `probe` every 100 ms until it returns a value other than undefined. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('issue 14 end to end: the real Libki kiosk client against Carrel', { skip: libkiSkip() }, () => {
  let env: TestEnv;
  let app: App;
  let base = '';
  let kiosk: Kiosk | undefined;
  const seen: Seen[] = [];
  let patrons: SeededPatron[] = [];
  let desk: HttpSession;
  let stationUrl = '';
  let ticket = '';
  let passCodes: string[] = [];
  let second: LibkiClient;
  /** Minutes the sessions lasted by the test clock (started → ended): what pc_stats must sum to. */
  let minutesUsed = 0;
  const used = (startedAt: number) => {
    minutesUsed += Math.ceil((env.clock.now().getTime() - startedAt) / MINUTE);
  };
  let frankieFrom = 0;
  let danaFrom = 0;

  const shot = async (name: string) => {
    if (!SHOTS || !kiosk) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await kiosk.screenshot(path.join(SHOTS, name));
  };
  /** The kiosk's first request since `at` that `pred` accepts. */
  const seenAfter = (what: string, at: number, pred: (s: Seen) => boolean, timeoutMs?: number) =>
    until(what, async () => seen.find((s) => s.at >= at && s.node === STATION && pred(s)), timeoutMs);
  const mapPage = async () => {
    const page = await desk.get('/staff/pcs?branch=MAIN');
    assert.equal(page.status, 200);
    return page.body;
  };
  const stateOnMap = (html: string, name: string) =>
    new RegExp(`>${name}</a></h3><p><strong>([^<]+)</strong>(?: — ([^<]+))?</p>`).exec(html)?.slice(1) ?? [];

  before(
    async () => {
      await ensureLibkiClient(); // the first run builds the client: minutes, not this test's time
      env = await createTestEnv('sqlite');
      env.clock.set(MON_10);
      app = await createTestApp(env);
      // The Node server's own request event: the action and station of each client request, to
      // see what the kiosk did (credentials in the query are not kept).
      app.server.on('request', (req: IncomingMessage) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname !== '/api/client/v1_0') return;
        seen.push({
          action: url.searchParams.get('action') ?? '',
          node: url.searchParams.get('node') ?? '',
          reservedFor: url.searchParams.get('reserved_for') ?? '',
          keyHeader: typeof req.headers['x-carrel-station-key'] === 'string',
          at: Date.now(),
        });
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      patrons = await seedDemoPatrons(env.ctx);
      const password = 'correct horse battery staple';
      await createStaff(
        env.ctx,
        { kind: 'system' },
        { username: 'pcdesk', displayName: 'PC Desk', roles: ['pc-staff'], password },
      );
      desk = new HttpSession(base);
      await desk.signInStaff('pcdesk', password);
    },
    { timeout: 15 * 60_000 },
  );
  after(async () => {
    await kiosk?.stop();
    await app?.close();
    await env?.cleanup();
  });

  test('`carrel pcs libki-ini` makes the station; the kiosk registers with its key; staff see it free', async () => {
    // The real command in a child process, on the same database file, with the address the
    // kiosk must use as PUBLIC_URL: the INI goes to the kiosk as printed (the harness sets the
    // [server] host, port and scheme from the same URL, so they stay as they are).
    const made = await carrel(['pcs', 'libki-ini', '--station', STATION, '--branch', 'MAIN'], {
      DATA_DIR: env.dataDir,
      CARREL_SECRET: env.config.secret,
      PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
    });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stderr, /created PC-E2E-1 at MAIN in group "Internet"/);
    const ini = made.stdout;
    const url = new URL(base);
    for (const line of [`host="${url.hostname}"`, `port=${url.port}`, 'scheme="http"'])
      assert.ok(ini.split('\n').includes(line), `the INI says ${line}`);

    const started = Date.now();
    kiosk = await startKiosk({ serverUrl: base, ini });
    const reg = await seenAfter('register_node', started, (s) => s.action === 'register_node');
    assert.equal(reg.node, STATION);
    assert.ok(reg.keyHeader, 'the client sends the station key header from the INI');
    const map = await mapPage();
    assert.deepEqual(stateOnMap(map, STATION), ['Free', undefined], 'known by its key: free, not waiting');
    stationUrl = /href="(\/staff\/pcs\/stations\/[^"]+)">PC-E2E-1</.exec(map)?.[1] ?? '';
    assert.ok(stationUrl);
  });

  test('a demo patron signs in with card and PIN; the countdown shows; staff see "in use", never who', async () => {
    const dana = patrons[0]!;
    assert.match(dana.name, /Dana/);
    danaFrom = env.clock.now().getTime();
    await kiosk!.login(dana.cardNumber, dana.pin);
    assert.equal((await kiosk!.waitForCountdown({ minutes: 60 })).title, 'Libki 1:00');
    await shot('1-session.png');
    for (const page of [await mapPage(), (await desk.get(stationUrl)).body]) {
      assert.match(page, /In use<\/strong> — 60 minutes left/);
      for (const secret of [dana.name, dana.cardNumber, dana.id, dana.pin])
        assert.ok(!page.includes(secret), 'no name, card, patron id or PIN on a staff page (P1)');
    }
  });

  test('staff send a message (the kiosk shows it once) and the time left follows the server', async () => {
    const sent = await desk.submit(stationUrl, `${stationUrl}/message`, {
      message: 'Please save your work: this computer is needed soon.',
    });
    assert.equal(sent.status, 303);
    env.clock.advance(5 * MINUTE);
    const box = await kiosk!.waitForDialog({ timeoutMs: 15_000 });
    await shot('2-message.png');
    await kiosk!.closeDialog(box);
    assert.equal((await kiosk!.waitForCountdown({ minutes: 55 })).title, 'Libki 0:55');
  });

  test('every computer busy: a ticket from the public page is called to the kiosk when staff end its session', async () => {
    const [, eli, frankie] = patrons;
    // The group's second computer, made by the same code as the command, busy through the
    // protocol-level client.
    let ini = '';
    await runLibkiIni(
      env.ctx,
      { station: 'PC-E2E-2', branch: 'MAIN' },
      {
        stdout: { write: (s: string) => (ini += s) } as unknown as NodeJS.WritableStream,
        stderr: { write: () => true } as unknown as NodeJS.WritableStream,
      },
    );
    const stationKey = /^customHeaderValue="([^"]+)"$/m.exec(ini)?.[1];
    assert.ok(stationKey);
    second = new LibkiClient(base, { name: 'PC-E2E-2', location: 'MAIN', stationKey });
    assert.equal((await second.registerNode()).registered, 1);
    assert.equal(await second.login(frankie!.cardNumber, frankie!.pin), true);
    frankieFrom = env.clock.now().getTime();

    const visitor = new HttpSession(base);
    const computers = await visitor.get('/computers/MAIN');
    assert.equal(computers.status, 200);
    const groupId = /name="groupId" id="groupId" value="([^"]+)"/.exec(computers.body)?.[1];
    assert.ok(groupId, 'the Internet group is offered');
    const joined = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', {
      groupId,
      cardNumber: eli!.cardNumber,
      pin: eli!.pin,
    });
    assert.equal(joined.status, 200, joined.body.slice(0, 500));
    ticket = /Your ticket: <strong>([A-Z]-\d+)<\/strong>/.exec(joined.body)?.[1] ?? '';
    assert.match(ticket, /^I-\d+$/);
    assert.match(joined.body, /You are next in line/);
    const joinedAt = env.clock.now().getTime();

    const ended = await desk.submit(stationUrl, `${stationUrl}/end`, {});
    assert.equal(ended.status, 303);
    used(danaFrom);
    const kickedAt = Date.now();
    await kiosk!.waitForLoginScreen({ timeoutMs: 15_000 });
    assert.ok(
      !seen.some((s) => s.at >= kickedAt && s.action === 'logout'),
      'the kiosk left on "Kicked", without a logout',
    );
    // The next register_node says the computer is held: the client shows "Reserved: I-1" and
    // acknowledges it.
    const ack = await seenAfter(
      'acknowledge_reservation',
      kickedAt,
      (s) => s.action === 'acknowledge_reservation',
      25_000, // the login screen comes back at a poll, the hold shows at the register after it
    );
    assert.equal(ack.reservedFor, ticket);
    await shot('3-reserved.png');
    const board = (await visitor.get('/computers/MAIN/board')).body;
    assert.match(board, new RegExp(`<strong>${ticket}</strong>[\\s\\S]{0,120}<strong>${STATION}</strong>`));
    assert.equal(stateOnMap(await mapPage(), STATION)[0], 'Reserved');

    // Someone else at the held kiosk is refused and put on the list (the group is full).
    const gio = patrons[3]!;
    const tried = Date.now();
    await kiosk!.login(gio.cardNumber, gio.pin);
    await seenAfter('the walk-up login', tried, (s) => s.action === 'login');
    const next = await until('the second ticket on the board', async () => {
      const b = (await visitor.get('/computers/MAIN/board')).body;
      return /<ol class="pc-board-waiting"><li>(I-\d+)<\/li><\/ol>/.exec(b)?.[1];
    });
    assert.notEqual(next, ticket);
    await shot('4-walk-up.png');
    assert.equal(await kiosk!.countdown(), null, 'no session for the walk-up');

    // Two minutes later the ticket's card signs in at the held kiosk; the ticket is served.
    env.clock.advance(2 * MINUTE);
    await kiosk!.login(eli!.cardNumber, eli!.pin);
    const eliFrom = env.clock.now().getTime();
    await kiosk!.waitForCountdown({ minutes: 60 });
    assert.doesNotMatch((await visitor.get('/computers/MAIN/board')).body, new RegExp(`>${ticket}<`));
    // Staff take the walk-up's ticket off the list (it would hold the kiosk next).
    const list = '/staff/pcs/waitlist?branch=MAIN';
    const rows = (await desk.get(list)).body;
    const remove = /action="(\/staff\/pcs\/waitlist\/[^"]+\/remove)"/.exec(rows)?.[1];
    assert.ok(remove && rows.includes(`>${next}</th>`), "the one ticket left is the walk-up's");
    assert.equal((await desk.submit(list, remove, {})).status, 303);
    const waits = await env.ctx.db.selectFrom('pc_waits').select('seconds').execute();
    assert.deepEqual(
      waits.map((w) => Number(w.seconds)),
      [(env.clock.now().getTime() - joinedAt) / 1000],
    );
    env.clock.advance(10 * MINUTE);
    const end = await desk.submit(stationUrl, `${stationUrl}/end`, {});
    assert.equal(end.status, 303);
    used(eliFrom);
    await kiosk!.waitForLoginScreen({ timeoutMs: 15_000 });
  });

  test('a guest pass printed by staff signs in at the kiosk, and the kiosk leaves when its time is up', async () => {
    const sheet = await desk.submit('/staff/pcs/passes', '/staff/pcs/passes', {
      branch: 'MAIN',
      count: '2',
      minutes: '30',
    });
    assert.equal(sheet.status, 200);
    passCodes = [...sheet.body.matchAll(/class="pass-code">([A-Z0-9-]+)</g)].map((m) => m[1]!);
    assert.equal(passCodes.length, 2);
    // The pass goes in the card field; the PIN field stays empty.
    await kiosk!.login(passCodes[0]!, '');
    assert.equal((await kiosk!.waitForCountdown({ minutes: 30 })).title, 'Libki 0:30');
    const guestFrom = env.clock.now().getTime();
    const upAt = Date.now();
    env.clock.advance(30 * MINUTE);
    used(guestFrom);
    await kiosk!.waitForLoginScreen({ timeoutMs: 15_000 });
    // At 0 minutes the client signs out by itself (the server had already ended the session).
    await seenAfter('the logout at 0 minutes', upAt, (s) => s.action === 'logout', 5000);
    const guest = await env.ctx.db.selectFrom('pc_sessions').select('id').execute();
    assert.equal(guest.length, 1, 'only the other computer is still in use');
  });

  test("the day's rollover leaves only aggregates: no card, patron id or the day's keys", async () => {
    const [dana, eli, frankie] = patrons as [SeededPatron, SeededPatron, SeededPatron];
    assert.equal((await second.logout()).logged_out, 1, 'the second computer signs out');
    used(frankieFrom);
    const ctx = env.ctx;
    const dayKey = (await ctx.db.selectFrom('pc_day_keys').select('key').where('day', '=', DAY).execute())[0]
      ?.key;
    assert.ok(dayKey);
    const cardKeys = (await ctx.db.selectFrom('pc_usage').select('card_key').execute()).map(
      (r) => r.card_key,
    );
    assert.equal(cardKeys.length, 3, 'three cards used computers today');

    env.clock.set('2026-03-03T06:05:00.000Z'); // 00:05 on Tuesday in Chicago
    await rollOverPcsJob.handler(ctx, {}, { jobId: 'e2e', attempt: 1 });

    await assertDayGone(ctx, DAY);
    assert.equal((await ctx.db.selectFrom('pc_sessions').selectAll().execute()).length, 0);
    const values = await pcValues(ctx);
    for (const p of [dana, eli, frankie]) {
      assert.ok(!values.some((v) => v.includes(p.cardNumber)), 'no card number in a PC table');
      assert.ok(!values.some((v) => v.includes(p.id)), 'no patron id in a PC table');
    }
    for (const secret of [dayKey, ...cardKeys, ...passCodes])
      assert.deepEqual(await findValueEverywhere(ctx, secret), [], 'gone, database file included');

    const stats = await ctx.db.selectFrom('pc_stats').selectAll().where('day', '=', DAY).execute();
    const sum = (k: 'sessions' | 'guest_sessions' | 'passes_used' | 'waits' | 'minutes_used') =>
      stats.reduce((n, r) => n + Number(r[k]), 0);
    assert.deepEqual(
      {
        sessions: sum('sessions'),
        guests: sum('guest_sessions'),
        passes: sum('passes_used'),
        waits: sum('waits'),
        minutes: sum('minutes_used'),
      },
      { sessions: 3, guests: 1, passes: 1, waits: 1, minutes: minutesUsed },
    );
    const wait = stats.find((r) => Number(r.waits) > 0)!;
    assert.deepEqual([Number(wait.median_wait_seconds), Number(wait.longest_wait_seconds)], [120, 120]);

    // Nothing typed at the kiosk reached a log line (P3, G4).
    for (const p of [dana, eli, frankie])
      assert.ok(
        !env.logs.some((l) => l.includes(p.cardNumber) || l.includes(p.pin)),
        'no card or PIN logged',
      );
    assert.ok(!env.logs.some((l) => passCodes.some((c) => l.includes(c))), 'no pass code logged');
  });
});
