// The IMAP poller against a real IMAP server on loopback (hoodiecrow): unseen messages are fetched,
// parsed, handed over and then deleted from the server, so the mailbox keeps no patron mail; a
// failing handler keeps the message for the next poll; seen and oversize messages stay untouched;
// TLS is required unless allowed off; polls never overlap; the log holds no personal data (G4).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startImapPoller, type ImapPollerOptions } from './imap-poller.ts';
import type { InboundMessage } from './inbound-message.ts';
import {
  captureLogs,
  compose,
  startImapServer,
  testCa,
  TOKEN,
  tokenFromAddress,
  type StoredMessage,
  type TestImapServer,
} from './test-fixtures.ts';

const question = async (subject: string, to = 'ask@library.example', extra = {}): Promise<StoredMessage> => ({
  raw: (
    await compose({ from: 'Reader.One@example.org', to, subject, text: `About ${subject}.`, ...extra })
  ).toString('latin1'),
});

const flags = (server: TestImapServer) => server.inbox().map((m) => [...(m.flags ?? [])].sort().join(' '));

describe('the IMAP poller', () => {
  let server: TestImapServer | undefined;
  let poller: { stop(): Promise<void> } | undefined;
  const logs = captureLogs();

  afterEach(async () => {
    await poller?.stop();
    await server?.close();
    poller = server = undefined;
    const all = logs.lines.join('\n');
    for (const secret of ['@', 'example.org', 'census', 'secret', 'carrel', TOKEN])
      assert.ok(!all.includes(secret), `the log holds ${secret}`);
  });

  const start = (port: number, overrides: Partial<ImapPollerOptions> = {}) => {
    const received: InboundMessage[] = [];
    const p = startImapPoller({
      url: new URL(`imap://carrel:secret@127.0.0.1:${port}/INBOX`),
      intervalMs: 60_000,
      allowPlain: true,
      tokenFromAddress,
      onMessage: async (msg) => {
        received.push(msg);
      },
      logger: logs,
      ...overrides,
    });
    poller = p;
    return { poller: p, received };
  };

  test('unseen messages are handed over, then deleted from the server; seen ones are left alone', async () => {
    server = await startImapServer([
      await question('census records', `ask+${TOKEN}@library.example`),
      { ...(await question('an old message')), flags: ['\\Seen'] },
      await question('my card', 'ask@library.example', {
        attachments: [{ filename: 'card.txt', content: 'CARD-29087000012345' }],
      }),
    ]);
    const { poller: p, received } = start(server.port);
    assert.equal(await p.pollOnce(), 2);
    assert.deepEqual(
      received.map((m) => [m.subject, m.from, m.threadToken, m.hasAttachments, m.text]),
      [
        ['census records', 'reader.one@example.org', TOKEN, false, 'About census records.'],
        ['my card', 'reader.one@example.org', null, true, 'About my card.'],
      ],
    );
    assert.ok(!JSON.stringify(received).includes('CARD-29087000012345'));
    assert.deepEqual(
      server.inbox().map((m) => m.raw.includes('Subject: an old message')),
      [true],
      'only the message read by someone else is still on the server',
    );
    assert.deepEqual(flags(server), ['\\Seen']);
    assert.equal(await p.pollOnce(), 0, 'nothing is handed over twice');
  });

  test('a failing handler keeps the message, unseen, for the next poll', async () => {
    server = await startImapServer([await question('census records')]);
    let fail = true;
    const received: InboundMessage[] = [];
    const { poller: p } = start(server.port, {
      onMessage: async (msg) => {
        if (fail) throw new Error(`database down while storing ${msg.from}`);
        received.push(msg);
      },
    });
    assert.equal(await p.pollOnce(), 0);
    assert.equal(server.inbox().length, 1);
    assert.deepEqual(flags(server), ['']);
    assert.ok(logs.lines.some((l) => l.includes('"failed":1')));
    fail = false;
    assert.equal(await p.pollOnce(), 1);
    assert.equal(received.length, 1);
    assert.equal(server.inbox().length, 0);
  });

  test('a message over maxBytes is not read: marked seen and left for staff', async () => {
    server = await startImapServer([
      await question('census records', 'ask@library.example', { text: 'x'.repeat(5000) }),
    ]);
    const { poller: p, received } = start(server.port, { maxBytes: 4096 });
    assert.equal(await p.pollOnce(), 0);
    assert.equal(received.length, 0);
    assert.deepEqual(flags(server), ['\\Seen']);
  });

  test('TLS: imaps and STARTTLS work with a trusted certificate; cleartext is refused unless allowed', async () => {
    server = await startImapServer([await question('census records')], { tls: 'implicit' });
    const imaps = start(server.port, {
      url: new URL(`imaps://carrel:secret@127.0.0.1:${server.port}/INBOX`),
      allowPlain: false,
      ca: testCa(),
    });
    assert.equal(await imaps.poller.pollOnce(), 1);
    await imaps.poller.stop();
    await server.close();

    server = await startImapServer([await question('census records')], { tls: 'starttls' });
    const starttls = start(server.port, { allowPlain: false, ca: testCa() });
    assert.equal(await starttls.poller.pollOnce(), 1);
    await starttls.poller.stop();
    await server.close();

    server = await startImapServer([await question('census records')]);
    const plain = start(server.port, { allowPlain: false });
    await assert.rejects(plain.poller.pollOnce());
    assert.equal(plain.received.length, 0);
    assert.equal(server.inbox().length, 1, 'nothing was read or deleted');
  });

  test('a second pollOnce joins the poll in progress; handovers never overlap', async () => {
    server = await startImapServer([await question('census records'), await question('opening hours')]);
    let active = 0;
    let maxActive = 0;
    const received: InboundMessage[] = [];
    const { poller: p } = start(server.port, {
      onMessage: async (msg) => {
        maxActive = Math.max(maxActive, ++active);
        await sleep(30);
        received.push(msg);
        active--;
      },
    });
    assert.deepEqual(await Promise.all([p.pollOnce(), p.pollOnce()]), [2, 2]);
    assert.equal(maxActive, 1);
    assert.deepEqual(
      received.map((m) => m.subject),
      ['census records', 'opening hours'],
    );
    assert.equal(server.inbox().length, 0);
  });

  test('polls run by themselves on the interval until stopped', async () => {
    server = await startImapServer([await question('census records')]);
    const { poller: p, received } = start(server.port, { intervalMs: 20 });
    for (let i = 0; i < 100 && server.inbox().length > 0; i++) await sleep(20);
    await p.stop();
    assert.equal(received.length, 1);
    assert.equal(server.inbox().length, 0);
  });

  test('wrong credentials fail the poll without logging them', async () => {
    server = await startImapServer([await question('census records')]);
    const { poller: p } = start(server.port, {
      url: new URL(`imap://carrel:wrong@127.0.0.1:${server.port}/`),
    });
    await assert.rejects(p.pollOnce());
    assert.equal(server.inbox().length, 1);
  });
});
