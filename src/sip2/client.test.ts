// The client against tiny in-test SIP2 servers over real TCP and TLS that answer canned replies:
// the exchanges of item 9, error detection, resend, timeouts, one request at a time, close.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { after, describe, test } from 'node:test';
import { testCertificate } from '../../test/support/smtp.ts';
import type { SipCharset } from './charset.ts';
import { appendTrailer } from './checksum.ts';
import { connectSip2, Sip2ClientError, type Sip2ClientOptions } from './client.ts';
import { encodeTextFrame, SipFrameReader } from './framing.ts';
import { formatMessage, parseMessage } from './message.ts';
import type { SipMessage } from './spec.ts';

const clock = { now: () => new Date('2026-01-05T14:30:00Z') };

/** What the canned server answers to one received message: text(s) to send, or nothing. */
type Answer = (text: string, received: number) => string | string[] | undefined | Promise<string | undefined>;

interface FakeServer {
  port: number;
  received: string[];
  ended: Promise<void>;
  close(): Promise<void>;
}

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function fakeServer(
  answer: Answer,
  opts: { tls?: boolean; charset?: SipCharset } = {},
): Promise<FakeServer> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  let ended!: () => void;
  const endedP = new Promise<void>((r) => (ended = r));
  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    const reader = new SipFrameReader({ charset: opts.charset });
    socket.on('data', async (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        if (!frame.ok) continue;
        received.push(frame.text);
        const reply = await answer(frame.text, received.length);
        for (const r of reply === undefined ? [] : [reply].flat())
          socket.write(encodeTextFrame(r, opts.charset));
      }
    });
    socket.on('end', () => {
      ended();
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const { keyFile, certFile } = testCertificate();
  const server = opts.tls
    ? tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, onSocket)
    : net.createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const fake: FakeServer = {
    port,
    received,
    ended: endedP,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  servers.push(fake);
  return fake;
}

/** A canned library system: accepts login sc1/secret, knows patron 2100 (PIN 1234, Zoë Müller). */
function library(ed = false, charset: SipCharset = 'utf8'): Answer {
  return (text) => {
    const r = parseMessage(text, { charset });
    if (!r.ok) return '96';
    const seq = r.sequence;
    const reply = (m: SipMessage) => (ed ? appendTrailer(formatMessage(m), seq, charset) : formatMessage(m));
    const m = r.message;
    const date = '20260105    153000';
    switch (m.code) {
      case '93':
        return reply({ code: '94', ok: m.loginUserId === 'sc1' && m.loginPassword === 'secret' });
      case '99':
        return reply({
          code: '98',
          onlineStatus: true,
          checkinOk: true,
          checkoutOk: true,
          acsRenewalPolicy: true,
          statusUpdateOk: false,
          offlineOk: false,
          timeoutPeriod: 30,
          retriesAllowed: 3,
          dateTimeSync: date,
          protocolVersion: '2.00',
          institutionId: 'OTHER',
          supportedMessages: 'YYYYYYYYYYYYYYYY',
        });
      case '23':
      case '63': {
        const known = m.patronIdentifier === '2100';
        const common = {
          patronStatus: known ? ' '.repeat(14) : 'YYYY          ',
          language: m.language,
          transactionDate: date,
          institutionId: m.institutionId,
          patronIdentifier: m.patronIdentifier,
          personalName: known ? 'Zoë Müller' : '',
          validPatron: known,
          ...(known && m.patronPassword !== undefined
            ? { validPatronPassword: m.patronPassword === '1234' }
            : {}),
        };
        if (m.code === '23') return reply({ code: '24', ...common });
        return reply({
          code: '64',
          ...common,
          holdItemsCount: 0,
          overdueItemsCount: 0,
          chargedItemsCount: known ? 2 : 0,
          fineItemsCount: 0,
          recallItemsCount: 0,
          unavailableHoldsCount: 0,
          ...(known && m.summary[2] === 'Y' ? { chargedItems: ['3100', '3101'] } : {}),
          screenMessage: [m.transactionDate],
        });
      }
      case '35':
        return reply({
          code: '36',
          endSession: true,
          transactionDate: date,
          institutionId: m.institutionId,
          patronIdentifier: m.patronIdentifier,
        });
      default:
        return '96';
    }
  };
}

const opts = (port: number, extra: Partial<Sip2ClientOptions> = {}): Sip2ClientOptions => ({
  host: '127.0.0.1',
  port,
  clock,
  institutionId: 'CARREL',
  timeoutMs: 2000,
  ...extra,
});

describe('SIP2 client', () => {
  test('logs in, reads status, looks a patron up and ends the session over TCP', async () => {
    const server = await fakeServer(library());
    const client = await connectSip2(opts(server.port));
    assert.equal(await client.login({ userId: 'sc1', password: 'wrong' }), false);
    assert.equal(await client.login({ userId: 'sc1', password: 'secret', locationCode: 'MAIN' }), true);
    const status = await client.scStatus();
    assert.equal(status.onlineStatus, true);
    assert.equal(status.institutionId, 'OTHER');
    const known = await client.patronStatus({ patronIdentifier: '2100', patronPassword: '1234' });
    assert.equal(known.validPatron, true);
    assert.equal(known.validPatronPassword, true);
    assert.equal(known.personalName, 'Zoë Müller');
    const unknown = await client.patronStatus({ patronIdentifier: '9999' });
    assert.equal(unknown.validPatron, false);
    assert.equal(unknown.personalName, '');
    const info = await client.patronInformation({ patronIdentifier: '2100', list: 'chargedItems' });
    assert.equal(info.chargedItemsCount, 2);
    assert.deepEqual(info.chargedItems, ['3100', '3101']);
    // The transaction date comes from the injected clock, in UTC unless a zone is configured.
    assert.deepEqual(info.screenMessage, ['20260105   Z143000']);
    assert.equal((await client.endPatronSession({ patronIdentifier: '2100' })).endSession, true);
    assert.equal(server.received[1], '9300CNsc1|COsecret|CPMAIN|');
    assert.equal(server.received[5], '6300020260105   Z143000  Y       AOCARREL|AA2100|');
    await client.close();
    await server.ended;
    assert.equal(client.isClosed, true);
  });

  test('with error detection: sends AY/AZ with a rolling sequence and verifies the replies', async () => {
    const server = await fakeServer(library(true));
    const client = await connectSip2(opts(server.port, { errorDetection: true }));
    for (let i = 0; i < 11; i++) await client.scStatus();
    assert.equal(server.received[0], appendTrailer('9900802.00', 0));
    assert.match(server.received[9]!, /AY9AZ[0-9A-F]{4}$/);
    assert.match(server.received[10]!, /AY0AZ[0-9A-F]{4}$/);
    await client.close();
  });

  test('over TLS, trusting the test CA by its name; an untrusted certificate is refused', async () => {
    const server = await fakeServer(library(), { tls: true });
    const ca = fs.readFileSync(testCertificate().certFile, 'utf8');
    const client = await connectSip2(opts(server.port, { tls: { ca, servername: 'localhost' } }));
    assert.equal(await client.login({ userId: 'sc1', password: 'secret' }), true);
    await client.close();
    await assert.rejects(
      connectSip2(opts(server.port, { tls: {} })),
      (e: Sip2ClientError) => e.code === 'connect',
    );
  });

  test('IBM850: names arrive intact when both sides use code page 850', async () => {
    const server = await fakeServer(library(true, 'ibm850'), { charset: 'ibm850' });
    const client = await connectSip2(opts(server.port, { charset: 'ibm850', errorDetection: true }));
    assert.equal((await client.patronStatus({ patronIdentifier: '2100' })).personalName, 'Zoë Müller');
    await client.close();
  });

  test('a 96 from the server makes the client resend once, and only once', async () => {
    const once = await fakeServer((text, n) => (n === 1 ? '96' : library()(text, n)));
    const c1 = await connectSip2(opts(once.port));
    assert.equal(await c1.login({ userId: 'sc1', password: 'secret' }), true);
    assert.equal(once.received.length, 2);
    assert.equal(once.received[0], once.received[1]);
    await c1.close();

    const always = await fakeServer(() => '96');
    const c2 = await connectSip2(opts(always.port));
    await assert.rejects(
      c2.scStatus(),
      (e: Sip2ClientError) => e.code === 'protocol' && /expected 98/.test(e.message),
    );
    assert.equal(always.received.length, 2);
    await c2.close();
  });

  test('a reply with a bad checksum is asked for again (97) once, then refused', async () => {
    const reply = appendTrailer('941', 0);
    const bad = reply.slice(0, -4) + (reply.endsWith('0000') ? '0001' : '0000');
    const again = await fakeServer((_t, n) => (n === 1 ? bad : reply));
    const c1 = await connectSip2(opts(again.port, { errorDetection: true }));
    assert.equal(await c1.login({ userId: 'sc1', password: 'secret' }), true);
    assert.equal(again.received[1], '97AZFEF5');
    await c1.close();

    const never = await fakeServer(() => bad);
    const c2 = await connectSip2(opts(never.port, { errorDetection: true }));
    await assert.rejects(
      c2.login({ userId: 'a', password: 'b' }),
      (e: Sip2ClientError) => e.code === 'checksum',
    );
    assert.equal(never.received.length, 2);
    await c2.close();
  });

  test('no reply within the timeout fails the request and closes the connection', async () => {
    const server = await fakeServer(() => undefined);
    const client = await connectSip2(opts(server.port, { timeoutMs: 150 }));
    await assert.rejects(client.scStatus(), (e: Sip2ClientError) => e.code === 'timeout');
    assert.equal(client.isClosed, true);
    await assert.rejects(client.scStatus(), (e: Sip2ClientError) => e.code === 'closed');
  });

  test('a wrong reply, an unreadable reply and a dropped connection are typed errors', async () => {
    const wrong = await fakeServer(() => '941');
    const c1 = await connectSip2(opts(wrong.port));
    await assert.rejects(
      c1.scStatus(),
      (e: Sip2ClientError) => e.code === 'protocol' && /expected 98/.test(e.message),
    );
    await c1.close();

    const garbage = await fakeServer(() => 'XX hello');
    const c2 = await connectSip2(opts(garbage.port));
    await assert.rejects(
      c2.scStatus(),
      (e: Sip2ClientError) => e.code === 'protocol' && /unsupported/.test(e.message),
    );
    await c2.close();

    const dropping = await fakeServer(() => {
      for (const s of servers) if (s.port === dropping.port) void s.close();
      return undefined;
    });
    const c3 = await connectSip2(opts(dropping.port));
    await assert.rejects(c3.scStatus(), (e: Sip2ClientError) => e.code === 'closed');

    await assert.rejects(connectSip2(opts(dropping.port)), (e: Sip2ClientError) => e.code === 'connect');
  });

  test('requests go one at a time: the next is sent only after the reply to the previous', async () => {
    let inFlight = 0;
    let most = 0;
    const lib = library();
    const server = await fakeServer(async (text, n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return lib(text, n) as string;
    });
    const client = await connectSip2(opts(server.port));
    const replies = await Promise.all([
      client.patronStatus({ patronIdentifier: '2100' }),
      client.patronStatus({ patronIdentifier: '9999' }),
      client.scStatus(),
    ]);
    assert.deepEqual(
      replies.map((r) => r.code),
      ['24', '24', '98'],
    );
    assert.equal(replies[0].code === '24' && replies[0].validPatron, true);
    assert.equal(most, 1);
    await client.close();
  });
});
