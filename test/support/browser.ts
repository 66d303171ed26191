// Shared pieces of the browser tests: Debian's Chromium through playwright-core, axe-core run
// through the DevTools protocol (the pages' CSP forbids inline scripts), and a served test app.
// Suites skip with a message where no Chromium is installed; CI sets CARREL_REQUIRE_BROWSER=1 so
// that there they cannot be skipped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { App } from '../../src/http/types.ts';
import { createTestEnv, type TestEnv } from './env.ts';
import { createTestApp } from './http.ts';

const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

/** The `skip` option for a browser suite: a reason where Chromium is missing and not required. */
export const browserSkip: string | false =
  !executablePath && process.env.CARREL_REQUIRE_BROWSER !== '1'
    ? 'Chromium is not installed (apt-get install chromium); browser checks skipped'
    : false;

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** WCAG 2.2 A and AA violations axe-core finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluation needs JavaScript on in the browser; the pages themselves carry no script, so what
  // axe sees is what a no-JavaScript browser shows.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const res = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

/** Fails on any axe (WCAG 2.2 A/AA) violation, or when the page scrolls sideways (320 px phones). */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], what);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

/** Signs a staff member in through the real form. */
export async function signInStaff(
  page: Page,
  base: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${base}/staff/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('main button[type=submit]');
}

/** Signs a patron in with card and PIN through the real form. */
export async function signInPatron(page: Page, base: string, cardNumber: string, pin: string): Promise<void> {
  await page.goto(`${base}/account/login`);
  await page.fill('#cardNumber', cardNumber);
  await page.fill('#pin', pin);
  await page.click('main button[type=submit]');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: executablePath ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ServedApp {
  env: TestEnv;
  app: App;
  base: string;
  close(): Promise<void>;
}

/** A fresh SQLite environment with the app listening on a loopback port. */
export async function serveTestApp(): Promise<ServedApp> {
  const env = await createTestEnv('sqlite');
  const app = await createTestApp(env);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    env,
    app,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    async close() {
      await app.close();
      await env.cleanup();
    },
  };
}
