// E-mailed questions on both databases (issue 4, R3): a message opens a question and is
// confirmed; a reply with the token joins THAT question and no other; a spoofed sender without
// the token only ever opens a question of its own; attachments are refused with an automatic
// reply and nothing is stored; automatic mail is ignored; and the whole path end to end through
// the real SMTP listener started by startReferenceInbound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { Worker } from '../../jobs/worker.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { freePort } from '../../../test/support/net.ts';
import { startSmtpSink, testCertificate } from '../../../test/support/smtp.ts';
import { inbound, replyToOf, textOf, tokenOfSubject } from './reference.fixtures.ts';
import { receiveInboundQuestion, startReferenceInbound } from './reference.inbound.ts';
import { closeQuestion } from './reference-desk.service.ts';
import type { StaffActor } from '../staff/staff.policy.ts';

const sinkPort = await freePort();
const listenPort = await freePort();
const { certFile } = testCertificate();

const librarian: StaffActor = {
  kind: 'staff',
  id: 'staff-ref',
  username: 'ref',
  displayName: 'Ref',
  roles: ['reference'],
  mustChangePassword: false,
};

const questionsFrom = (e: TestEnv, replyTo: string) =>
  e.ctx.db
    .selectFrom('questions')
    .selectAll()
    .where('reply_to', '=', replyTo)
    .orderBy('created_at')
    .execute();
const messagesOf = (e: TestEnv, id: string) =>
  e.ctx.db
    .selectFrom('question_messages')
    .selectAll()
    .where('question_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
const count = async (e: TestEnv, table: 'questions' | 'question_messages' | 'jobs') =>
  (await e.ctx.db.selectFrom(table).select('id').execute()).length;

describeEachDialect(
  'Ask a Librarian by e-mail',
  (env) => {
    test('a message opens a question, is confirmed, and a reply with the token joins it', async () => {
      const e = env();
      const sink = await startSmtpSink(sinkPort);
      try {
        const outcome = await receiveInboundQuestion(
          e.ctx,
          inbound({
            from: 'maggie.obrien@example.net',
            fromName: "Margaret O'Brien",
            subject: 'Census microfilm',
            text: 'Do you have the 1880 census on microfilm?\n\nThanks,\nMargaret',
          }),
        );
        assert.equal(outcome, 'created');
        const [q] = await questionsFrom(e, 'maggie.obrien@example.net');
        assert.ok(q);
        assert.equal(q.channel, 'email');
        assert.equal(q.status, 'new');
        assert.equal(q.reply_name, "Margaret O'Brien");
        const first = await messagesOf(e, q.id);
        assert.equal(first.length, 1);
        assert.equal(
          first[0]!.body,
          'Subject: Census microfilm\n\nDo you have the 1880 census on microfilm?\n\nThanks,\nMargaret',
        );

        await new Worker(e.ctx).drain();
        const r = sink.received.at(-1)!;
        assert.deepEqual(r.rcptTo, ['maggie.obrien@example.net']);
        assert.equal(replyToOf(r), `ask+${q.token}@library.example`);
        assert.equal(tokenOfSubject(r), q.token);
        assert.equal(r.mail.headers.get('auto-submitted'), 'auto-replied');
        assert.match(textOf(r), /\/ask\/delete\//);

        // The desk answered; the patron's reply (token in the address or the subject) reopens it.
        await e.ctx.db.updateTable('questions').set({ status: 'answered' }).where('id', '=', q.id).execute();
        e.clock.advance(60_000);
        const threaded = await receiveInboundQuestion(
          e.ctx,
          inbound({
            from: 'maggie.obrien@example.net',
            threadToken: q.token,
            subject: `Re: [Ref: ${q.token}]`,
            text: 'Roll 0556 please.',
          }),
        );
        assert.equal(threaded, 'threaded');
        const after = await e.ctx.db
          .selectFrom('questions')
          .selectAll()
          .where('id', '=', q.id)
          .executeTakeFirstOrThrow();
        assert.equal(after.status, 'new');
        assert.equal(after.last_activity_at, e.clock.now().toISOString());
        assert.deepEqual((await messagesOf(e, q.id)).map((m) => [m.direction, m.body]).at(-1), [
          'in',
          'Roll 0556 please.',
        ]);
        assert.equal((await questionsFrom(e, 'maggie.obrien@example.net')).length, 1, 'no second question');
        await new Worker(e.ctx).drain();
        assert.equal(sink.received.length, 1, 'a threaded reply is not confirmed again');
      } finally {
        await sink.close();
      }
    });

    test('R3: a spoofed sender without the token opens a question of its own and sees nothing of the other', async () => {
      const e = env();
      await receiveInboundQuestion(
        e.ctx,
        inbound({ from: 'victim@example.org', text: 'A private matter about my divorce records.' }),
      );
      const [victim] = await questionsFrom(e, 'victim@example.org');
      assert.ok(victim);
      const jobsBefore = await count(e, 'jobs');
      const spoof = await receiveInboundQuestion(
        e.ctx,
        inbound({
          from: 'victim@example.org',
          subject: 'Re: my question',
          text: 'Please resend your answer to me.',
        }),
      );
      assert.equal(spoof, 'created');
      const both = await questionsFrom(e, 'victim@example.org');
      assert.equal(both.length, 2);
      const mine = both.find((q) => q.id !== victim.id)!;
      assert.notEqual(mine.token, victim.token);
      assert.equal((await messagesOf(e, victim.id)).length, 1, 'nothing joined the other question');
      // Its confirmation carries only its own token and nothing of the other question.
      const outbox = await e.ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('kind', '=', 'reference-confirmation')
        .orderBy('created_at', 'desc')
        .execute();
      const confirmation = outbox.find((o) => o.reply_to?.includes(mine.token))!;
      assert.ok(confirmation);
      for (const part of [
        confirmation.subject,
        confirmation.text_body,
        confirmation.html_body,
        confirmation.reply_to,
      ])
        assert.ok(!(part ?? '').includes(victim.token) && !(part ?? '').includes('divorce'));
      assert.equal(await count(e, 'jobs'), jobsBefore + 1);

      // An unknown or malformed token starts a new question too.
      assert.equal(
        await receiveInboundQuestion(
          e.ctx,
          inbound({ from: 'x@example.org', threadToken: 'AAAAAAAAAAAAAAAAAAAAAAAA' }),
        ),
        'created',
      );
    });

    test('a scrubbed question does not take replies: its token starts a new question', async () => {
      const e = env();
      await receiveInboundQuestion(e.ctx, inbound({ from: 'late.reply@example.org', text: 'Old question.' }));
      const [old] = await questionsFrom(e, 'late.reply@example.org');
      await closeQuestion(e.ctx, librarian, old!.id);
      const outcome = await receiveInboundQuestion(
        e.ctx,
        inbound({ from: 'late.reply@example.org', threadToken: old!.token, text: 'One more thing.' }),
      );
      assert.equal(outcome, 'created');
      assert.equal((await messagesOf(e, old!.id)).length, 1);
      const [fresh] = await questionsFrom(e, 'late.reply@example.org');
      assert.ok(fresh && fresh.id !== old!.id && fresh.token !== old!.token);
    });

    test('attachments are refused with a polite automatic reply and nothing is stored', async () => {
      const e = env();
      const sink = await startSmtpSink(sinkPort);
      try {
        await receiveInboundQuestion(e.ctx, inbound({ from: 'has.question@example.org', text: 'First.' }));
        const [q] = await questionsFrom(e, 'has.question@example.org');
        await new Worker(e.ctx).drain();
        const [questions, messages] = [await count(e, 'questions'), await count(e, 'question_messages')];
        const fresh = await receiveInboundQuestion(
          e.ctx,
          inbound({
            from: 'scan.sender@example.org',
            hasAttachments: true,
            text: 'See my scanned ID attached.',
          }),
        );
        const reply = await receiveInboundQuestion(
          e.ctx,
          inbound({
            from: 'has.question@example.org',
            threadToken: q!.token,
            hasAttachments: true,
            text: 'Photo attached.',
          }),
        );
        assert.deepEqual([fresh, reply], ['refused', 'refused']);
        assert.equal(await count(e, 'questions'), questions);
        assert.equal(await count(e, 'question_messages'), messages);
        await new Worker(e.ctx).drain();
        const refusals = sink.received.filter((r) => /could not be accepted/.test(r.mail.subject ?? ''));
        assert.equal(refusals.length, 2);
        for (const r of refusals) {
          assert.match(textOf(r), /send your question again without attachments/);
          assert.equal(r.mail.headers.get('auto-submitted'), 'auto-replied');
          assert.ok(
            !textOf(r).includes('scanned ID') && !textOf(r).includes('Photo'),
            'nothing of the message is echoed',
          );
        }
        assert.deepEqual(refusals[0]!.rcptTo, ['scan.sender@example.org']);
        assert.equal(replyToOf(refusals[0]!), 'ask@library.example');
        assert.equal(
          replyToOf(refusals[1]!),
          `ask+${q!.token}@library.example`,
          'a resend joins the question',
        );
      } finally {
        await sink.close();
      }
    });

    test('auto-replies and mail without a reply address are ignored: nothing stored or sent', async () => {
      const e = env();
      const [questions, jobs] = [await count(e, 'questions'), await count(e, 'jobs')];
      assert.equal(
        await receiveInboundQuestion(e.ctx, inbound({ isAutoReply: true, text: 'I am out of the office.' })),
        'ignored',
      );
      assert.equal(await receiveInboundQuestion(e.ctx, inbound({ from: null })), 'ignored');
      assert.equal(await count(e, 'questions'), questions);
      assert.equal(await count(e, 'jobs'), jobs);
    });

    test('end to end through the SMTP listener: a question arrives, is confirmed, and the reply threads', async () => {
      const e = env();
      const sink = await startSmtpSink(sinkPort);
      const receiver = await startReferenceInbound(e.ctx);
      assert.ok(receiver, 'REFERENCE_INBOUND=smtp starts the listener');
      const patron = nodemailer.createTransport({
        host: '127.0.0.1',
        port: listenPort,
        secure: false,
        ignoreTLS: true,
      });
      try {
        await patron.sendMail({
          from: 'Jane Doe <jane.doe@example.com>',
          to: 'ask@library.example',
          subject: 'City directory',
          text: 'Do you have the 1920 city directory?',
        });
        const [q] = await questionsFrom(e, 'jane.doe@example.com');
        assert.ok(q, 'the question is stored once the listener answered 250');
        assert.equal(q.reply_name, 'Jane Doe');
        await new Worker(e.ctx).drain();
        const confirmation = sink.received.at(-1)!;
        const replyAddress = replyToOf(confirmation);
        assert.equal(replyAddress, `ask+${q.token}@library.example`);
        e.clock.advance(60_000);
        await patron.sendMail({
          from: 'jane.doe@example.com',
          to: replyAddress,
          subject: `Re: ${confirmation.mail.subject}`,
          text: 'Also the 1921 one, please.',
        });
        const messages = await messagesOf(e, q.id);
        assert.deepEqual(messages.map((m) => m.body).at(-1), 'Also the 1921 one, please.');
        await assert.rejects(
          patron.sendMail({ from: 'x@example.com', to: 'someone@library.example', subject: 'x', text: 'x' }),
          /550/,
          'other mailboxes are refused',
        );
        const log = e.logs.join('\n');
        for (const v of ['jane.doe', 'Jane Doe', 'city directory', q.token])
          assert.ok(!log.includes(v), `log holds ${v}`);
        assert.match(log, /"outcome":"created"/);
        assert.match(log, /"outcome":"threaded"/);
      } finally {
        patron.close();
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
    },
  },
);
