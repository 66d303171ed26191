// Service notices on both databases with a real SMTP server on loopback (issue 4, N2, N3): each
// notice goes once after its trigger and never on rollback; no title in any subject, titles in
// bodies only by choice; no images or tracking; a permanent refusal flags the address; the body
// is gone after delivery and only counts per kind and day remain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { DAY, HOUR } from '../../clock.ts';
import { Worker } from '../../jobs/worker.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { addItem, addRecord, deskActor } from '../../../test/support/circulation-fixtures.ts';
import { freePort } from '../../../test/support/net.ts';
import { makePatron } from '../../../test/support/patrons.ts';
import { startSmtpSink, testCertificate, type Received } from '../../../test/support/smtp.ts';
import type { PatronActor } from '../patrons/patron-actor.ts';
import { checkIn, checkOut } from '../circulation/circulation.service.ts';
import { cancelHold, expireShelfHolds, placeHold } from '../circulation/holds.service.ts';
import { noticeHoldReady, sendDueNotices } from './notices.service.ts';

const port = await freePort();
const { certFile } = testCertificate();

const desk = deskActor;
const staff = { kind: 'staff', actor: desk } as const;
const me = (id: string) =>
  ({
    kind: 'patron',
    patron: {
      kind: 'patron',
      id,
      name: 'x',
      sessionId: 's',
      publicTerminal: false,
      mustChangePin: false,
    } as PatronActor,
  }) as const;

const htmlOf = (r: Received) => (typeof r.mail.html === 'string' ? r.mail.html : '');

/** N2 for every message: no title in the subject, no images, no tracking, links as written. */
function assertCleanNotice(r: Received, titles: string[]): void {
  const subject = r.mail.subject ?? '';
  for (const t of titles) assert.ok(!subject.includes(t), `no title in the subject: ${subject}`);
  const html = htmlOf(r);
  assert.ok(!/<img|background=|url\(/i.test(html), 'no images');
  assert.ok(!/utm_|[?&](?:trk|track|mc_eid)=/i.test(html + (r.mail.text ?? '')), 'no tracking parameters');
  for (const m of html.matchAll(/href="([^"]+)"/g))
    assert.ok((r.mail.text ?? '').includes(m[1]!), `the link ${m[1]} is the one written in the text`);
  assert.match(r.mail.from?.text ?? '', /Carrel Public Library|Library/);
  assert.ok(r.mail.text, 'a plain-text part');
}

async function setChoice(env: TestEnv, patronId: string, set: Record<string, unknown>) {
  await env.ctx.db.updateTable('patrons').set(set).where('id', '=', patronId).execute();
}

describeEachDialect(
  'service notices',
  (env) => {
    test('hold ready: one message after check-in, pickup branch, code and expiry, no title unless chosen', async () => {
      const e = env();
      const sink = await startSmtpSink(port);
      try {
        const rec = await addRecord(e.ctx, { title: 'The Quiet Carrel Mystery' });
        const copy = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
        const patron = await makePatron(e.ctx, { email: 'ready@example.org' });
        await placeHold(e.ctx, me(patron.id), { patronId: patron.id, bibId: rec.id, pickupBranch: 'MAIN' });
        const back = await checkIn(e.ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
        assert.equal(back.route.to, 'hold_shelf');
        const code = back.route.to === 'hold_shelf' ? back.route.pickupCode : '';
        // Scanned twice: still one notice.
        await checkIn(e.ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
        await new Worker(e.ctx).drain();
        assert.equal(sink.received.length, 1);
        const r = sink.received[0]!;
        assert.deepEqual(r.rcptTo, ['ready@example.org']);
        assertCleanNotice(r, [rec.title]);
        assert.match(r.mail.text ?? '', /Main Library/);
        assert.ok((r.mail.text ?? '').includes(code), 'the pickup code');
        assert.match(r.mail.text ?? '', /pick it up by \w{3} \d+, \d{4}/);
        assert.ok(
          !(r.mail.text ?? '').includes(rec.title) && !htmlOf(r).includes(rec.title),
          'no title by default',
        );

        // N3: after delivery the outbox row is empty and the count remains.
        const rows = await e.ctx.db
          .selectFrom('outbox')
          .selectAll()
          .where('kind', '=', 'hold-ready')
          .execute();
        assert.ok(rows.every((o) => o.recipient === null && o.text_body === null && o.patron_id === null));
        const counts = await e.ctx.db
          .selectFrom('mail_counts')
          .selectAll()
          .where('kind', '=', 'hold-ready')
          .execute();
        assert.equal(
          counts.reduce((n, c) => n + Number(c.count), 0),
          1,
        );

        // Titles by choice: in the body, never in the subject.
        await setChoice(e, patron.id, { notice_titles: 1 });
        const rec2 = await addRecord(e.ctx, { title: 'A Second Quiet Title' });
        const copy2 = await addItem(e.ctx, rec2.id, { branch: 'MAIN' });
        await placeHold(e.ctx, me(patron.id), { patronId: patron.id, bibId: rec2.id, pickupBranch: 'MAIN' });
        await checkIn(e.ctx, desk, { barcode: copy2.barcode, branch: 'MAIN' });
        await new Worker(e.ctx).drain();
        assert.equal(sink.received.length, 2);
        const r2 = sink.received[1]!;
        assertCleanNotice(r2, [rec2.title]);
        assert.ok((r2.mail.text ?? '').includes(rec2.title) && htmlOf(r2).includes(rec2.title));
      } finally {
        await sink.close();
      }
    });

    test('nothing is queued when the causing transaction rolls back', async () => {
      const e = env();
      const rec = await addRecord(e.ctx);
      const patron = await makePatron(e.ctx, { email: 'rollback@example.org' });
      const before = await e.ctx.db.selectFrom('outbox').select('id').execute();
      await assert.rejects(
        e.ctx.db.transaction().execute(async (trx) => {
          await noticeHoldReady(
            e.ctx,
            trx,
            { patron_id: patron.id, bib_id: rec.id, pickup_branch: 'MAIN' },
            'ACDEF',
            new Date().toISOString(),
          );
          throw new Error('the check-in failed after the notice was queued');
        }),
        /check-in failed/,
      );
      assert.equal((await e.ctx.db.selectFrom('outbox').select('id').execute()).length, before.length);
      const jobs = await e.ctx.db
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', 'mail.send')
        .where('status', '=', 'queued')
        .execute();
      assert.equal(jobs.length, 0);
    });

    test('due soon and overdue: one message per patron listing the items, each once; renewal re-arms them', async () => {
      const e = env();
      const sink = await startSmtpSink(port);
      try {
        const patron = await makePatron(e.ctx, { email: 'due@example.org' });
        const quiet = await makePatron(e.ctx, { email: 'quiet@example.org' });
        await setChoice(e, quiet.id, { notice_email: 0 });
        const recs = [await addRecord(e.ctx), await addRecord(e.ctx)];
        const copies = [await addItem(e.ctx, recs[0]!.id), await addItem(e.ctx, recs[1]!.id)];
        const quietCopy = await addItem(e.ctx, recs[0]!.id);
        for (const c of copies)
          await checkOut(e.ctx, desk, { patronId: patron.id, barcode: c.barcode, branch: 'MAIN' });
        await checkOut(e.ctx, desk, { patronId: quiet.id, barcode: quietCopy.barcode, branch: 'MAIN' });
        const loan = await e.ctx.db
          .selectFrom('loans')
          .select('due_at')
          .where('patron_id', '=', patron.id)
          .executeTakeFirstOrThrow();
        const due = Date.parse(loan.due_at);

        assert.deepEqual(await sendDueNotices(e.ctx), { dueSoon: 0, overdue: 0 }, 'nothing due yet');
        e.clock.set(new Date(due - 2 * DAY).toISOString());
        assert.deepEqual(await sendDueNotices(e.ctx), { dueSoon: 1, overdue: 0 });
        assert.deepEqual(await sendDueNotices(e.ctx), { dueSoon: 0, overdue: 0 }, 'each loan once');
        e.clock.set(new Date(due + HOUR).toISOString());
        assert.deepEqual(await sendDueNotices(e.ctx), { dueSoon: 0, overdue: 1 });
        assert.deepEqual(await sendDueNotices(e.ctx), { dueSoon: 0, overdue: 0 });
        await new Worker(e.ctx).drain();
        assert.equal(sink.received.length, 2);
        assert.ok(
          sink.received.every((r) => r.rcptTo[0] === 'due@example.org'),
          'the patron who chose none gets none',
        );
        const [soon, late] = sink.received as [Received, Received];
        assert.match(soon.mail.subject ?? '', /2 items are due soon/);
        assert.match(late.mail.subject ?? '', /2 items are overdue/);
        for (const r of [soon, late]) {
          assertCleanNotice(
            r,
            recs.map((x) => x.title),
          );
          assert.equal(
            (r.mail.text ?? '').match(/^- due /gm)?.length,
            2,
            'both items listed, without titles',
          );
          assert.match(r.mail.text ?? '', /\/account\/loans/);
        }
      } finally {
        await sink.close();
      }
    });

    test('hold ended: staff cancelling and shelf expiry notify; the patron cancelling does not', async () => {
      const e = env();
      const sink = await startSmtpSink(port);
      try {
        const patron = await makePatron(e.ctx, { email: 'holds@example.org' });
        const [a, b, c] = [await addRecord(e.ctx), await addRecord(e.ctx), await addRecord(e.ctx)];
        for (const r of [a, b]) await addItem(e.ctx, r.id, { branch: 'EAST' });
        const ha = await placeHold(e.ctx, me(patron.id), {
          patronId: patron.id,
          bibId: a.id,
          pickupBranch: 'MAIN',
        });
        const hb = await placeHold(e.ctx, me(patron.id), {
          patronId: patron.id,
          bibId: b.id,
          pickupBranch: 'MAIN',
        });
        await cancelHold(e.ctx, me(patron.id), ha.holdId);
        await cancelHold(e.ctx, staff, hb.holdId);
        const copy = await addItem(e.ctx, c.id, { branch: 'MAIN' });
        await placeHold(e.ctx, me(patron.id), { patronId: patron.id, bibId: c.id, pickupBranch: 'MAIN' });
        await checkIn(e.ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
        e.clock.advance(30 * DAY);
        assert.ok((await expireShelfHolds(e.ctx)) >= 1);
        await new Worker(e.ctx).drain();
        const mine = sink.received.filter((r) => r.rcptTo[0] === 'holds@example.org');
        const kinds = mine.map((r) => r.mail.subject ?? '');
        assert.equal(kinds.length, 3, kinds.join(' | '));
        assert.match(kinds[0]!, /was cancelled/);
        assert.match(kinds[1]!, /ready/);
        assert.match(kinds[2]!, /has ended/);
        for (const r of mine) assertCleanNotice(r, [a.title, b.title, c.title]);
      } finally {
        await sink.close();
      }
    });

    test('a permanent refusal flags the address; no further notices go to it until it is corrected', async () => {
      const e = env();
      const sink = await startSmtpSink(port, {
        onRcptTo(address: SMTPServerAddress, _s: SMTPServerSession, cb: (err?: Error | null) => void) {
          if (address.address === 'gone@example.org')
            return cb(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
          cb();
        },
      });
      try {
        const patron = await makePatron(e.ctx, { email: 'gone@example.org' });
        const rec = await addRecord(e.ctx);
        const copy = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
        await placeHold(e.ctx, me(patron.id), { patronId: patron.id, bibId: rec.id, pickupBranch: 'MAIN' });
        await checkIn(e.ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
        await new Worker(e.ctx).drain();
        assert.equal(sink.received.filter((r) => r.rcptTo.includes('gone@example.org')).length, 0);
        const row = await e.ctx.db
          .selectFrom('patrons')
          .selectAll()
          .where('id', '=', patron.id)
          .executeTakeFirstOrThrow();
        assert.ok(row.email_undeliverable_at, 'flagged');
        const counts = await e.ctx.db
          .selectFrom('mail_counts')
          .selectAll()
          .where('kind', '=', 'hold-ready')
          .where('outcome', '=', 'rejected')
          .execute();
        assert.equal(counts.length, 1);

        const before = (await e.ctx.db.selectFrom('outbox').select('id').execute()).length;
        await cancelHold(
          e.ctx,
          staff,
          (
            await e.ctx.db
              .selectFrom('holds')
              .select('id')
              .where('patron_id', '=', patron.id)
              .executeTakeFirstOrThrow()
          ).id,
        );
        assert.equal(
          (await e.ctx.db.selectFrom('outbox').select('id').execute()).length,
          before,
          'nothing queued to a refused address',
        );
      } finally {
        await sink.close();
      }
    });
  },
  { env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_CA_FILE: certFile } },
);
