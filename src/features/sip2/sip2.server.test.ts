// The SIP2 server over real TCP and TLS on both databases (issue 14 item 8): login first and its
// refusals (wrong password, address outside the account's ranges, plain TCP where only TLS is
// allowed, throttling), checksums (a good one is answered with one, a bad one with 96), split
// reads and CRLF, idle time-out, the connection limit, and logs that hold codes and outcomes only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appendTrailer, sipChecksum } from '../../sip2/checksum.ts';
import { parseMessage } from '../../sip2/message.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import type { Sip2Server } from './sip2.server.ts';
import { supportedMessagesField } from './sip2.dispatch.ts';
import {
  addAccounts,
  client,
  login93,
  PASSWORD,
  rawConnection,
  startTestServer,
} from './sip2.test-support.ts';

test('checksum vectors: the guide’s examples and the trailer round trip', () => {
  // Vectors checked against Evergreen's and Koha's implementations (also in src/sip2/message.test.ts).
  assert.equal(sipChecksum('9300CNOV|COOV|CPWES|AY1AZ'), 'F86B');
  assert.equal(sipChecksum('9900302.00AY2AZ'), 'FCA4');
  const text = appendTrailer('9900302.00', 3);
  assert.match(text, /^9900302\.00AY3AZ[0-9A-F]{4}$/);
  assert.deepEqual(parseMessage(text).ok, true);
});

describeEachDialect('SIP2 server: connections', (env) => {
  let server: Sip2Server;
  before(async () => {
    await addAccounts(env().ctx);
    server = await startTestServer(env().ctx);
  });
  after(async () => {
    await server.stop();
  });

  test('login over TLS, then 99 → 98 with the supported messages', async () => {
    const c = await client(server);
    assert.equal(await c.login({ userId: 'kiosk', password: PASSWORD }), true);
    const status = await c.scStatus();
    assert.equal(status.onlineStatus, true);
    assert.equal(status.institutionId, 'CARREL');
    assert.equal(status.supportedMessages, supportedMessagesField());
    assert.equal(status.supportedMessages, 'YYYNYYYYYNYNNYYN');
    await c.close();
  });

  test('a wrong terminal password, an unknown login and a second login are refused with 94 0', async () => {
    const c = await client(server);
    assert.equal(await c.login({ userId: 'kiosk', password: 'not-the-password' }), false);
    assert.equal(await c.login({ userId: 'nobody', password: PASSWORD }), false);
    assert.equal(await c.login({ userId: 'kiosk', password: PASSWORD }), true);
    assert.equal(await c.login({ userId: 'kiosk', password: PASSWORD }), false);
    await c.close();
  });

  test('an address outside the account’s ranges is refused, and plain TCP only where allowed', async () => {
    const far = await client(server);
    assert.equal(await far.login({ userId: 'far', password: PASSWORD }), false);
    await far.close();
    const plainRefused = await client(server, { plain: true });
    assert.equal(await plainRefused.login({ userId: 'tlsonly', password: PASSWORD }), false);
    await plainRefused.close();
    const plain = await client(server, { plain: true });
    assert.equal(await plain.login({ userId: 'kiosk', password: PASSWORD }), true);
    await plain.close();
  });

  test('repeated failures from one address are throttled: the right password is then refused too', async () => {
    const { ctx } = env();
    const c = await client(server);
    for (let i = 0; i < 4; i++)
      assert.equal(await c.login({ userId: 'old850', password: `wrong-${i}` }), false);
    assert.equal(await c.login({ userId: 'old850', password: PASSWORD }), false);
    assert.ok(env().logs.some((l) => l.includes('"outcome":"throttled"')));
    env().clock.advance(60 * 60 * 1000);
    assert.equal(await c.login({ userId: 'old850', password: PASSWORD }), true);
    await c.close();
    void ctx;
  });

  test('a message before login closes the connection', async () => {
    const raw = await rawConnection(server);
    raw.write('9900302.00\r');
    await raw.closedP;
    assert.equal(raw.closed, true);
  });

  test('a good checksum is answered with one; a bad one with 96, and the resend is answered', async () => {
    const raw = await rawConnection(server, { tls: true });
    raw.write(`${appendTrailer(login93('kiosk', PASSWORD), 0)}\r`);
    const reply = await raw.next();
    assert.match(reply, /^941AY0AZ[0-9A-F]{4}$/);
    assert.equal(parseMessage(reply).ok, true);
    raw.write('9900302.00AY1AZ0000\r');
    assert.equal(await raw.next(), '96');
    raw.write(`${appendTrailer('9900302.00', 1)}\r`);
    assert.match(await raw.next(), /^98YYYYNN/);
    raw.close();
  });

  test('an account that requires checksums gets 96 for a message without one', async () => {
    env().clock.advance(2 * 60 * 60 * 1000);
    const raw = await rawConnection(server);
    raw.write(`${appendTrailer(login93('old850', PASSWORD), 0)}\r`);
    assert.match(await raw.next(), /^941/);
    raw.write('9900302.00\r');
    assert.equal(await raw.next(), '96');
    raw.write(`${appendTrailer('9900302.00', 1)}\r`);
    assert.match(await raw.next(), /^98/);
    raw.close();
  });

  test('split reads and CRLF: a message in pieces is one message; LF after CR is not another', async () => {
    const raw = await rawConnection(server);
    const login = login93('kiosk', PASSWORD);
    raw.write(login.slice(0, 5));
    await new Promise((r) => setTimeout(r, 30));
    raw.write(login.slice(5, 17));
    await new Promise((r) => setTimeout(r, 30));
    raw.write(`${login.slice(17)}\r\n9900`);
    assert.equal(await raw.next(), '941');
    raw.write('302.00\r\n');
    assert.match(await raw.next(), /^98/);
    raw.close();
  });

  test('logs hold the message code, the account and the outcome only (P3, G4)', () => {
    const lines = env().logs.filter((l) => l.includes('sip2 exchange'));
    assert.ok(lines.length > 5);
    for (const l of lines) {
      const o = JSON.parse(l) as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(o).sort(),
        ['account', 'component', 'level', 'msg', 'outcome', 'sip2', 'time'].sort(),
      );
      assert.ok(!l.includes(PASSWORD) && !/wrong-\d/.test(l) && !l.includes('not-the-password'));
    }
  });
});

describeEachDialect('SIP2 server: limits', (env) => {
  before(async () => {
    await addAccounts(env().ctx);
  });

  test('an idle connection is closed', async () => {
    const server = await startTestServer(env().ctx, { idleMs: 150 });
    const raw = await rawConnection(server);
    await raw.closedP;
    assert.ok(env().logs.some((l) => l.includes('sip2 connection idle')));
    await server.stop();
  });

  test('connections past the maximum are closed at once', async () => {
    const server = await startTestServer(env().ctx, { maxConnections: 1 });
    const first = await rawConnection(server);
    const second = await rawConnection(server);
    await second.closedP;
    first.write(`${login93('kiosk', PASSWORD)}\r`);
    assert.equal(await first.next(), '941');
    first.close();
    await server.stop();
  });
});
