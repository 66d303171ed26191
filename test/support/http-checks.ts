// Checks and builders shared by the HTTP layer's tests (src/http/http.*.test.ts): the security
// headers every response carries (G5), cookies, HTML text, JSON requests and staff accounts.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createStaff } from '../../src/features/staff/staff.service.ts';
import type { Role } from '../../src/features/staff/roles.ts';
import type { TestEnv } from './env.ts';
import type { Browser } from './http.ts';

/** The password every staff account made by makeStaff has. */
export const PASSWORD = 'reading-room-lamp-1907';
let seq = 0;

/** A staff account with `roles` and a fresh user name; returns the user name. */
export async function makeStaff(env: TestEnv, roles: Role[]) {
  const username = `web${++seq}${roles[0]!.replace(/[^a-z]/g, '')}`;
  await createStaff(
    env.ctx,
    { kind: 'system' },
    { username, displayName: `Name ${username}`, roles, password: PASSWORD },
  );
  return username;
}

/** G5: the headers every response carries, whatever produced it. */
export function assertSecurityHeaders(res: LightMyRequestResponse, label: string): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  assert.ok(csp, `${label}: has a Content-Security-Policy`);
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
  assert.deepEqual(directives.get('default-src'), ["'self'"], `${label}: default-src 'self'`);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${label}: frame-ancestors 'none'`);
  for (const [name, sources] of directives) {
    for (const s of sources) {
      // First party only: 'self' or 'none' (and inline data: images); no hosts, schemes, wildcards or unsafe-*.
      assert.ok(
        s === "'self'" || s === "'none'" || (name === 'img-src' && s === 'data:'),
        `${label}: ${name} allows ${s}`,
      );
    }
  }
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `${label}: Referrer-Policy`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`);
}

/** The cookie `name` a response sets, if any. */
export const cookieNamed = (res: LightMyRequestResponse, name: string) =>
  res.cookies.find((c) => c.name === name);

/** HTML text with the entities the views write turned back into characters. */
export const decodeHtml = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A request with a JSON (or would-be JSON) body. */
export const jsonRequest = (browser: Browser, method: 'POST' | 'PUT', url: string, payload: string) =>
  browser.request(method, url, { payload, headers: { 'content-type': 'application/json' } });
