// Inbound "Ask a Librarian" mail through the SMTP listener, end to end on loopback: real messages
// sent with nodemailer and raw SMTP (threading by address or subject and never by sender (R3),
// attachments noted but dropped, auto-replies recognised, 550/552/451 answers, STARTTLS), with the
// log checked for addresses, subjects and bodies (G4). The IMAP poller is in imap-poller.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { testCertificate } from '../../../test/support/smtp.ts';
import { formatSubjectToken, parseInbound, subjectToken, type InboundMessage } from './inbound-message.ts';
import { startSmtpListener } from './smtp-listener.ts';
import { captureLogs, compose, OTHER_TOKEN, TOKEN, tokenFromAddress } from './test-fixtures.ts';

describe('parsing an inbound message', () => {
  test('subject markers are read and written in one format; malformed tokens are no tokens', () => {
    assert.equal(formatSubjectToken(TOKEN), `[Ref: ${TOKEN}]`);
    assert.equal(subjectToken(`Re: Census records ${formatSubjectToken(TOKEN)}`), TOKEN);
    assert.equal(subjectToken(`RE: [ref:${TOKEN}] thanks`), TOKEN);
    assert.equal(subjectToken('Re: [Ref: short]'), null);
    assert.equal(subjectToken(`[Ref: ${'a'.repeat(65)}]`), null);
    assert.throws(() => formatSubjectToken('bad token!'));
  });

  test('only the reference address in an accepted domain yields a plus-tag token', () => {
    assert.equal(tokenFromAddress([`ASK+${TOKEN}@Library.Example`]), TOKEN);
    assert.equal(tokenFromAddress([`ask+${TOKEN}@elsewhere.example`]), null);
    assert.equal(tokenFromAddress([`asking+${TOKEN}@library.example`]), null);
    assert.equal(tokenFromAddress(['ask+short@library.example', `ask+${TOKEN}@library.example`]), TOKEN);
  });

  test('auto-replies, bulk mail, bounces and null senders are recognised; Auto-Submitted: no is not', async () => {
    const base = {
      from: 'reader@example.org',
      to: 'ask@library.example',
      subject: 'Out of office',
      text: 'Away.',
    };
    const auto = async (headers: Record<string, string>, mailFrom?: string) =>
      (await parseInbound(await compose({ ...base, headers }), { tokenFromAddress, mailFrom })).isAutoReply;
    assert.equal(await auto({}), false);
    assert.equal(await auto({ 'Auto-Submitted': 'no' }), false);
    assert.equal(await auto({ 'Auto-Submitted': 'auto-replied' }), true);
    assert.equal(await auto({ 'X-Autoreply': 'yes' }), true);
    assert.equal(await auto({ Precedence: 'bulk' }), true);
    assert.equal(await auto({ Precedence: 'list' }), true);
    assert.equal(await auto({}, ''), true, 'null envelope sender');
    assert.equal(await auto({ 'Return-Path': '<>' }), true, 'null sender recorded by the mailbox');
    const dsn = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example.org',
        'To: ask@library.example',
        'Subject: Undelivered Mail Returned to Sender',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.org',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    assert.equal((await parseInbound(dsn, { tokenFromAddress })).isAutoReply, true);
  });

  test('Reply-To is the reply address; quoted tails are kept, trailing blanks trimmed', async () => {
    const raw = await compose({
      from: 'Someone <Someone@Example.org>',
      replyTo: 'Reader.Two@Example.NET',
      to: 'ask@library.example',
      subject: 'Re: hours',
      text: 'Thanks!   \r\n\r\nOn Mon, 2 Jun 2025, Library wrote:  \r\n> We open at nine.\r\n\r\n\r\n',
    });
    const msg = await parseInbound(raw, { tokenFromAddress });
    assert.equal(msg.from, 'reader.two@example.net');
    assert.equal(msg.text, 'Thanks!\n\nOn Mon, 2 Jun 2025, Library wrote:\n> We open at nine.');
  });
});

/** Sends SMTP commands one by one, returning each reply (multi-line replies joined). */
async function rawSmtp(port: number, commands: string[]): Promise<string[]> {
  const socket = net.connect(port, '127.0.0.1');
  let buffered = '';
  const waiters: ((reply: string) => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    // A reply ends with a line "NNN text" (a space after the code, not a hyphen).
    for (
      let m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffered);
      m;
      m = /(?:^|\r\n)\d{3} [^\r\n]*\r\n/.exec(buffered)
    ) {
      const end = m.index + m[0].length;
      const reply = buffered.slice(0, end).trim();
      buffered = buffered.slice(end);
      waiters.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => waiters.push(resolve));
  const replies: string[] = [];
  try {
    await next(); // greeting
    for (const c of commands) {
      const reply = next();
      socket.write(`${c}\r\n`);
      replies.push(await reply);
    }
  } finally {
    socket.end();
  }
  return replies;
}

const code = (reply: string | undefined) => Number(reply?.slice(0, 3));

describe('the SMTP listener', () => {
  const received: { msg: InboundMessage; rcpt: string[] }[] = [];
  const logs = captureLogs();
  let failNext = 0;
  let listener: { port: number; close(): Promise<void> };
  let transport: Transporter<SMTPTransport.SentMessageInfo>;
  const { keyFile, certFile } = testCertificate();

  before(async () => {
    listener = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      acceptDomains: ['library.example'],
      localPart: 'ask',
      maxBytes: 1024 * 1024,
      tls: { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) },
      logger: logs,
      async onMessage(msg, envelope) {
        if (failNext > 0) {
          failNext--;
          throw new Error(`handler down for ${msg.from}`);
        }
        received.push({ msg, rcpt: envelope.rcpt });
      },
    });
    transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      requireTLS: true,
      tls: { ca: fs.readFileSync(certFile, 'utf8') },
      logger: false,
    });
  });
  after(async () => {
    transport.close();
    await listener.close();
    // G4: not one address, subject, body or token reached the log.
    const all = logs.lines.join('\n');
    for (const secret of ['@', 'census', 'Census', 'large print', TOKEN, 'handler down', '127.0.0.1'])
      assert.ok(!all.includes(secret), `the log holds ${secret}`);
    assert.ok(all.includes('"outcome":"accepted"'), 'outcomes are logged');
  });
  beforeEach(() => {
    received.length = 0;
    failNext = 0;
  });

  test('a plain question arrives over STARTTLS, unthreaded, and is answered 250 after the handover', async () => {
    const info = await transport.sendMail({
      from: 'Reader One <Reader.One@Example.org>',
      to: 'ask@library.example',
      subject: 'Where are the census records?',
      text: 'Hello,\nwhere can I find the 1950 census records?\n',
    });
    assert.match(info.response, /^250 /);
    assert.equal(received.length, 1);
    const { msg, rcpt } = received[0]!;
    assert.deepEqual(rcpt, ['ask@library.example']);
    assert.deepEqual(
      { ...msg, messageId: typeof msg.messageId },
      {
        messageId: 'string',
        from: 'reader.one@example.org',
        fromName: 'Reader One',
        subject: 'Where are the census records?',
        text: 'Hello,\nwhere can I find the 1950 census records?',
        threadToken: null,
        hasAttachments: false,
        isAutoReply: false,
        deliveryFailed: false,
      },
    );
    assert.equal(msg.messageId, info.messageId);
  });

  test('a reply to ask+TOKEN@ threads by the address, a reply with [Ref: TOKEN] by the subject', async () => {
    await transport.sendMail({
      from: 'reader.one@example.org',
      to: `ask+${TOKEN}@library.example`,
      subject: 'Re: Where are the census records?',
      text: 'Thank you!',
    });
    await transport.sendMail({
      from: 'reader.one@example.org',
      to: 'ask@library.example',
      subject: `Re: census ${formatSubjectToken(OTHER_TOKEN)}`,
      text: 'One more thing.',
    });
    assert.deepEqual(
      received.map((r) => [r.msg.threadToken, r.rcpt]),
      [
        [TOKEN, [`ask+${TOKEN}@library.example`]],
        [OTHER_TOKEN, ['ask@library.example']],
      ],
    );
  });

  test('the sender never threads: a forged From or Reply-To carrying a token changes nothing', async () => {
    await transport.sendMail({
      from: `ask+${OTHER_TOKEN}@library.example`,
      replyTo: `[Ref: ${OTHER_TOKEN}] <reader.one@example.org>`,
      to: 'ask@library.example',
      subject: 'A new question',
      text: 'Unrelated.',
    });
    await transport.sendMail({
      from: `ask+${OTHER_TOKEN}@library.example`,
      to: `ask+${TOKEN}@library.example`,
      subject: 'Re: census',
      text: 'Related.',
    });
    assert.deepEqual(
      received.map((r) => r.msg.threadToken),
      [null, TOKEN],
    );
  });

  test('an attachment is noted and dropped: its name and content appear nowhere in the message', async () => {
    await transport.sendMail({
      from: 'reader.one@example.org',
      to: 'ask@library.example',
      subject: 'My library card',
      text: 'See the attached scan.',
      attachments: [
        { filename: 'card-scan.txt', content: 'CARD-NUMBER-29087000012345' },
        { filename: 'photo.png', content: Buffer.from('PNGBYTES-SECRET'), contentType: 'image/png' },
      ],
    });
    const { msg } = received[0]!;
    assert.equal(msg.hasAttachments, true);
    assert.equal(msg.text, 'See the attached scan.');
    const serialised = JSON.stringify(msg);
    for (const s of ['card-scan', 'CARD-NUMBER', '29087000012345', 'photo.png', 'PNGBYTES'])
      assert.ok(!serialised.includes(s), `the message holds ${s}`);
  });

  test('an HTML-only message arrives as plain text', async () => {
    await transport.sendMail({
      from: 'reader.one@example.org',
      to: 'ask@library.example',
      subject: 'Large print',
      html: '<html><body><p>Do you have <b>large print</b> books?</p><p>Thanks</p></body></html>',
    });
    const { msg } = received[0]!;
    assert.equal(msg.text, 'Do you have large print books?\n\nThanks');
    assert.ok(!msg.text.includes('<'));
  });

  test('an auto-reply and a bounce from the null sender arrive flagged as automatic', async () => {
    await transport.sendMail({
      from: 'reader.one@example.org',
      to: `ask+${TOKEN}@library.example`,
      subject: 'Out of office',
      text: 'I am away until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const replies = await rawSmtp(listener.port, [
      'EHLO mx.example.org',
      'MAIL FROM:<>',
      `RCPT TO:<ask+${TOKEN}@library.example>`,
      'DATA',
      'From: MAILER-DAEMON@mx.example.org\r\nSubject: Delivery failure\r\n\r\nThe reply could not be delivered.\r\n.',
      'QUIT',
    ]);
    assert.deepEqual(replies.map(code), [250, 250, 250, 354, 250, 221]);
    assert.deepEqual(
      received.map((r) => [r.msg.isAutoReply, r.msg.threadToken]),
      [
        [true, TOKEN],
        [true, TOKEN],
      ],
    );
  });

  test('RCPT for any other address or domain is refused with 550; nothing is handed over', async () => {
    const replies = await rawSmtp(listener.port, [
      'EHLO mx.example.org',
      'MAIL FROM:<reader.one@example.org>',
      'RCPT TO:<director@library.example>',
      'RCPT TO:<ask@elsewhere.example>',
      'RCPT TO:<asking@library.example>',
      'QUIT',
    ]);
    assert.deepEqual(replies.map(code), [250, 250, 550, 550, 550, 221]);
    await assert.rejects(
      transport.sendMail({ from: 'reader.one@example.org', to: 'director@library.example', text: 'Hi' }),
      (err: { responseCode?: number }) => err.responseCode === 550,
    );
    assert.equal(received.length, 0);
  });

  test('a message over the size limit is refused with 552, announced or not', async () => {
    const big = 'x'.repeat(76);
    const body = Array.from({ length: Math.ceil((1024 * 1024) / 78) + 10 }, () => big).join('\r\n');
    const replies = await rawSmtp(listener.port, [
      'EHLO mx.example.org',
      'MAIL FROM:<reader.one@example.org> SIZE=2000000',
      'RSET',
      'MAIL FROM:<reader.one@example.org>',
      'RCPT TO:<ask@library.example>',
      'DATA',
      `Subject: big\r\n\r\n${body}\r\n.`,
      'QUIT',
    ]);
    assert.match(replies[0]!, /SIZE 1048576/);
    assert.deepEqual(replies.map(code), [250, 552, 250, 250, 250, 354, 552, 221]);
    assert.equal(received.length, 0);
  });

  test('a failing handler answers 451 so the sender retries; the retry is accepted once', async () => {
    failNext = 1;
    const mail = {
      from: 'reader.one@example.org',
      to: 'ask@library.example',
      subject: 'Census',
      text: 'Retry me.',
    };
    await assert.rejects(
      transport.sendMail(mail),
      (err: { responseCode?: number }) => err.responseCode === 451,
    );
    assert.equal(received.length, 0);
    const info = await transport.sendMail(mail);
    assert.match(info.response, /^250 /);
    assert.deepEqual(
      received.map((r) => r.msg.text),
      ['Retry me.'],
    );
  });

  test('STARTTLS is offered when a certificate is configured, and not otherwise; AUTH never', async () => {
    const withTls = await rawSmtp(listener.port, ['EHLO mx.example.org', 'QUIT']);
    assert.match(withTls[0]!, /STARTTLS/);
    assert.doesNotMatch(withTls[0]!, /AUTH/);
    const plain = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      acceptDomains: ['library.example'],
      localPart: 'ask',
      maxBytes: 1024,
      logger: logs,
      onMessage: async () => {},
    });
    try {
      const replies = await rawSmtp(plain.port, ['EHLO mx.example.org', 'STARTTLS', 'AUTH PLAIN', 'QUIT']);
      assert.doesNotMatch(replies[0]!, /STARTTLS|AUTH/);
      assert.deepEqual(replies.slice(1).map(code), [500, 500, 221]);
    } finally {
      await plain.close();
    }
  });
});
