// The staff catalog in a real browser (Debian's Chromium via playwright-core): a MARC file uploaded
// through the form with JavaScript off, the summary, record and copy pages, each checked by axe-core
// against WCAG 2.2 A and AA. Skips with a message where no Chromium is installed (CI installs it
// and sets CARREL_REQUIRE_BROWSER=1).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axeViolations, browserSkip, launchChromium } from './support/browser.ts';
import type { App } from '../src/http/types.ts';
import { createStaff } from '../src/features/staff/staff.service.ts';
import { createTestEnv, type TestEnv } from './support/env.ts';
import { createTestApp } from './support/http.ts';
import { book, iso2709 } from './support/marc.ts';

describe('staff catalog in a real browser', { skip: browserSkip }, () => {
  let env: TestEnv;
  let app: App;
  let browser: Browser;
  let base = '';
  let dir = '';

  before(async () => {
    env = await createTestEnv('sqlite');
    app = await createTestApp(env);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await createStaff(
      env.ctx,
      { kind: 'system' },
      {
        username: 'cat-admin',
        displayName: 'Cat Admin',
        roles: ['admin'],
        password: 'correct horse battery staple',
      },
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-catalog-browser-'));
    const bad = Buffer.from(iso2709(book('br-2', 'Broken')));
    bad.write('00009', 0, 'latin1');
    fs.writeFileSync(
      path.join(dir, 'upload.mrc'),
      Buffer.concat([
        iso2709(
          book('br-1', 'Die Leiden des jungen Werthers', [
            {
              tag: '852',
              ind: '  ',
              sub: [
                ['b', 'MAIN'],
                ['h', 'GER FIC GOE'],
                ['p', '30001000007001'],
              ],
            },
          ]),
        ),
        bad,
      ]),
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await env?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('upload with JavaScript off, then summary, list, record and copy forms pass axe', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1024, height: 800 },
    });
    const page = await context.newPage();
    const check = async (label: string) => {
      // axe needs script evaluation; a second, script-enabled context shows the same HTML.
      const html = await page.content();
      const probe = await browser.newContext();
      const p = await probe.newPage();
      // Same origin first, so the page's stylesheet (/assets/site.css) loads as it did.
      await p.goto(`${base}/contact`);
      await p.setContent(html, { waitUntil: 'load' });
      assert.deepEqual(await axeViolations(p), [], label);
      await probe.close();
    };
    try {
      await page.goto(`${base}/staff/login`);
      await page.fill('#username', 'cat-admin');
      await page.fill('#password', 'correct horse battery staple');
      await page.click('main button[type=submit]');
      await page.goto(`${base}/staff/catalog/import`);
      await check('import form');
      await page.click('main button[type=submit]');
      assert.match((await page.textContent('.error-summary')) ?? '', /Choose a MARC file to import/);
      await check('import form with errors');
      await page.setInputFiles('#file', path.join(dir, 'upload.mrc'));
      await page.check('input[name=items]');
      await page.click('main button[type=submit]');
      assert.match(
        (await page.textContent('.notice')) ?? '',
        /upload\.mrc: 2 records read, 1 new, 0 updated, 1\s+skipped/,
      );
      assert.match((await page.textContent('main table')) ?? '', /wrong record length/);
      await check('import summary');
      await page.goto(`${base}/staff/catalog?q=30001000007001`);
      await check('record list');
      await page.click('text=Die Leiden des jungen Werthers');
      assert.match((await page.textContent('main')) ?? '', /GER FIC GOE/);
      await check('record page');
      await page.click('text=Add a copy');
      await page.fill('#barcode', '30001000007001');
      await page.click('main button[type=submit]');
      assert.match((await page.textContent('.error-summary')) ?? '', /already on another copy/);
      assert.equal(await page.inputValue('#barcode'), '30001000007001');
      await check('add-copy form with errors');
      await page.fill('#barcode', '30001000007002');
      await page.selectOption('#branchCode', 'EAST');
      await page.click('main button[type=submit]');
      assert.match((await page.textContent('.notice')) ?? '', /The copy was added/);
      await page.click('text=30001000007002');
      await check('edit-copy form');
      await page.selectOption('#status', 'damaged');
      await page.click('main button[type=submit]');
      assert.match((await page.textContent('main table')) ?? '', /damaged/);
    } finally {
      await context.close();
    }
  });
});
