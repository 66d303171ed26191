// The Libki kiosk harness (test/support/libki-kiosk.ts) against a tiny canned server: proves that
// the real client registers, sends a login with card and PIN exactly as the protocol notes say,
// shows in its window title the minutes the server sent, and goes back to the login screen on a
// `Kicked` poll (without sending logout). Carrel's own /api/client/v1_0 is tested with the same
// harness elsewhere. One client, one flow: the client polls every 10 s, so each step costs time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureLibkiClient, libkiSkip, startKiosk, type Kiosk } from './support/libki-kiosk.ts';

interface Seen {
  /** The raw query string, as sent (no decoding). */
  query: string;
  action: string;
  at: number;
}

/** Splits a raw query on & and = and decodes without the form rule `+` → space (as Carrel must). */
function params(query: string): Map<string, string> {
  return new Map(
    query.split('&').map((pair) => {
      const i = pair.indexOf('=');
      return i < 0
        ? [decodeURIComponent(pair), '']
        : [decodeURIComponent(pair.slice(0, i)), decodeURIComponent(pair.slice(i + 1))];
    }),
  );
}

/** Answers like a Libki server: one card, fixed minutes, and whatever `next` says for polls. */
function cannedServer() {
  const seen: Seen[] = [];
  const state = {
    card: '21234000000017',
    pin: '12+34',
    minutes: 75,
    poll: { status: 'Logged in', units: 74 },
  };
  const server = http.createServer((req, res) => {
    const raw = req.url ?? '';
    const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
    const q = params(query);
    const action = q.get('action') ?? '';
    seen.push({ query, action, at: Date.now() });
    let body: unknown = {};
    if (action === 'register_node') body = { registered: 1, status: 'online', reserved_for: '' };
    else if (action === 'login')
      body =
        q.get('username') === state.card && q.get('password') === state.pin
          ? { authenticated: 1, units: state.minutes }
          : { authenticated: 0, error: 'BAD_LOGIN' };
    else if (action === 'get_user_data') body = { ...state.poll, messages: [] };
    else if (action === 'logout') body = { logged_out: 1 };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  return { server, seen, state };
}

describe('the real Libki kiosk client under Xvfb against a canned server', { skip: libkiSkip() }, () => {
  const { server, seen, state } = cannedServer();
  let kiosk: Kiosk | undefined;
  let serverUrl = '';
  let buildMs = 0;

  // The first run builds the client (about one CPU-minute, several minutes of wall time on a busy
  // machine): in its own hook, so that the test's own time limit measures only the kiosk.
  before(
    async () => {
      const started = Date.now();
      await ensureLibkiClient();
      buildMs = Date.now() - started;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    { timeout: 15 * 60_000 },
  );
  after(async () => {
    await kiosk?.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const waitFor = async (what: string, pred: (s: Seen) => boolean, timeoutMs = 15_000): Promise<Seen> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = seen.find(pred);
      if (hit) return hit;
      if (Date.now() > until)
        assert.fail(`no ${what} within ${timeoutMs} ms; saw ${seen.map((s) => s.action)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  test(
    'registers, retries after a wrong PIN, logs in with card and PIN, shows the minutes sent, leaves on Kicked',
    { timeout: 120_000 },
    async (t) => {
      t.diagnostic(`client built or found in the cache in ${buildMs} ms`);
      const started = Date.now();
      kiosk = await startKiosk({
        serverUrl,
        ini: '[node]\nname="PC-01"\nlocation="MAIN"\ntype="internet"\n\n[logging]\nlevel="off"\n',
      });
      t.diagnostic(`login window after ${Date.now() - started} ms`);

      const reg = await waitFor('register_node', (s) => s.action === 'register_node');
      // Common parameters in their order; address, MAC and host name depend on the machine.
      assert.match(
        reg.query,
        /^node=PC-01&location=MAIN&type=internet&ipaddress=[0-9.]*&macaddress=[0-9A-F:]*&hostname=[^&]+&version=2\.4\.0&action=register_node&node_name=PC-01&age_limit$/,
      );
      const common = reg.query.slice(0, reg.query.indexOf('&action='));

      // A wrong PIN: refused, and the card field keeps the card for the next try.
      await kiosk.login(state.card, '9999');
      await waitFor('failed login', (s) => s.action === 'login');
      // A `+` in the PIN stays literal in the query (QUrlQuery), so a form decoder would break it.
      await kiosk.login(state.card, state.pin);
      const login = await waitFor('login', (s) => s.action === 'login' && s.query.includes('password=12'));
      assert.equal(
        login.query,
        `${common}&action=login&username=21234000000017&password=12+34&createGuest=0`,
      );

      assert.equal((await kiosk.waitForCountdown({ minutes: 75 })).title, 'Libki 1:15');
      const png = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-libki-test-')), 'session.png');
      await kiosk.screenshot(png);
      const head = fs.readFileSync(png);
      assert.equal(head.subarray(1, 4).toString(), 'PNG');
      assert.deepEqual([head.readUInt32BE(16), head.readUInt32BE(20)], [1280, 1024]);
      fs.rmSync(path.dirname(png), { recursive: true });
      // The client does not count down itself: the next poll's units are what it shows.
      await waitFor('get_user_data', (s) => s.action === 'get_user_data' && s.at > login.at);
      assert.equal((await kiosk.waitForCountdown({ minutes: 74, timeoutMs: 5000 })).title, 'Libki 1:14');
      const poll = seen.find((s) => s.action === 'get_user_data')!;
      assert.equal(poll.query, `${common}&action=get_user_data&username=21234000000017&password=12+34`);

      // Staff end the session: the next poll says Kicked and the login screen comes back.
      state.poll = { status: 'Kicked', units: 0 };
      const kickedAfter = Date.now();
      await kiosk.waitForLoginScreen({ timeoutMs: 15_000 });
      assert.equal(await kiosk.countdown(), null);
      assert.ok(seen.some((s) => s.action === 'get_user_data' && s.at >= kickedAfter));
      assert.ok(!seen.some((s) => s.action === 'logout'), 'a Kicked session sends no logout');
      t.diagnostic(`whole flow ${Date.now() - started} ms`);
    },
  );
});
