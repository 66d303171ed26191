// The public "Ask a Librarian" form on both databases, over real HTTP in-process and a real SMTP
// server on loopback: a question is stored and confirmed (Reply-To with the thread token, the
// [Ref: …] subject, the delete link, no images or tracking); a filled honeypot is thanked but
// nothing is kept; too-fast, stale and invalid forms and bad input are refused keeping what was
// typed; the per-client limit answers 429 with Retry-After; the delete link works and a tampered
// one does not; nothing personal reaches the log (R1, R3, N2, G4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY } from '../../clock.ts';
import { Worker } from '../../jobs/worker.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { Browser, useTestApp } from '../../../test/support/http.ts';
import { freePort } from '../../../test/support/net.ts';
import { startSmtpSink, testCertificate } from '../../../test/support/smtp.ts';
import {
  ask,
  assertCleanMail,
  deletePathIn,
  replyToOf,
  textOf,
  tokenOfSubject,
} from './reference.fixtures.ts';

const port = await freePort();
const { certFile } = testCertificate();

const questions = (e: TestEnv) => e.ctx.db.selectFrom('questions').selectAll().execute();

describeEachDialect(
  'Ask a Librarian: the public form',
  (env) => {
    const app = useTestApp(env);
    let ip = 0;
    /** A browser with its own client address, so the per-client limit is per test. */
    const visitor = () => new Browser(app(), {}, { remoteAddress: `198.51.100.${++ip}` });

    test('the form asks for no name and explains what is kept', async () => {
      const page = await visitor().get('/ask');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="question"/);
      assert.match(page.body, /name="replyTo"/);
      assert.match(page.body, /name="region"/);
      assert.match(page.body, /name="zip"/);
      assert.doesNotMatch(page.body, /name="[^"]*name[^"]*"|<label[^>]*>[^<]*name/i, 'no name asked (R1)');
      assert.match(page.body, /class="ask-hp" aria-hidden="true"/);
      assert.match(page.body, /remove your e-mail address/);
      assert.doesNotMatch(page.body, /style=|<script/i, 'nothing inline (CSP)');
    });

    test('a question is stored and confirmed by e-mail with the thread token and a delete link', async () => {
      const e = env();
      const sink = await startSmtpSink(port);
      try {
        const res = await ask(e, visitor(), {
          question: 'Do you have the 1880 census for Suffolk County on microfilm?',
          replyTo: 'Census.Reader@Example.org',
          region: 'MA',
          zip: '02139',
        });
        assert.equal(res.statusCode, 200, res.body.slice(0, 500));
        assert.match(res.body, /Thank you for your question/);
        const [q] = (await questions(e)).filter((r) => r.reply_to === 'census.reader@example.org');
        assert.ok(q, 'the question is stored');
        assert.equal(q.status, 'new');
        assert.equal(q.channel, 'web');
        assert.equal(q.region, 'MA');
        assert.equal(q.zip, '02139');
        assert.equal(q.zip3, '021');
        assert.equal(q.reply_name, null);
        assert.match(q.token, /^[A-Za-z0-9_-]{24,}$/);
        const messages = await e.ctx.db
          .selectFrom('question_messages')
          .selectAll()
          .where('question_id', '=', q.id)
          .execute();
        assert.deepEqual(
          messages.map((m) => [m.direction, m.body]),
          [['in', 'Do you have the 1880 census for Suffolk County on microfilm?']],
        );

        await new Worker(e.ctx).drain();
        assert.equal(sink.received.length, 1);
        const r = sink.received[0]!;
        assert.deepEqual(r.rcptTo, ['census.reader@example.org']);
        assert.equal(replyToOf(r), `ask+${q.token}@library.example`);
        assert.equal(tokenOfSubject(r), q.token);
        assert.match(r.mail.subject ?? '', new RegExp(`\\[Ref: ${q.token}\\]`));
        assertCleanMail(r);
        assert.match(textOf(r), /replies to ask\+\S+ join your question/);
        assert.match(textOf(r), /When your question is closed, .* removes your e-mail address/);
        assert.ok(!textOf(r).includes('1880 census'), 'the question text is not mailed back');

        // The delete link: GET shows a confirmation, POST deletes at once.
        const path = deletePathIn(textOf(r));
        const browser = visitor();
        const confirm = await browser.get(path);
        assert.equal(confirm.statusCode, 200);
        assert.match(confirm.body, /Delete your question\?/);
        assert.ok(
          await e.ctx.db.selectFrom('questions').select('id').where('id', '=', q.id).executeTakeFirst(),
        );
        const done = await browser.submit(path, path, {});
        assert.equal(done.statusCode, 200);
        assert.match(done.body, /Your question is deleted/);
        assert.equal(
          await e.ctx.db.selectFrom('questions').select('id').where('id', '=', q.id).executeTakeFirst(),
          undefined,
        );
        assert.deepEqual(
          await e.ctx.db
            .selectFrom('question_messages')
            .select('id')
            .where('question_id', '=', q.id)
            .execute(),
          [],
        );
        const again = await browser.get(path);
        assert.match(again.body, /already been deleted/);

        // G4: no address, question text or token in the log.
        const log = e.logs.join('\n');
        for (const v of ['census.reader', '1880 census', q.token, '198.51.100.'])
          assert.ok(!log.includes(v), `log holds ${v}`);
      } finally {
        await sink.close();
      }
    });

    test('a tampered or foreign delete link shows an error page and deletes nothing', async () => {
      const e = env();
      await ask(e, visitor(), { question: 'What are your hours?', replyTo: 'hours.one@example.org' });
      await ask(e, visitor(), { question: 'Do you have a notary?', replyTo: 'notary.two@example.org' });
      const outbox = await e.ctx.db
        .selectFrom('outbox')
        .select(['recipient', 'text_body'])
        .where('kind', '=', 'reference-confirmation')
        .execute();
      const link = (to: string) => deletePathIn(outbox.find((o) => o.recipient === to)!.text_body ?? '');
      const one = link('hours.one@example.org');
      const two = link('notary.two@example.org');
      const tampered = one.slice(0, -1) + (one.endsWith('0') ? '1' : '0');
      const swapped = `${one.split('.')[0]}.${two.split('.')[1]}`;
      for (const bad of [tampered, swapped, '/ask/delete/nonsense']) {
        const page = await visitor().get(bad);
        assert.equal(page.statusCode, 404, bad);
        assert.match(page.body, /This link cannot be used/);
      }
      const post = await visitor().submit('/ask', tampered, {});
      assert.equal(post.statusCode, 404);
      const left = (await questions(e)).map((q) => q.reply_to);
      assert.ok(left.includes('hours.one@example.org') && left.includes('notary.two@example.org'));
    });

    test('a filled honeypot is thanked, but nothing is stored or sent', async () => {
      const e = env();
      const before = (await questions(e)).length;
      const jobs = (await e.ctx.db.selectFrom('jobs').select('id').execute()).length;
      const res = await ask(e, visitor(), {
        question: 'Cheap watches!!!',
        replyTo: 'robot@spam.example',
        website: 'https://spam.example',
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Thank you for your question/);
      assert.equal((await questions(e)).length, before);
      assert.equal((await e.ctx.db.selectFrom('jobs').select('id').execute()).length, jobs);
    });

    test('a form sent too fast, too late or with a forged time is refused, keeping what was typed', async () => {
      const e = env();
      const before = (await questions(e)).length;
      const typed = {
        question: 'Where are the tax forms?',
        replyTo: 'tax.forms@example.org',
        region: 'NY',
        zip: '10001',
      };
      const fast = await ask(e, visitor(), typed, { waitMs: 1_000 });
      assert.equal(fast.statusCode, 400);
      assert.match(fast.body, /quicker than a person usually types/);
      assert.match(fast.body, /Where are the tax forms\?<\/textarea>/);
      assert.match(fast.body, /value="tax.forms@example.org"/);
      assert.match(fast.body, /<option value="NY" selected/);
      assert.match(fast.body, /value="10001"/);
      const stale = await ask(e, visitor(), typed, { waitMs: DAY + 1_000 });
      assert.equal(stale.statusCode, 400);
      assert.match(stale.body, /expired/);
      const forged = await ask(e, visitor(), {
        ...typed,
        renderedAt: `${Date.parse('2020-01-01')}.${'0'.repeat(64)}`,
      });
      assert.equal(forged.statusCode, 400);
      assert.match(forged.body, /could not be checked/);
      assert.equal((await questions(e)).length, before);
    });

    test('bad input gets a message per field and keeps the values', async () => {
      const e = env();
      const res = await ask(e, visitor(), {
        question: '   ',
        replyTo: 'not-an-address',
        region: 'XX',
        zip: '1234',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Type your question\./);
      assert.match(res.body, /Enter an e-mail address like name@example.org\./);
      assert.match(res.body, /Choose a state from the list\./);
      assert.match(res.body, /Enter a 5-digit ZIP code/);
      assert.match(res.body, /value="not-an-address"/);
      assert.match(res.body, /value="1234"/);
      const long = await ask(e, visitor(), { question: 'x'.repeat(10_001), replyTo: 'long@example.org' });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /under 10,000 characters/);
      const missing = await ask(e, visitor(), { question: 'Hours?', replyTo: '' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Enter the e-mail address we should answer\./);
    });

    test('an empty form sent at once is told which fields are required, not that it was too fast (issue 12 item 19)', async () => {
      const e = env();
      const before = (await questions(e)).length;
      const empty = await ask(e, visitor(), { question: '', replyTo: '' }, { waitMs: 500 });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /id="question-error"[^>]*>(?:(?!<\/p>).)*Type your question\./s);
      assert.match(
        empty.body,
        /id="replyTo-error"[^>]*>(?:(?!<\/p>).)*Enter the e-mail address we should answer\./s,
      );
      assert.doesNotMatch(empty.body, /quicker than a person usually types/);
      // A form that is filled in but sent too fast still meets the guard.
      const fast = await ask(
        e,
        visitor(),
        { question: 'Is the library open on Monday?', replyTo: 'monday@example.org' },
        { waitMs: 500 },
      );
      assert.equal(fast.statusCode, 400);
      assert.match(fast.body, /quicker than a person usually types/);
      assert.equal((await questions(e)).length, before);
    });

    test('one client may send perClientPerHour questions an hour; then 429 with Retry-After', async () => {
      const e = env();
      const browser = visitor();
      const limit = e.config.reference.perClientPerHour;
      for (let i = 0; i < limit; i++) {
        const ok = await ask(e, browser, {
          question: `Question number ${i}`,
          replyTo: `rate${i}@example.org`,
        });
        assert.equal(ok.statusCode, 200, `question ${i}`);
      }
      const refused = await ask(e, browser, {
        question: 'One more question',
        replyTo: 'rate.more@example.org',
      });
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /which is our limit/);
      assert.match(refused.body, /One more question<\/textarea>/, 'what was typed is kept');
      const retry = Number(refused.headers['retry-after']);
      assert.ok(retry > 0 && retry <= 3600, `Retry-After ${retry}`);
      assert.equal((await visitor().request('GET', '/ask')).statusCode, 200);
      const other = await ask(e, visitor(), {
        question: 'From another client',
        replyTo: 'other.client@example.org',
      });
      assert.equal(other.statusCode, 200, 'another client is not limited');
      e.clock.advance(retry * 1000);
      const later = await ask(e, browser, { question: 'An hour later', replyTo: 'rate.later@example.org' });
      assert.equal(later.statusCode, 200);
      const stored = (await questions(e)).filter((q) => q.reply_to?.startsWith('rate'));
      assert.equal(stored.length, limit + 1);
      assert.ok(!e.logs.join('\n').includes('198.51.100.'), 'no client address in the log');
    });
  },
  { env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_CA_FILE: certFile } },
);
