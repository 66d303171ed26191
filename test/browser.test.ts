// Pages as people meet them: in a real browser (Debian's Chromium, driven by playwright-core) with
// JavaScript switched off, checked by axe-core against WCAG 2.2 A and AA rules, on a phone-sized and
// a desktop-sized screen. Skips with a message where no Chromium is installed; CI installs it and
// sets CARREL_REQUIRE_BROWSER=1 so that there it cannot be skipped.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, axeViolations, browserSkip, launchChromium } from './support/browser.ts';
import { ACCOUNT_RULE, accountKey, reserveAttempt } from '../src/auth/throttle.ts';
import type { App } from '../src/http/types.ts';
import { createStaff } from '../src/features/staff/staff.service.ts';
import { createTestEnv, type TestEnv } from './support/env.ts';
import { createTestApp } from './support/http.ts';

describe('pages in a real browser, without JavaScript (WCAG 2.2 AA, W1)', { skip: browserSkip }, () => {
  let env: TestEnv;
  let app: App;
  let browser: Browser;
  let base = '';

  before(async () => {
    env = await createTestEnv('sqlite');
    app = await createTestApp(env);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await createStaff(
      env.ctx,
      { kind: 'system' },
      {
        username: 'axe-admin',
        displayName: 'Axe Admin',
        roles: ['admin'],
        password: 'correct horse battery staple',
      },
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await env?.cleanup();
  });

  const publicPages = ['/', '/contact', '/privacy', '/no-such-page'];

  for (const [label, viewport] of [
    ['phone', { width: 320, height: 640 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    test(`public pages on a ${label} screen have no WCAG violations and fit the screen`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        for (const path of publicPages) {
          const res = await page.goto(base + path);
          assert.ok(res, path);
          assert.deepEqual(await axeViolations(page), [], `${path} on ${label}`);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px on ${label}`);
        }
        assert.deepEqual(await context.cookies(), [], 'reading the public pages set no cookie');
        // The staff sign-in page is checked too; its form needs a CSRF cookie, so it comes last.
        await page.goto(`${base}/staff/login`);
        assert.deepEqual(await axeViolations(page), [], `/staff/login on ${label}`);
      } finally {
        await context.close();
      }
    });
  }

  async function signIn(page: Page, password = 'correct horse battery staple') {
    await page.goto(`${base}/staff/login`);
    await page.fill('#username', 'axe-admin');
    await page.fill('#password', password);
    await page.click('main button[type=submit]');
  }

  test('every staff page, with and without form errors, passes axe', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const page = await context.newPage();
    try {
      await signIn(page, 'wrong password here');
      assert.deepEqual(await axeViolations(page), [], 'sign-in page with errors');
      await signIn(page);
      for (const path of [
        '/staff',
        '/staff/admin/staff',
        '/staff/admin/staff/new',
        '/staff/admin/purge',
        '/staff/admin/jobs',
        '/staff/password',
      ]) {
        await page.goto(base + path);
        assert.deepEqual(await axeViolations(page), [], path);
      }
      await page.goto(`${base}/staff/admin/staff/new`);
      await page.click('main button[type=submit]');
      assert.match((await page.textContent('.error-summary')) ?? '', /Please correct the marked fields/);
      assert.deepEqual(await axeViolations(page), [], 'new-staff form showing errors');
    } finally {
      await context.close();
    }
  });

  test('the failed sign-ins alert and its page fit a 390 px and a 1280 px screen (issue 12 item 7)', async () => {
    // Counters as a distributed attack leaves them: a patron card at the alert level, a staff
    // account with its allowance full.
    const { db, database, config } = env.ctx;
    for (let i = 0; i < ACCOUNT_RULE.alertAt; i++)
      await reserveAttempt(
        db,
        database.ops,
        [accountKey(config.secret, 'patron', '21234500000017')],
        env.clock.now(),
      );
    for (let i = 0; i < ACCOUNT_RULE.capacity; i++)
      await reserveAttempt(
        db,
        database.ops,
        [accountKey(config.secret, 'staff', 'someone')],
        env.clock.now(),
      );
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      try {
        await signIn(page);
        await page.goto(`${base}/staff`);
        assert.match(
          (await page.textContent('.notice.warning')) ?? '',
          /1 patron account and 1 staff account are taking failed sign-ins/,
        );
        await assertAccessible(page, `/staff with the alert at ${width} px`);
        await page.click('text=What this means and when to act');
        assert.equal(new URL(page.url()).pathname, '/staff/admin/sign-ins');
        await assertAccessible(page, `/staff/admin/sign-ins at ${width} px`);
      } finally {
        await context.close();
      }
    }
  });

  test('with JavaScript off, a staff member signs in, runs the purge and signs out', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 320, height: 640 },
    });
    const page = await context.newPage();
    try {
      await signIn(page, 'wrong password here');
      assert.match((await page.textContent('.error-summary')) ?? '', /Wrong user name or password/);
      assert.equal(await page.inputValue('#username'), 'axe-admin', 'the typed user name is kept');
      assert.equal(await page.inputValue('#password'), '', 'the password is not sent back');
      await signIn(page);
      assert.equal(new URL(page.url()).pathname, '/staff');
      await page.goto(`${base}/staff/admin/purge`);
      await page.click('text=Run the purge now');
      assert.match((await page.textContent('.notice')) ?? '', /A purge has been queued/);
      await page.click('text=Sign out');
      assert.equal(new URL(page.url()).pathname, '/staff/login');
      await page.goto(`${base}/staff`);
      assert.equal(new URL(page.url()).pathname, '/staff/login', 'signed out for real');
    } finally {
      await context.close();
    }
  });
});
