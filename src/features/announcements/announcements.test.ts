// Announcements on both databases, through the staff pages and a real SMTP server on loopback
// (issue 4, N1): only subscribers receive one, each exactly once, with List-Unsubscribe and
// one-click unsubscribe (RFC 8058) and a visible link that works without signing in; the content
// rule refuses outside links; an SMTP outage delays messages without losing or doubling any.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOUR } from '../../clock.ts';
import { Worker } from '../../jobs/worker.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { Browser, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { freePort } from '../../../test/support/net.ts';
import { makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { startSmtpSink, testCertificate, type Received } from '../../../test/support/smtp.ts';
import { disallowedHosts, linkedHosts, verifyUnsubscribeToken } from './announcement-content.tsx';

const port = await freePort();
const { certFile } = testCertificate();

async function subscriber(env: TestEnv, email: string, subscribed = true) {
  const p = await makePatron(env.ctx, { email });
  if (subscribed)
    await env.ctx.db
      .updateTable('patrons')
      .set({ announcements_consent_at: env.clock.now().toISOString() })
      .where('id', '=', p.id)
      .execute();
  return p;
}

const idFrom = (location: string | undefined) =>
  /\/staff\/announcements\/([0-9a-f-]{36})/.exec(location ?? '')?.[1] ?? '';
/** A raw header line (mailparser turns List-* headers into objects). */
const headerLine = (r: Received, key: string) => r.mail.headerLines.find((h) => h.key === key)?.line ?? '';
const unsubscribeUrlOf = (r: Received) => /<([^>]+)>/.exec(headerLine(r, 'list-unsubscribe'))?.[1] ?? '';

test('the content rule finds links to outside hosts, and only those', () => {
  const allowed = ['library.example', 'riverton.gov'];
  assert.deepEqual(
    linkedHosts(
      'See https://www.library.example/events?x=1 and www.shop-now.com, or sale.example.com. Mail us: a@b.com',
    ),
    ['www.library.example', 'www.shop-now.com', 'sale.example.com'],
  );
  assert.deepEqual(
    disallowedHosts('https://events.riverton.gov/park and http://library.example:8080/x', allowed),
    [],
  );
  assert.deepEqual(disallowedHosts('Visit https://library.example.evil.com/ now', allowed), [
    'library.example.evil.com',
  ]);
  assert.deepEqual(disallowedHosts('Open 9–5, e.g. on Monday. File: report.pdf', allowed), []);
});

describeEachDialect(
  'announcements',
  (env) => {
    const app = useTestApp(env);

    test('only the webmaster and administrators reach the pages', async () => {
      const { browser: desk } = await signedInStaff(env(), app(), ['circulation']);
      assert.equal((await desk.get('/staff/announcements')).statusCode, 403);
      const { browser: web } = await signedInStaff(env(), app(), ['webmaster']);
      assert.equal((await web.get('/staff/announcements')).statusCode, 200);
    });

    test('a link to an outside host is refused with a clear message, keeping what was typed', async () => {
      const { browser } = await signedInStaff(env(), app(), ['webmaster']);
      const body = 'Big sale at https://deals.shop.example.com/today — 50% off!';
      const res = await browser.submit('/staff/announcements/new', '/staff/announcements/new', {
        subject: 'Summer reading',
        body,
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /may link only to localhost/);
      assert.match(res.body, /deals\.shop\.example\.com/);
      assert.ok(res.body.includes('Summer reading') && res.body.includes('deals.shop.example.com/today'));
    });

    test('compose, preview, send: each subscriber receives it once with one-click unsubscribe; others none', async () => {
      const e = env();
      const sink = await startSmtpSink(port);
      try {
        const a = await subscriber(e, 'ann.one@example.org');
        await subscriber(e, 'ann.two@example.org');
        await subscriber(e, 'ann.notsubscribed@example.org', false);
        const gone = await subscriber(e, 'ann.gone@example.org');
        await e.ctx.db
          .updateTable('patrons')
          .set({ email_undeliverable_at: e.clock.now().toISOString() })
          .where('id', '=', gone.id)
          .execute();
        const { browser } = await signedInStaff(e, app(), ['webmaster']);
        const created = await browser.submit('/staff/announcements/new', '/staff/announcements/new', {
          subject: 'The library is closed on Monday',
          body: 'All branches are closed on Monday for staff training.\n\nDetails: http://localhost/hours',
        });
        assert.equal(created.statusCode, 303);
        const id = idFrom(created.headers.location as string);
        const page = await browser.get(`/staff/announcements/${id}`);
        assert.match(page.body, /List-Unsubscribe-Post/);
        assert.match(page.body, /All branches are closed on Monday/);
        const subscribers = Number(/Send to (\d+) subscribers/.exec(page.body)?.[1]);
        assert.ok(subscribers >= 2);

        const sent = await browser.submit(
          `/staff/announcements/${id}`,
          `/staff/announcements/${id}/send`,
          {},
        );
        assert.equal(sent.statusCode, 303);
        // Sending twice is refused: the announcement is no longer a draft.
        const again = await browser.submit(
          `/staff/announcements/${id}`,
          `/staff/announcements/${id}/send`,
          {},
        );
        assert.equal(again.statusCode, 409);
        await new Worker(e.ctx).drain();

        const mine = sink.received.filter((r) => r.mail.subject === 'The library is closed on Monday');
        const to = mine.map((r) => r.rcptTo[0]).sort();
        assert.equal(to.length, new Set(to).size, 'nobody twice');
        assert.ok(to.includes('ann.one@example.org') && to.includes('ann.two@example.org'));
        assert.ok(!to.includes('ann.notsubscribed@example.org'), 'no consent, no announcement (N1)');
        assert.ok(!to.includes('ann.gone@example.org'), 'a refused address is skipped');
        const row = await e.ctx.db
          .selectFrom('announcements')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'sent');
        assert.equal(row.sent, mine.length);
        assert.equal(row.recipients, mine.length);
        const left = await e.ctx.db.selectFrom('announcement_recipients').select('id').execute();
        assert.equal(left.length, 0, 'the recipient list is gone once sent');
        // What remains is a count per day and kind, which administrators can read (N3).
        const { browser: admin } = await signedInStaff(e, app(), ['admin']);
        const counts = await admin.get('/staff/admin/mail');
        assert.equal(counts.statusCode, 200);
        assert.match(
          counts.body,
          new RegExp(`<td>announcement</td><td>Accepted by the mail server</td><td>${mine.length}</td>`),
        );
        assert.ok(!counts.body.includes('ann.one@example.org'), 'no addresses');
        assert.equal((await browser.get('/staff/admin/mail')).statusCode, 403, 'not for the webmaster');

        const one = mine.find((r) => r.rcptTo[0] === 'ann.one@example.org')!;
        assert.match(
          headerLine(one, 'list-unsubscribe-post'),
          /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/i,
        );
        const url = unsubscribeUrlOf(one);
        assert.ok(url.startsWith(e.config.publicUrl.origin + '/unsubscribe/'));
        assert.ok((one.mail.text ?? '').includes(url), 'a visible unsubscribe link');
        assert.equal(verifyUnsubscribeToken(e.config.secret, url.split('/').pop()!), a.id);
        assert.ok(!/<img/i.test(String(one.mail.html)), 'no images');
        assert.match(String(one.mail.html), /href="http:\/\/localhost\/hours"/, 'links as written');
        assert.match(one.mail.messageId ?? '', new RegExp(`^<${id}\\.${a.id}@`));

        // RFC 8058 one-click: a POST with no cookie and no form token unsubscribes.
        const path = new URL(url).pathname;
        const click = await new Browser(app()).request('POST', path, {
          form: { 'List-Unsubscribe': 'One-Click' },
        });
        assert.equal(click.statusCode, 200);
        const after = await e.ctx.db
          .selectFrom('patrons')
          .select('announcements_consent_at')
          .where('id', '=', a.id)
          .executeTakeFirstOrThrow();
        assert.equal(after.announcements_consent_at, null);

        // The visible link: GET changes nothing and shows a button; tampering is refused.
        const two = mine.find((r) => r.rcptTo[0] === 'ann.two@example.org')!;
        const twoPath = new URL(unsubscribeUrlOf(two)).pathname;
        const visitor = new Browser(app());
        const confirm = await visitor.get(twoPath);
        assert.equal(confirm.statusCode, 200);
        assert.match(confirm.body, /<button type="submit">Unsubscribe<\/button>/);
        const done = await visitor.request('POST', twoPath, { form: {} });
        assert.equal(done.statusCode, 200);
        assert.match(done.body, /You are unsubscribed/);
        const tampered = await visitor.get(twoPath.slice(0, -2) + (twoPath.endsWith('AA') ? 'BB' : 'AA'));
        assert.equal(tampered.statusCode, 404);
        assert.equal((await visitor.request('POST', '/unsubscribe/nonsense', { form: {} })).statusCode, 404);
      } finally {
        await sink.close();
      }
    });

    test('an SMTP outage delays the announcement; when the server returns every message goes once', async () => {
      const e = env();
      await subscriber(e, 'outage.one@example.org');
      await subscriber(e, 'outage.two@example.org');
      const { browser } = await signedInStaff(e, app(), ['admin']);
      const created = await browser.submit('/staff/announcements/new', '/staff/announcements/new', {
        subject: 'Outage test announcement',
        body: 'Story time moves to Thursday.',
      });
      const id = idFrom(created.headers.location as string);
      await browser.submit(`/staff/announcements/${id}`, `/staff/announcements/${id}/send`, {});
      await new Worker(e.ctx).drain(); // no server listening: the job fails and waits to retry
      const waiting = await e.ctx.db
        .selectFrom('announcement_recipients')
        .select('id')
        .where('announcement_id', '=', id)
        .execute();
      assert.ok(waiting.length >= 2, 'nobody was crossed off');
      const sink = await startSmtpSink(port);
      try {
        e.clock.advance(HOUR);
        await new Worker(e.ctx).drain();
        const mine = sink.received
          .filter((r) => r.mail.subject === 'Outage test announcement')
          .map((r) => r.rcptTo[0]);
        assert.equal(mine.length, new Set(mine).size, 'nobody twice');
        assert.ok(mine.includes('outage.one@example.org') && mine.includes('outage.two@example.org'));
        const row = await e.ctx.db
          .selectFrom('announcements')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'sent');
      } finally {
        await sink.close();
      }
    });

    test('patrons subscribe on their own page (a dated, separate consent) and need an address for it', async () => {
      const e = env();
      const p = await makePatron(e.ctx, {});
      const b = new Browser(app());
      await b.submit('/account/login', '/account/login', { cardNumber: p.cardNumber, pin: TEST_PIN });
      const page = await b.get('/account/email');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /name="announcements" value="on" checked/);
      const refused = await b.submit('/account/email', '/account/email', {
        email: '',
        notices: 'email',
        announcements: 'on',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Announcements need an e-mail address/);
      const ok = await b.submit('/account/email', '/account/email', {
        email: 'subscribe.me@example.org',
        notices: 'none',
        titles: 'on',
        announcements: 'on',
      });
      assert.equal(ok.statusCode, 303);
      const row = await e.ctx.db
        .selectFrom('patrons')
        .selectAll()
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.email, 'subscribe.me@example.org');
      assert.equal(Number(row.notice_email), 0);
      assert.equal(Number(row.notice_titles), 1);
      assert.equal(row.announcements_consent_at, e.clock.now().toISOString());
    });
  },
  {
    env: {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      SMTP_CA_FILE: certFile,
      ANNOUNCEMENT_PER_MINUTE: '60000',
    },
  },
);
