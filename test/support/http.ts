// In-process HTTP for tests: a tiny browser over app.inject that keeps cookies, fills CSRF
// tokens from the page's form, and signs staff in through the real sign-in form.
import { after, before } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app/root.ts';
import type { App } from '../../src/http/types.ts';
import { createStaff } from '../../src/features/staff/staff.service.ts';
import type { Role } from '../../src/features/staff/roles.ts';
import type { TestEnv } from './env.ts';

export async function createTestApp(env: TestEnv): Promise<App> {
  return buildApp(env.ctx);
}

export interface BrowserOptions {
  /** The client address the server sees (app.inject's remoteAddress; 127.0.0.1 when left out). */
  remoteAddress?: string;
}

/** The app for the enclosing suite: built before its tests, closed after them. */
export function useTestApp(env: () => TestEnv): () => App {
  let app: App | undefined;
  before(async () => {
    app = await createTestApp(env());
  });
  after(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('test app not ready');
    return app;
  };
}

export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly app: App,
    readonly headers: Record<string, string> = {},
    readonly options: BrowserOptions = {},
  ) {}

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0)
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD',
    url: string,
    opts: {
      form?: Record<string, string | string[]>;
      headers?: Record<string, string>;
      payload?: string | Buffer;
      remoteAddress?: string;
    } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...this.headers, ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload = opts.payload;
    if (opts.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form))
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      payload = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const remoteAddress = opts.remoteAddress ?? this.options.remoteAddress;
    const res = await this.app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      ...(remoteAddress ? { remoteAddress } : {}),
    });
    this.remember(res);
    return res;
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, headers ? { headers } : {});
  }

  /** Loads the page holding a form, takes its CSRF token, and submits the form. */
  async submit(
    pageUrl: string,
    action: string,
    form: Record<string, string | string[]>,
    headers?: Record<string, string>,
  ) {
    const page = await this.get(pageUrl, headers);
    const token = csrfTokenOf(page.body);
    return this.request('POST', action, { form: { _csrf: token, ...form }, ...(headers ? { headers } : {}) });
  }
}

export function csrfTokenOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return m[1];
}

let seq = 0;
/** Creates a staff member with a known password (no forced change) and signs them in. */
export async function signedInStaff(
  env: TestEnv,
  app: App,
  roles: Role[],
  headers?: Record<string, string>,
  options?: BrowserOptions,
) {
  const username = `t${++seq}${roles
    .join('')
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}${process.pid % 1000}`;
  const password = 'correct horse battery staple';
  await createStaff(
    env.ctx,
    { kind: 'system' },
    { username, displayName: `Test ${username}`, roles, password },
  );
  const browser = new Browser(app, headers, options);
  const res = await browser.submit('/staff/login', '/staff/login', { username, password });
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return { browser, username, password };
}
