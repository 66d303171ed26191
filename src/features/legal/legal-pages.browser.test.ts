// The intake page and the case pages in a real browser (issue 15 item 1; L1): axe (WCAG 2.2 AA) and
// no sideways scrolling at 320, 390 and 1280 px; the intake form filled and sent with the keyboard
// alone and JavaScript off (axe runs in the page, so its checks keep JavaScript on; the pages ship
// no script). Screenshots go to $LEGAL_SCREENSHOTS when set, to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible,
  browserSkip,
  launchChromium,
  serveTestApp,
  signInStaff,
  type ServedApp,
} from '../../../test/support/browser.ts';
import { createStaff } from '../staff/staff.service.ts';
import type { Role } from '../staff/roles.ts';

const shots = process.env.LEGAL_SCREENSHOTS;
const snap = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
};
const PASSWORD = 'correct horse battery staple';
const VISITOR = 'Detective Sergeant Hollis Verrinder';

describe('law-enforcement pages in a real browser', { skip: browserSkip, timeout: 240_000 }, () => {
  let served: ServedApp;
  let browser: Browser;

  before(async () => {
    served = await serveTestApp();
    const add = (username: string, roles: Role[]) =>
      createStaff(
        served.env.ctx,
        { kind: 'system' },
        { username, displayName: username, roles, password: PASSWORD },
      );
    await add('desk', ['circulation']);
    await add('officer', ['privacy-officer']);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  // 390 px (a common phone) only for the screenshots' sake; the keyboard run needs no third width.
  for (const width of [320, 390, 1280]) {
    const viewport = { width, height: width === 1280 ? 720 : 640 };

    if (width !== 390)
      test(`the desk records a visit with the keyboard, JavaScript off, at ${width} px`, async () => {
        const context = await browser.newContext({ viewport, javaScriptEnabled: false });
        const page = await context.newPage();
        try {
          await signInStaff(page, served.base, 'desk', PASSWORD);
          await page.goto(`${served.base}/staff`);
          await page.click('a[href="/staff/legal/new"]');
          await page.waitForURL('**/staff/legal/new');
          // The radio group: focus lands on the first choice; the arrow key picks the next (Subpoena).
          await page.focus('#instrument');
          await page.keyboard.press('ArrowDown');
          assert.equal(await page.isChecked('#instrument-1'), true);
          await page.keyboard.press('Tab');
          await page.keyboard.type(VISITOR);
          await page.keyboard.press('Tab');
          await page.keyboard.type('County Sheriff');
          await page.keyboard.press('Tab');
          await page.keyboard.type('Badge 5512');
          await page.keyboard.press('Tab');
          await page.keyboard.press('ArrowDown'); // from "Choose one" to "Photo ID seen"
          await page.keyboard.press('ArrowDown'); // "Badge seen"
          assert.equal(await page.inputValue('#idCheck'), 'badge');
          // The date and time keep their default (now); Tab passes through its parts to the request.
          for (let i = 0; i < 8 && (await page.locator('#request:focus').count()) === 0; i++)
            await page.keyboard.press('Tab');
          assert.equal(await page.locator('#request:focus').count(), 1, 'Tab reaches the request');
          await page.keyboard.type('The circulation history of a patron.');
          await page.keyboard.press('Tab'); // the file chooser (left empty)
          await page.keyboard.press('Tab');
          assert.equal(await page.locator('button[type=submit]:focus').count(), 1, 'Tab reaches the button');
          await page.keyboard.press('Enter');
          await page.waitForURL('**/staff/legal/recorded**');
          const main = (await page.textContent('main')) ?? '';
          assert.match(main, /The library’s privacy officer will respond/);
          assert.ok(!main.includes(VISITOR));
        } finally {
          await context.close();
        }
      });

    test(`intake, errors, after-saving and case pages pass axe at ${width} px`, async () => {
      // This test's case is the newest one, first on the list.
      served.env.clock.advance(60_000);
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        const base = served.base;
        await signInStaff(page, base, 'desk', PASSWORD);
        await page.goto(`${base}/staff`);
        await assertAccessible(page, `staff home ${width}`);
        await page.goto(`${base}/staff/legal/new`);
        await assertAccessible(page, `intake ${width}`);
        await snap(page, `legal-intake-${width}`);
        await page.fill('#visitorName', VISITOR);
        await page.click('main button[type=submit]');
        await page.waitForLoadState();
        assert.match((await page.textContent('.error-summary')) ?? '', /correct the marked fields/);
        assert.equal(await page.inputValue('#visitorName'), VISITOR, 'typed value kept');
        await assertAccessible(page, `intake with errors ${width}`);
        await snap(page, `legal-intake-errors-${width}`);
        await page.check('#instrument-2');
        await page.fill('#agency', 'State Police');
        await page.fill('#idShown', 'ID 88');
        await page.selectOption('#idCheck', 'photo-id');
        await page.fill('#request', 'Who used computer 4 on Monday.');
        await page.setInputFiles('#files', {
          name: 'order.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('%PDF-1.4 court order scan'),
        });
        await page.click('main button[type=submit]');
        await page.waitForURL('**/staff/legal/recorded**');
        await assertAccessible(page, `recorded ${width}`);
        await snap(page, `legal-recorded-${width}`);
        assert.equal(await page.locator('a[href^="/staff/legal/"]').count(), 0, 'no link to a case');
      } finally {
        await context.close();
      }
      // The privacy officer, in a browser of their own.
      const officer = await browser.newContext({ viewport });
      const page2 = await officer.newPage();
      try {
        const base = served.base;
        const page = page2;
        await signInStaff(page, base, 'officer', PASSWORD);
        await page.goto(`${base}/staff/legal`);
        await assertAccessible(page, `case list ${width}`);
        await snap(page, `legal-cases-${width}`);
        await page.click('main table a >> nth=0');
        await page.waitForURL(/\/staff\/legal\/[0-9a-f-]{36}$/);
        const text = (await page.textContent('main')) ?? '';
        assert.match(text, /Who used computer 4 on Monday\./);
        assert.match(text, /order\.pdf \(application\/pdf, 25 bytes\)/);
        await assertAccessible(page, `case ${width}`);
        await snap(page, `legal-case-${width}`);
      } finally {
        await officer.close();
      }
    });
  }
});
