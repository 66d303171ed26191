// PIN reset by e-mailed link, on both databases, with a real SMTP server on loopback: one message
// to the right address with a working single-use link and no PIN or title; the same answer for
// every card (A2); throttling (A3); expiry after 30 minutes; other sessions signed out; nothing of
// the message left after delivery (N3); expired links purged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { MINUTE } from '../../clock.ts';
import { newId } from '../../ids.ts';
import { Worker } from '../../jobs/worker.ts';
import { mailPinResetLink } from './pin-reset.jobs.ts';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { Browser, useTestApp } from '../../../test/support/http.ts';
import { freePort } from '../../../test/support/net.ts';
import { makePatron, TEST_PIN, uniqueCard } from '../../../test/support/patrons.ts';
import { startSmtpSink, testCertificate, type SmtpSink } from '../../../test/support/smtp.ts';

const port = await freePort();
const { certFile } = testCertificate();
const NEW_PIN = '70418263';

const linkIn = (text: string): string => {
  const m = /https?:\/\/\S+\/account\/pin-reset\/[0-9a-f-]{36}\.[A-Za-z0-9_-]+/.exec(text);
  assert.ok(m, 'the message holds a reset link');
  return m[0];
};
const pathOf = (link: string) => new URL(link).pathname;

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

describeEachDialect(
  'PIN reset by e-mail',
  (env) => {
    const app = useTestApp(env);
    let sink: SmtpSink;
    const request = (cardNumber: string, remoteAddress?: string) =>
      new Browser(app(), {}, remoteAddress ? { remoteAddress } : {}).submit(
        '/account/pin-reset',
        '/account/pin-reset',
        { cardNumber },
      );
    const signIn = (cardNumber: string, pin: string) =>
      new Browser(app()).submit('/account/login', '/account/login', { cardNumber, pin }).then((r) => r);

    test('the sign-in page links to the reset form', async () => {
      const page = await new Browser(app()).get('/account/login');
      assert.match(page.body, /href="\/account\/pin-reset"[^>]*>Forgot your PIN\?/);
    });

    test('a card with an e-mail address gets exactly one message with a working single-use link', async () => {
      const e = env();
      sink = await startSmtpSink(port);
      try {
        const patron = await makePatron(e.ctx, { email: 'pin.reset@example.org' });
        const other = new Browser(app());
        const signedIn = await other.submit('/account/login', '/account/login', {
          cardNumber: patron.cardNumber,
          pin: TEST_PIN,
        });
        assert.equal(signedIn.statusCode, 303);
        const res = await request(patron.cardNumber);
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /If this card has an e-mail address on file, we sent a link/);
        assert.equal(sink.received.length, 0, 'the request only queued the work');
        assert.equal(await new Worker(e.ctx).drain(), 2, 'the pin-reset job, then the mail it queued');
        assert.equal(sink.received.length, 1);
        const { mail, rcptTo, secure } = sink.received[0]!;
        assert.deepEqual(rcptTo, ['pin.reset@example.org']);
        assert.equal(secure, true);
        assert.match(mail.subject ?? '', new RegExp(e.config.library.name));
        const text = mail.text ?? '';
        const html = typeof mail.html === 'string' ? mail.html : '';
        for (const part of [text, html, mail.subject ?? '']) {
          assert.ok(!part.includes(TEST_PIN), 'no PIN in the message');
          assert.ok(!part.includes(patron.cardNumber), 'no card number in the message');
          assert.ok(!/<img/i.test(part), 'no images');
        }
        const link = linkIn(text);
        assert.ok(link.startsWith(e.config.publicUrl.origin));
        assert.ok(html.includes(`href="${link}"`), 'the HTML link is the same, not rewritten');

        // N3: after delivery the address survives only on the patron record.
        const where = (await findValueEverywhere(e.ctx, 'pin.reset@example.org'))
          .map((s) => s.where)
          .filter((w) => !w.startsWith('file '));
        assert.deepEqual(where, ['patrons.email']);

        const browser = new Browser(app());
        const form = await browser.get(pathOf(link));
        assert.equal(form.statusCode, 200);
        assert.match(form.body, /Choose a new PIN/);
        const weak = await browser.submit(pathOf(link), pathOf(link), {
          newPin: '123456',
          confirmPin: '123456',
        });
        assert.equal(weak.statusCode, 400, 'the PIN rule applies');
        const done = await browser.submit(pathOf(link), pathOf(link), {
          newPin: NEW_PIN,
          confirmPin: NEW_PIN,
        });
        assert.equal(done.statusCode, 200);
        assert.match(done.body, /Your new PIN is set/, 'the sign-in form says so, with no message in a URL');
        assert.doesNotMatch(
          (await browser.get('/account/login?notice=pin-reset')).body,
          /Your new PIN is set/,
        );

        assert.equal((await other.get('/account')).statusCode, 303, 'the other session was signed out');
        assert.equal((await signIn(patron.cardNumber, TEST_PIN)).statusCode, 401);
        assert.equal((await signIn(patron.cardNumber, NEW_PIN)).statusCode, 303);
        const row = await e.ctx.db
          .selectFrom('patrons')
          .select('pin_must_change')
          .where('id', '=', patron.id)
          .executeTakeFirstOrThrow();
        assert.equal(Number(row.pin_must_change), 0);

        const again = await browser.get(pathOf(link));
        assert.equal(again.statusCode, 404, 'the link works once');
        assert.match(again.body, /href="\/account\/pin-reset"/);
        const reuse = await new Browser(app()).request('POST', pathOf(link), {
          form: { newPin: '90817263', confirmPin: '90817263' },
        });
        assert.notEqual(reuse.statusCode, 303);
        const left = await e.ctx.db
          .selectFrom('pin_reset_tokens')
          .select('id')
          .where('patron_id', '=', patron.id)
          .execute();
        assert.equal(left.length, 0);
      } finally {
        await sink.close();
      }
    });

    test('unknown card, card without e-mail and card with e-mail get the same answer and the same work (A2, issue 12 item 5)', async () => {
      const e = env();
      const withEmail = await makePatron(e.ctx, { email: 'same.answer@example.org' });
      const without = await makePatron(e.ctx);
      const rowCounts = async () => {
        const counts: Record<string, number> = {};
        for (const table of await e.ctx.database.ops.listTables(e.ctx.db)) {
          const res = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(
            e.ctx.db,
          );
          counts[table] = Number(res.rows[0]?.n ?? 0);
        }
        return counts;
      };
      const cases = [
        [withEmail.cardNumber, '10.0.0.1'],
        [without.cardNumber, '10.0.0.2'],
        [uniqueCard(), '10.0.0.3'],
      ] as const;
      const answers: { status: number; body: string }[] = [];
      const written: Record<string, number>[] = [];
      const queued: string[][] = [];
      for (const [card, address] of cases) {
        const before = await rowCounts();
        const jobsBefore = new Set(
          (await e.ctx.db.selectFrom('jobs').select('id').execute()).map((j) => j.id),
        );
        const res = await request(card, address);
        const after = await rowCounts();
        answers.push({ status: res.statusCode, body: res.body });
        written.push(
          Object.fromEntries(
            Object.keys(after)
              .filter((t) => after[t] !== before[t])
              .map((t) => [t, after[t]! - (before[t] ?? 0)]),
          ),
        );
        const jobs = await e.ctx.db.selectFrom('jobs').select(['id', 'name', 'payload']).execute();
        queued.push(
          jobs
            .filter((j) => !jobsBefore.has(j.id))
            .map((j) => `${j.name} ${Object.keys(JSON.parse(j.payload) as object).join(',')}`),
        );
      }
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200],
      );
      assert.equal(answers[0]!.body, answers[1]!.body);
      assert.equal(answers[1]!.body, answers[2]!.body);
      // The same rows written by every request: two throttle counters (card, address) and one job.
      for (const w of written) assert.deepEqual(w, { jobs: 1, login_throttle: 2 });
      for (const q of queued) assert.deepEqual(q, ['patrons.pin-reset patronId']);
      // The queued job carries an internal id, not the card number.
      const tablesWithCard = (await findValueEverywhere(e.ctx, withEmail.cardNumber))
        .map((f) => f.where)
        .filter((w) => !w.startsWith('file '));
      assert.deepEqual(tablesWithCard, ['patrons.card_number']);

      // Off the request, only the card with an address gets a link and a message.
      await new Worker(e.ctx).drain();
      const outbox = await e.ctx.db
        .selectFrom('outbox')
        .select('recipient')
        .where('recipient', '=', 'same.answer@example.org')
        .execute();
      assert.equal(outbox.length, 1);
      const links = await e.ctx.db
        .selectFrom('pin_reset_tokens')
        .select('patron_id')
        .where('patron_id', 'in', [withEmail.id, without.id])
        .execute();
      assert.deepEqual(
        links.map((l) => l.patron_id),
        [withEmail.id],
      );
      await e.ctx.db.deleteFrom('jobs').execute();
    });

    test('the pin-reset job run twice (a retry after a crash) makes one link and one message', async () => {
      const e = env();
      const patron = await makePatron(e.ctx, { email: 'twice.run@example.org' });
      const linkId = newId();
      await mailPinResetLink(e.ctx, patron.id, linkId);
      await mailPinResetLink(e.ctx, patron.id, linkId);
      const outbox = await e.ctx.db
        .selectFrom('outbox')
        .select('id')
        .where('recipient', '=', 'twice.run@example.org')
        .execute();
      assert.equal(outbox.length, 1);
      const links = await e.ctx.db
        .selectFrom('pin_reset_tokens')
        .select('id')
        .where('patron_id', '=', patron.id)
        .execute();
      assert.deepEqual(
        links.map((l) => l.id),
        [linkId],
      );
      await e.ctx.db.deleteFrom('jobs').execute();
    });

    test('requests are throttled per card', async () => {
      const card = uniqueCard();
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await request(card, `10.0.1.${i}`)).statusCode);
      assert.deepEqual(codes, [200, 200, 200, 200, 429]);
    });

    test('a link expires after 30 minutes and expired links are purged', async () => {
      const e = env();
      const patron = await makePatron(e.ctx, { email: 'expires.soon@example.org' });
      await request(patron.cardNumber, '10.0.2.1');
      await new Worker(e.ctx).drain();
      const outbox = await e.ctx.db
        .selectFrom('outbox')
        .select('text_body')
        .where('recipient', '=', 'expires.soon@example.org')
        .executeTakeFirstOrThrow();
      const link = linkIn(outbox.text_body ?? '');
      e.clock.advance(29 * MINUTE);
      assert.equal((await new Browser(app()).get(pathOf(link))).statusCode, 200);
      await purge(e);
      assert.equal(
        (
          await e.ctx.db
            .selectFrom('pin_reset_tokens')
            .select('id')
            .where('patron_id', '=', patron.id)
            .execute()
        ).length,
        1,
      );
      e.clock.advance(2 * MINUTE);
      await purge(e);
      assert.equal(
        (
          await e.ctx.db
            .selectFrom('pin_reset_tokens')
            .select('id')
            .where('patron_id', '=', patron.id)
            .execute()
        ).length,
        0,
      );
      const page = await new Browser(app()).get(pathOf(link));
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /Ask for a new link/);
      await e.ctx.db.deleteFrom('jobs').execute();
    });

    test('a forged link is refused', async () => {
      const page = await new Browser(app()).get(
        '/account/pin-reset/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      );
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /cannot be used/);
    });
  },
  { env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_CA_FILE: certFile } },
);
