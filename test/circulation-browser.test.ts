// The catalog, the circulation desk, the hold shelf, statistics and the patron's loan, hold and
// history pages in a real browser (Debian's Chromium via playwright-core), on the demo data that
// `npm start` loads: each page passes axe-core (WCAG 2.2 A/AA) on a phone and a desktop screen, and
// the desk and a patron's hold work with JavaScript switched off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seedDemo, type DemoSeed } from '../src/demo/seed.ts';
import { createStaff } from '../src/features/staff/staff.service.ts';
import {
  assertAccessible,
  axeViolations,
  browserSkip,
  launchChromium,
  serveTestApp,
  signInPatron,
  signInStaff,
  type ServedApp,
} from './support/browser.ts';

describe('catalog, desk and patron pages in a real browser', { skip: browserSkip }, () => {
  let served: ServedApp;
  let browser: Browser;
  let demo: DemoSeed;
  let recordId = '';

  before(async () => {
    served = await serveTestApp();
    demo = await seedDemo(served.env.ctx);
    await createStaff(
      served.env.ctx,
      { kind: 'system' },
      {
        username: 'axe-desk',
        displayName: 'Axe Desk',
        roles: ['admin'],
        password: 'correct horse battery staple',
      },
    );
    recordId = (
      await served.env.ctx.db.selectFrom('bib_records').select('id').limit(1).executeTakeFirstOrThrow()
    ).id;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  const staffSignIn = (page: Page) =>
    signInStaff(page, served.base, 'axe-desk', 'correct horse battery staple');
  const patronSignIn = (page: Page, i: number) =>
    signInPatron(page, served.base, demo.patrons[i]!.cardNumber, demo.patrons[i]!.pin);
  const check = async (page: Page, path: string, label: string) => {
    const res = await page.goto(served.base + path);
    assert.ok(res && res.status() < 400, `${path}: ${res?.status()}`);
    await assertAccessible(page, `${path} on ${label}`);
  };

  for (const [label, viewport] of [
    ['phone', { width: 320, height: 640 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    test(`catalog and patron pages pass axe on a ${label} screen`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        for (const path of [
          '/catalog',
          '/catalog?q=verne',
          '/catalog?q=zzzznothing',
          `/catalog/record/${recordId}`,
        ])
          await check(page, path, label);
        assert.deepEqual(await context.cookies(), [], 'the catalog sets no cookie (W1)');
        await patronSignIn(page, 0);
        for (const path of [
          '/account/loans',
          '/account/holds',
          '/account/history',
          `/account/holds/new?record=${recordId}`,
        ])
          await check(page, path, label);
      } finally {
        await context.close();
      }
    });
  }

  test('desk, hold shelf and statistics pass axe, with and without errors', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const page = await context.newPage();
    try {
      await staffSignIn(page);
      for (const path of [
        '/staff',
        '/staff/desk',
        '/staff/desk?branch=MAIN',
        '/staff/holds?branch=MAIN',
        '/staff/circulation/stats',
      ])
        await check(page, path, 'desktop');
      // A patron is opened by a posted card number; the address keeps only the branch (issue 12 item 1).
      await page.goto(`${served.base}/staff/desk?branch=MAIN`);
      await page.fill('#card', demo.patrons[0]!.cardNumber);
      await page.click('form[action="/staff/desk/patron"] button[type=submit]');
      assert.equal(new URL(page.url()).search, '?branch=MAIN');
      assert.deepEqual(await axeViolations(page), [], 'desk with a patron open');
      // A refused check-out shows the error summary.
      await page.fill('#barcode', 'NO-SUCH-BARCODE');
      await page.click('form[action="/staff/desk/checkout"] button[type=submit]');
      assert.match((await page.textContent('.error-summary')) ?? '', /No item has the barcode/);
      assert.deepEqual(await axeViolations(page), [], 'desk with a check-out error');
    } finally {
      await context.close();
    }
  });

  test('with JavaScript off, a patron places a hold from the record page and the desk checks in a copy', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 320, height: 640 },
    });
    const page = await context.newPage();
    try {
      await page.goto(`${served.base}/catalog/record/${recordId}`);
      await page.click('text=Place a hold');
      assert.equal(new URL(page.url()).pathname, '/account/login', 'signed-out patrons sign in first');
      await page.fill('#cardNumber', demo.patrons[1]!.cardNumber);
      await page.fill('#pin', demo.patrons[1]!.pin);
      await page.click('main button[type=submit]');
      assert.equal(new URL(page.url()).pathname, '/account/holds/new', 'and come back to the hold form');
      await page.click('main button[type=submit]');
      assert.match((await page.textContent('.notice')) ?? '', /Your hold is placed/);

      await staffSignIn(page);
      await page.goto(`${served.base}/staff/desk?branch=MAIN`);
      const copy = await served.env.ctx.db
        .selectFrom('items')
        .select('barcode')
        .where('bib_id', '=', recordId)
        .where('status', '=', 'available')
        .executeTakeFirst();
      if (copy) {
        await page.fill('#checkin_barcode', copy.barcode);
        await page.click('form[action="/staff/desk/checkin"] button[type=submit]');
        assert.match((await page.textContent('main')) ?? '', /is checked in/);
      }
    } finally {
      await context.close();
    }
  });
});
