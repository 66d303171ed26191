// E-mail pages in a real browser (Debian's Chromium via playwright-core): the patron's "E-mail and
// notices" page, the announcement pages, the unsubscribe page, the mail counts page and the Ask a
// Librarian pages pass axe-core (WCAG 2.2 A/AA) on a phone and a desktop screen, with and without
// form errors; and with JavaScript off a webmaster writes, previews and sends an announcement and a
// patron asks a question.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seedDemo, type DemoSeed } from '../src/demo/seed.ts';
import { unsubscribeToken } from '../src/features/announcements/announcement-content.tsx';
import { createStaff } from '../src/features/staff/staff.service.ts';
import { externalHref } from '../src/features/webstats/leave.ts';
import { Worker } from '../src/jobs/worker.ts';
import {
  assertAccessible,
  browserSkip,
  launchChromium,
  serveTestApp,
  signInPatron,
  signInStaff,
  type ServedApp,
} from './support/browser.ts';

describe('e-mail pages in a real browser', { skip: browserSkip }, () => {
  let served: ServedApp;
  let browser: Browser;
  let demo: DemoSeed;

  before(async () => {
    served = await serveTestApp();
    demo = await seedDemo(served.env.ctx);
    await createStaff(
      served.env.ctx,
      { kind: 'system' },
      {
        username: 'axe-mail',
        displayName: 'Axe Mail',
        roles: ['admin'],
        password: 'correct horse battery staple',
      },
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  const staffSignIn = (page: Page) =>
    signInStaff(page, served.base, 'axe-mail', 'correct horse battery staple');
  const patronSignIn = (page: Page, i: number) =>
    signInPatron(page, served.base, demo.patrons[i]!.cardNumber, demo.patrons[i]!.pin);
  const axe = assertAccessible;
  const check = async (page: Page, path: string, label: string) => {
    const res = await page.goto(served.base + path);
    assert.ok(res && res.status() < 400, `${path}: ${res?.status()}`);
    await axe(page, `${path} on ${label}`);
  };

  for (const [label, viewport] of [
    ['phone', { width: 320, height: 640 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    test(`patron, public and staff e-mail pages pass axe on a ${label} screen`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        await check(
          page,
          `/unsubscribe/${unsubscribeToken(served.env.config.secret, demo.patrons[0]!.id)}`,
          label,
        );
        await check(page, '/ask', label);
        await check(page, '/ask/faq', label);
        await patronSignIn(page, 0);
        await check(page, '/account/email', label);
        // With an error: announcements without an address.
        await page.fill('#email', '');
        await page.check('#announcements');
        await page.click('main button[type=submit]');
        assert.match(await page.content(), /Announcements need an e-mail address/);
        await axe(page, `/account/email with an error on ${label}`);

        await context.clearCookies();
        await staffSignIn(page);
        await check(page, '/staff/announcements', label);
        await check(page, '/staff/announcements/new', label);
        await page.fill('#subject', 'Holiday hours');
        await page.fill('#body', 'Visit https://shop.example.com for deals.');
        await page.click('main button[type=submit]');
        assert.match(await page.content(), /Remove or change: shop\.example\.com/);
        await axe(page, `announcement form with an error on ${label}`);
        await check(page, '/staff/admin/mail', label);
        await check(page, '/staff/reference', label);
        await check(page, '/staff/reference/stats', label);
        await check(page, '/staff/stats', label);
        await context.clearCookies();
        await check(page, externalHref(served.env.config, 'https://ebooks.example.net/title/42'), label);
      } finally {
        await context.close();
      }
    });
  }

  test('with JavaScript off, a webmaster writes, previews and sends an announcement to a subscriber', async () => {
    const ctx = served.env.ctx;
    const subscriber = demo.patrons[1]!;
    await ctx.db
      .updateTable('patrons')
      .set({ email: 'js.off@example.org', announcements_consent_at: new Date().toISOString() })
      .where('id', '=', subscriber.id)
      .execute();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await staffSignIn(page);
      await page.goto(`${served.base}/staff/announcements/new`);
      await page.fill('#subject', 'Story time moves to Thursday');
      await page.fill('#body', 'From next week, story time is on Thursdays at 10.\n\nSee you there!');
      await page.click('main button[type=submit]');
      assert.match(await page.content(), /Draft saved/);
      assert.match(await page.content(), /From next week, story time is on Thursdays at 10\./);
      await page.click('button:has-text("Send to")');
      assert.match(await page.content(), /Sending has started/);
      await new Worker(ctx).drain();
      await page.reload();
      assert.match(await page.content(), /<dt>Status<\/dt><dd>Sent<\/dd>/);
      const mail = await ctx.db
        .selectFrom('dev_mailbox')
        .selectAll()
        .where('recipient', '=', 'js.off@example.org')
        .executeTakeFirstOrThrow();
      assert.equal(mail.subject, 'Story time moves to Thursday');
      const link = /\/unsubscribe\/\S+/.exec(mail.text_body)![0];
      await context.clearCookies();
      await page.goto(served.base + link);
      await page.click('main button[type=submit]');
      assert.match(await page.content(), /You are unsubscribed/);
    } finally {
      await context.close();
    }
  });
});
