// The public computer pages and the staff statistics in a real browser (issue 14 items 4, 7):
// axe (WCAG 2.2 AA) and no sideways scrolling at 320 px and 1280 px (the pages ship no script), with the
// keyboard for the join form. Screenshots go to $PCS_SCREENSHOTS when set, to look at.
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
import { addRefusal, addStats, setWaitStats } from './pcs-queue.repository.ts';
import { startSession } from './pcs.service.ts';
import { makeCard, makeGroup } from './pcs.test-support.ts';

const shots = process.env.PCS_SCREENSHOTS;
const snap = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
};

describe('public computer pages in a real browser', { skip: browserSkip, timeout: 240_000 }, () => {
  let served: ServedApp;
  let browser: Browser;

  before(async () => {
    served = await serveTestApp();
    const { ctx, clock } = served.env;
    clock.set('2026-03-02T16:00:00.000Z');
    const internet = await makeGroup(ctx, 2, { name: 'Internet' });
    await makeGroup(ctx, 1, { name: 'Children', ticketPrefix: 'C' });
    for (const stationId of internet.stationIds) {
      const card = await makeCard(ctx);
      assert.ok((await startSession(ctx, { stationId, credentials: card.credentials })).ok);
    }
    for (const [hour, sessions, waits] of [
      [10, 14, 8],
      [11, 3, 0],
      [12, 22, 11],
    ] as const) {
      await addStats(ctx.db, {
        day: '2026-03-01',
        hour,
        branch: 'MAIN',
        group_id: internet.groupId,
        sessions,
        minutes_used: sessions * 41,
      });
      if (waits)
        await setWaitStats(ctx.db, {
          day: '2026-03-01',
          hour,
          branch: 'MAIN',
          group_id: internet.groupId,
          waits,
          median: 300,
          longest: 900,
        });
    }
    await addRefusal(ctx.db, {
      day: '2026-03-01',
      hour: 10,
      branch: 'MAIN',
      group_id: internet.groupId,
      reason: 'NO_TIME',
    });
    await createStaff(
      ctx,
      { kind: 'system' },
      {
        username: 'pcstats',
        displayName: 'PC Stats',
        roles: ['pc-staff'],
        password: 'correct horse battery staple',
      },
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  for (const width of [320, 1280]) {
    test(`join by keyboard, ticket, board and statistics pass axe at ${width} px`, async () => {
      const context = await browser.newContext({
        // JavaScript stays on only because axe runs in the page (it hangs without); the pages ship
        // no script, so they are the same with it off.
        viewport: { width, height: width === 320 ? 640 : 720 },
      });
      const page = await context.newPage();
      try {
        const base = served.base;
        await page.goto(`${base}/computers/MAIN`, { timeout: 10_000 });
        await assertAccessible(page, `join page ${width}`);
        await snap(page, `join-${width}`);
        // Keyboard only: the first radio is focused by Tab order after the links; type into the card fields.
        await page.focus('#cardNumber');
        await page.keyboard.type('123');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        await page.waitForLoadState();
        assert.match((await page.textContent('.error-summary')) ?? '', /correct the marked fields/);
        await assertAccessible(page, `join page with errors ${width}`);
        await snap(page, `join-errors-${width}`);
        await page.fill('#cardNumber', '');
        // The first group (Children) has a free computer: choose Internet, where both are busy, with the
        // arrow key as a keyboard user does in a radio group.
        await page.focus('input[type=radio]:checked');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.isChecked('input[type=radio] >> nth=1'), true);
        await page.focus('button[type=submit]');
        await page.keyboard.press('Enter');
        await page.waitForLoadState();
        assert.match((await page.textContent('.pc-ticket')) ?? '', /Your ticket: B-\d+/);
        await assertAccessible(page, `ticket ${width}`);
        await snap(page, `ticket-${width}`);
        // The ticket followed live and the wall board reloading: axe checks pages that reload only
        // when asked (WCAG 2.2.1), so the plain pages are checked here and the toggles over HTTP.
        await page.goto(`${base}/computers/MAIN/board`);
        await assertAccessible(page, `board ${width}`);
        await snap(page, `board-${width}`);
        await signInStaff(page, base, 'pcstats', 'correct horse battery staple');
        await page.goto(`${base}/staff/pcs/stats?from=2026-03-01&to=2026-03-01&by=hour`);
        assert.match((await page.textContent('main')) ?? '', /5 or fewer/);
        await assertAccessible(page, `statistics ${width}`);
        await snap(page, `stats-${width}`);
      } finally {
        await context.close();
      }
    });
  }
});
