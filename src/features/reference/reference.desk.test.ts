// The reference desk on both databases, over real HTTP and a real SMTP server on loopback: the
// queue, claim, internal notes, an answer the patron receives, the patron's e-mailed reply joining
// the same question, close → scrub, and the seed-and-sweep proof that the reply address, the name,
// the phone and card numbers typed into the question are nowhere afterwards, not even in the raw
// SQLite file (R2). Also: idle questions scrubbed by the hourly job, the FAQ confirmation rule,
// and role checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY } from '../../clock.ts';
import { Worker } from '../../jobs/worker.ts';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { Browser, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { freePort } from '../../../test/support/net.ts';
import { startSmtpSink, testCertificate } from '../../../test/support/smtp.ts';
import { ask, assertCleanMail, inbound, replyToOf, textOf } from './reference.fixtures.ts';
import { receiveInboundQuestion } from './reference.inbound.ts';
import { scrubIdleQuestionsJob } from './reference.jobs.ts';

const port = await freePort();
const { certFile } = testCertificate();

const purge = (env: TestEnv) =>
  runPurge(
    {
      db: env.ctx.db,
      ops: env.ctx.database.ops,
      clock: env.clock,
      inventory: env.ctx.inventory,
      logger: env.ctx.logger,
    },
    { dryRun: false, trigger: 'cli', batchSize: 1000 },
  );
const questionOf = (e: TestEnv, replyTo: string) =>
  e.ctx.db.selectFrom('questions').selectAll().where('reply_to', '=', replyTo).executeTakeFirstOrThrow();
const questionById = (e: TestEnv, id: string) =>
  e.ctx.db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describeEachDialect(
  'Ask a Librarian: the desk',
  (env, dialect) => {
    const app = useTestApp(env);

    test('claim → note → answer → the patron replies by e-mail → close → scrubbed everywhere', async () => {
      const e = env();
      const sink = await startSmtpSink(port);
      try {
        const asked = await ask(e, new Browser(app(), {}, { remoteAddress: '203.0.113.10' }), {
          question:
            "Hello, my name is Margaret O'Brien and I'm researching my great-grandfather Patrick, who arrived in Boston in 1882. My phone is 617-555-0142 and my library card is 21234005678901.",
          replyTo: 'maggie.seed@example.net',
          region: 'MA',
          zip: '02139-4307',
        });
        assert.equal(asked.statusCode, 200);
        e.clock.advance(60_000);
        const q = await questionOf(e, 'maggie.seed@example.net');
        const page = `/staff/reference/${q.id}`;
        const { browser } = await signedInStaff(e, app(), ['reference']);

        const queue = await browser.get('/staff/reference');
        assert.equal(queue.statusCode, 200);
        assert.match(queue.body, /New \(1\)/);
        assert.ok(queue.body.includes(`href="${page}"`));

        const claimed = await browser.submit(page, `${page}/claim`, {});
        assert.equal(claimed.statusCode, 303);
        assert.equal((await questionById(e, q.id)).status, 'claimed');
        assert.match((await browser.get(page)).body, /By you/);
        assert.match((await browser.get('/staff/reference?status=claimed')).body, /Claimed \(1\)/);

        const noted = await browser.submit(page, `${page}/note`, {
          note: "Called Margaret O'Brien at 617-555-0142.",
        });
        assert.equal(noted.statusCode, 303);

        const empty = await browser.submit(page, `${page}/reply`, { body: '  ', waiting: 'on' });
        assert.equal(empty.statusCode, 400);
        assert.match(empty.body, /Write the answer\./);
        assert.match(empty.body, /name="waiting" value="on" checked/);

        const answer =
          "Dear Ms. O'Brien,\nThe 1880 census for Suffolk County is on microfilm T9, roll 0556. Which port did he arrive at?\nBest regards,\nAnna Reyes";
        const replied = await browser.submit(page, `${page}/reply`, { body: answer, waiting: 'on' });
        assert.equal(replied.statusCode, 303);
        assert.equal((await questionById(e, q.id)).status, 'waiting');
        await new Worker(e.ctx).drain();
        const sent = sink.received.find((r) => r.mail.subject?.startsWith('Re: your question'));
        assert.ok(sent, 'the patron receives the answer');
        assert.deepEqual(sent.rcptTo, ['maggie.seed@example.net']);
        assert.equal(sent.mail.subject, `Re: your question to ${e.config.library.name} [Ref: ${q.token}]`);
        assert.equal(replyToOf(sent), `ask+${q.token}@library.example`);
        assert.ok(textOf(sent).startsWith(answer));
        assertCleanMail(sent);

        // The patron answers by e-mail: the token in the address brings it to this question.
        e.clock.advance(60_000);
        const token = replyToOf(sent).slice('ask+'.length).split('@')[0]!;
        const back = await receiveInboundQuestion(
          e.ctx,
          inbound({
            from: 'maggie.seed@example.net',
            threadToken: token,
            text: 'East Boston, I think. Thanks,\nMargaret',
          }),
        );
        assert.equal(back, 'threaded');
        assert.equal((await questionById(e, q.id)).status, 'new');
        const thread = (await browser.get(page)).body;
        assert.ok(thread.indexOf('great-grandfather') < thread.indexOf('roll 0556'), 'oldest first');
        assert.ok(thread.indexOf('roll 0556') < thread.indexOf('East Boston'));
        assert.match(thread, /Called Margaret O&#39;Brien|Called Margaret O'Brien/);

        const classified = await browser.submit(page, `${page}/classify`, {
          category: 'genealogy',
          effort: '3',
        });
        assert.equal(classified.statusCode, 303);
        const badClass = await browser.submit(page, `${page}/classify`, {
          category: 'astrology',
          effort: '9',
        });
        assert.equal(badClass.statusCode, 400);
        assert.match(badClass.body, /Choose a category from the list\./);

        const closed = await browser.submit(page, `${page}/close`, {});
        assert.equal(closed.statusCode, 303);
        const after = await questionById(e, q.id);
        assert.equal(after.status, 'closed');
        assert.ok(after.closed_at && after.scrubbed_at);
        assert.deepEqual(
          [
            after.reply_to,
            after.reply_name,
            after.zip,
            after.zip3,
            after.region,
            after.category,
            after.effort === null ? null : Number(after.effort),
          ],
          [null, null, null, '021', 'MA', 'genealogy', 3],
        );
        const shown = (await browser.get(page)).body;
        assert.match(shown, /closed and scrubbed/);
        assert.match(shown, /Removed \(scrubbed\)/);
        assert.match(shown, /my name is \[name removed\]/);
        assert.match(shown, /\[phone removed\]/);
        assert.match(shown, /\[card number removed\]/);
        assert.ok(!shown.includes(`action="${page}/reply"`), 'no reply form after scrubbing');
        const late = await browser.submit(page, `${page}/classify`, { category: 'genealogy', effort: '4' });
        assert.equal(late.statusCode, 303, 'category and effort can still be corrected');
        const csrf = /name="_csrf" value="([^"]+)"/.exec(shown)![1]!;
        const refused = await browser.request('POST', `${page}/reply`, {
          form: { _csrf: csrf, body: 'One more thing' },
        });
        assert.equal(refused.statusCode, 409);
        assert.match(refused.body, /can no longer be answered/);
        assert.deepEqual(
          await e.ctx.db.selectFrom('question_notes').select('id').where('question_id', '=', q.id).execute(),
          [],
        );

        // Seed and sweep: every mail delivered (outbox emptied, N3), the purge compacts the files.
        await new Worker(e.ctx).drain();
        await purge(e);
        for (const value of [
          'maggie.seed@example.net',
          "O'Brien",
          'Margaret',
          'Anna Reyes',
          '617-555-0142',
          '21234005678901',
          '02139',
        ])
          assert.deepEqual(await findValueEverywhere(e.ctx, value), [], `${value} is gone (${dialect})`);
        // What R2 keeps is still there.
        const kept = await e.ctx.db
          .selectFrom('question_messages')
          .select('body')
          .where('question_id', '=', q.id)
          .execute();
        assert.ok(kept.some((m) => m.body.includes('arrived in Boston in 1882')));
        assert.ok(kept.some((m) => m.body.includes('microfilm T9, roll 0556')));
      } finally {
        await sink.close();
      }
    });

    test('idle questions are closed and scrubbed by the hourly job; active ones stay; a second run does nothing', async () => {
      const e = env();
      await receiveInboundQuestion(
        e.ctx,
        inbound({
          from: 'idle.asker@example.org',
          fromName: 'Idle Asker',
          text: 'Do you lend telescopes? Idle Asker',
        }),
      );
      const idle = await questionOf(e, 'idle.asker@example.org');
      const idleDays = e.config.reference.idleDays;
      e.clock.advance((idleDays - 1) * DAY);
      await receiveInboundQuestion(
        e.ctx,
        inbound({ from: 'busy.asker@example.org', text: 'Do you lend microscopes?' }),
      );
      const busy = await questionOf(e, 'busy.asker@example.org');
      const run = () => scrubIdleQuestionsJob.handler(e.ctx, {}, { jobId: 'test', attempt: 1 });
      await run();
      assert.equal((await questionById(e, idle.id)).scrubbed_at, null, 'not idle long enough yet');
      e.clock.advance(2 * DAY);
      await run();
      const scrubbed = await questionById(e, idle.id);
      assert.equal(scrubbed.status, 'closed');
      assert.equal(scrubbed.reply_to, null);
      assert.equal(scrubbed.reply_name, null);
      assert.ok(scrubbed.scrubbed_at);
      const [body] = await e.ctx.db
        .selectFrom('question_messages')
        .select('body')
        .where('question_id', '=', idle.id)
        .execute();
      assert.ok(!body!.body.includes('Idle Asker'), body!.body);
      assert.equal((await questionById(e, busy.id)).scrubbed_at, null, 'the recent question stays');
      const at = scrubbed.scrubbed_at;
      await run();
      assert.equal((await questionById(e, idle.id)).scrubbed_at, at, 'idempotent');
      assert.match(e.logs.join('\n'), /idle reference questions scrubbed/);
      assert.ok(!e.logs.join('\n').includes('idle.asker'));
    });

    test('FAQ: only from a scrubbed question, only with the confirmation, never with personal data left', async () => {
      const e = env();
      await receiveInboundQuestion(
        e.ctx,
        inbound({ from: 'faq.asker@example.org', text: 'Can I print from my phone?' }),
      );
      const q = await questionOf(e, 'faq.asker@example.org');
      const page = `/staff/reference/${q.id}`;
      const { browser } = await signedInStaff(e, app(), ['reference']);
      const early = await browser.submit(page, `${page}/faq`, { question: 'Q', answer: 'A', confirm: 'on' });
      assert.equal(early.statusCode, 409, 'an open question cannot be published');
      await browser.submit(page, `${page}/close`, {});
      const form = (await browser.get(page)).body;
      assert.match(form, /Publish as an FAQ entry/);
      assert.match(
        form,
        /Can I print from my phone\?<\/textarea>/,
        'the form starts from the scrubbed texts',
      );

      const entry = {
        question: 'Can I print from my phone?',
        answer: 'Yes: use the Mobile Print page and pick up at any branch.',
        faqCategory: 'technology',
      };
      const unconfirmed = await browser.submit(page, `${page}/faq`, entry);
      assert.equal(unconfirmed.statusCode, 400);
      assert.match(unconfirmed.body, /Tick the box to confirm that this entry identifies no one\./);
      assert.match(unconfirmed.body, /Yes: use the Mobile Print page/, 'what was typed is kept');

      const personal = await browser.submit(page, `${page}/faq`, {
        ...entry,
        answer: 'Hi Tyler,\nYes: call us at 555-123-4567 or write to tyler@example.org.',
        confirm: 'on',
      });
      assert.equal(personal.statusCode, 400);
      assert.match(personal.body, /still seems to contain personal details/);
      assert.match(personal.body, /a phone number \(“555-123-4567”\)/);
      assert.match(personal.body, /an e-mail address \(“tyler@example.org”\)/);
      assert.match(personal.body, /a name \(“Tyler”\)/);
      assert.deepEqual(await e.ctx.db.selectFrom('faq_entries').select('id').execute(), []);

      const ok = await browser.submit(page, `${page}/faq`, { ...entry, confirm: 'on' });
      assert.equal(ok.statusCode, 303);
      const publicPage = await new Browser(app()).get('/ask/faq');
      assert.equal(publicPage.statusCode, 200);
      assert.match(publicPage.body, /<h2>Technology<\/h2>/);
      assert.match(publicPage.body, /Mobile Print page/);

      const [row] = await e.ctx.db.selectFrom('faq_entries').select('id').execute();
      const removed = await browser.submit(
        '/staff/reference/faq',
        `/staff/reference/faq/${row!.id}/delete`,
        {},
      );
      assert.equal(removed.statusCode, 303);
      assert.doesNotMatch((await new Browser(app()).get('/ask/faq')).body, /Mobile Print page/);
    });

    test('only reference staff and administrators reach the desk', async () => {
      const e = env();
      const { browser: circ } = await signedInStaff(e, app(), ['circulation']);
      for (const url of [
        '/staff/reference',
        '/staff/reference/stats',
        '/staff/reference/stats.csv',
        '/staff/reference/faq',
      ])
        assert.equal((await circ.get(url)).statusCode, 403, url);
      const { browser: admin } = await signedInStaff(e, app(), ['admin']);
      assert.equal((await admin.get('/staff/reference')).statusCode, 200);
      assert.equal(
        (await new Browser(app()).get('/staff/reference')).statusCode,
        303,
        'signed out → sign-in',
      );
    });
  },
  { env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_CA_FILE: certFile } },
);
