// Bounces after acceptance (issue 4): a notice leaves with a signed VERP envelope sender naming its
// patron; a delivery report of permanent failure sent back to it through the real SMTP listener
// flags that patron's address and is counted; a delay report or a forged token changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { Worker } from '../jobs/worker.ts';
import { startReferenceInbound } from '../features/reference/reference.inbound.ts';
import { noticeHoldReady } from '../features/notices/notices.service.ts';
import { describeEachDialect, type TestEnv } from '../../test/support/env.ts';
import { addRecord } from '../../test/support/circulation-fixtures.ts';
import { freePort } from '../../test/support/net.ts';
import { makePatron } from '../../test/support/patrons.ts';
import { startSmtpSink, testCertificate } from '../../test/support/smtp.ts';
import { bounceToken, verifyBounceToken } from './bounce.ts';

const sinkPort = await freePort();
const listenPort = await freePort();
const { certFile } = testCertificate();

const report = (to: string, action: 'failed' | 'delayed') =>
  [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"',
    '',
    '--BOUNDARY',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net. Your message could not be delivered.',
    '',
    '--BOUNDARY',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; someone@example.net',
    `Action: ${action}`,
    `Status: ${action === 'failed' ? '5.1.1' : '4.4.1'}`,
    '',
    '--BOUNDARY--',
    '',
  ].join('\r\n');

test('bounce tokens name a patron and cannot be forged', () => {
  const id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  const t = bounceToken('s'.repeat(40), id);
  assert.match(t, /^bounce-[A-Za-z0-9_-]{34}$/);
  assert.equal(verifyBounceToken('s'.repeat(40), t), id);
  assert.equal(verifyBounceToken('t'.repeat(40), t), null, 'another installation’s secret');
  assert.equal(verifyBounceToken('s'.repeat(40), t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')), null);
  assert.equal(verifyBounceToken('s'.repeat(40), 'bounce-short'), null);
});

describeEachDialect(
  'bounces after acceptance',
  (env) => {
    const flagged = async (e: TestEnv, id: string) =>
      (
        await e.ctx.db
          .selectFrom('patrons')
          .select('email_undeliverable_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).email_undeliverable_at;

    test('a failure report to the signed return path flags the patron; a delay or a forged token does not', async () => {
      const e = env();
      const sink = await startSmtpSink(sinkPort);
      const receiver = await startReferenceInbound(e.ctx);
      const mta = nodemailer.createTransport({
        host: '127.0.0.1',
        port: listenPort,
        secure: false,
        ignoreTLS: true,
      });
      try {
        const patron = await makePatron(e.ctx, { email: 'bounces.later@example.net' });
        const other = await makePatron(e.ctx, { email: 'still.fine@example.net' });
        const rec = await addRecord(e.ctx);
        await e.ctx.db
          .transaction()
          .execute((trx) =>
            noticeHoldReady(
              e.ctx,
              trx,
              { patron_id: patron.id, bib_id: rec.id, pickup_branch: 'MAIN' },
              'ACDEF',
              e.clock.now().toISOString(),
            ),
          );
        await new Worker(e.ctx).drain();
        const sent = sink.received.find((r) => r.rcptTo[0] === 'bounces.later@example.net')!;
        assert.ok(sent, 'the notice went out');
        const returnPath = sent.mailFrom;
        assert.match(returnPath, /^ask\+bounce-[A-Za-z0-9_-]{34}@library\.example$/);
        assert.ok(!returnPath.includes(patron.id), 'the patron id is not readable in the address');

        // A delay report changes nothing.
        await mta.sendMail({
          envelope: { from: 'mailer-daemon@mx.example.net', to: [returnPath] },
          raw: report(returnPath, 'delayed'),
        });
        assert.equal(await flagged(e, patron.id), null);
        // A forged token (another patron's id cannot be made up) changes nothing.
        const forged = returnPath.replace(
          /bounce-(\w)/,
          (_m, c: string) => `bounce-${c === 'A' ? 'B' : 'A'}`,
        );
        await mta.sendMail({
          envelope: { from: 'mailer-daemon@mx.example.net', to: [forged] },
          raw: report(forged, 'failed'),
        });
        assert.equal(await flagged(e, patron.id), null);
        assert.equal(await flagged(e, other.id), null);
        // The real failure report flags the address and is counted.
        await mta.sendMail({
          envelope: { from: 'mailer-daemon@mx.example.net', to: [returnPath] },
          raw: report(returnPath, 'failed'),
        });
        assert.ok(await flagged(e, patron.id));
        assert.equal(await flagged(e, other.id), null);
        const counts = await e.ctx.db
          .selectFrom('mail_counts')
          .selectAll()
          .where('outcome', '=', 'bounced')
          .execute();
        assert.equal(
          counts.reduce((n, c) => n + Number(c.count), 0),
          1,
        );
        const questions = await e.ctx.db.selectFrom('questions').select('id').execute();
        assert.equal(questions.length, 0, 'a report is not a question');
      } finally {
        mta.close();
        await receiver?.stop();
        await sink.close();
      }
    });
  },
  {
    env: {
      SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
      SMTP_CA_FILE: certFile,
      REFERENCE_INBOUND: 'smtp',
      REFERENCE_SMTP_PORT: String(listenPort),
      REFERENCE_ADDRESS: 'ask@library.example',
    },
  },
);
