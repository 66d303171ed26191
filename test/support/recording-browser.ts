// A test browser that follows redirects like a real one and remembers every URL it met: each URL
// it requested, each Location header and each href/action/src on each HTML page. `urlLeaks` then
// says which of them carry personal data or a message (issue 12 items 1 and 2; STYLE "URLs carry
// no personal data").
import type { LightMyRequestResponse } from 'fastify';
import type { Browser } from './http.ts';

export interface SeenUrl {
  url: string;
  where: string;
}

export class RecordingBrowser {
  readonly urls: SeenUrl[] = [];
  page = '';
  status = 0;
  private csrf = '';
  constructor(readonly browser: Browser) {}

  private record(res: LightMyRequestResponse, from: string) {
    const location = res.headers.location;
    if (typeof location === 'string') this.urls.push({ url: location, where: `Location from ${from}` });
    if (String(res.headers['content-type'] ?? '').startsWith('text/html'))
      for (const m of res.body.matchAll(/\b(?:href|action|src)="([^"]*)"/g))
        this.urls.push({ url: m[1]!.replace(/&amp;/g, '&'), where: `link on ${from}` });
  }

  /** Requests like a browser: follows 3xx answers with a GET, keeps the last page's HTML. */
  async go(method: 'GET' | 'POST', url: string, form?: Record<string, string | string[]>) {
    let res = await this.browser.request(method, url, form ? { form: { _csrf: this.token(), ...form } } : {});
    this.urls.push({ url, where: `${method} request` });
    this.record(res, `${method} ${url}`);
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops++) {
      const next = String(res.headers.location);
      res = await this.browser.request('GET', next);
      this.urls.push({ url: next, where: 'GET after a redirect' });
      this.record(res, `GET ${next}`);
    }
    this.status = res.statusCode;
    if (String(res.headers['content-type'] ?? '').startsWith('text/html')) {
      this.page = res.body;
      const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
      if (token) this.csrf = token;
    }
    return res;
  }

  /** Sends JSON like an API client (with the form token of the last page), recording Location. */
  async json(method: 'GET' | 'POST', url: string, body?: unknown) {
    const res = await this.browser.request(method, url, {
      headers: {
        'csrf-token': this.token(),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
    this.urls.push({ url, where: `${method} request` });
    this.record(res, `${method} ${url}`);
    return res;
  }

  /** The form token of the last page that had a form (an error page may have none). */
  token(): string {
    return this.csrf;
  }
}

/** Query parameters that would carry a message, a card number or a name. */
const forbiddenParams = ['notice', 'message', 'error', 'flash', 'card', 'cardNumber', 'name', 'email'];

/**
 * The URLs that carry one of `secrets` (card numbers, names, e-mail addresses, titles), free text
 * or a message parameter, or a patron id from `patronIds` together with a word of `titles`.
 */
export function urlLeaks(
  seen: readonly SeenUrl[],
  opts: { secrets: readonly string[]; patronIds?: readonly string[]; titles?: readonly string[] },
): string[] {
  const leaks: string[] = [];
  for (const { url, where } of seen) {
    let decoded = url;
    try {
      decoded = decodeURIComponent(url.replace(/\+/g, ' '));
    } catch {
      // A URL that does not decode is checked as it is.
    }
    const lower = decoded.toLowerCase();
    for (const s of opts.secrets)
      if (lower.includes(s.toLowerCase())) leaks.push(`${where}: ${url} carries ${s}`);
    if (/[^\s@/?&=]+@[^\s@/?&=]+\.[a-z]{2,}/i.test(decoded) && !decoded.startsWith('mailto:'))
      leaks.push(`${where}: ${url} carries an e-mail address`);
    for (const [k, v] of new URL(decoded, 'http://x').searchParams)
      if (forbiddenParams.includes(k) || /\s/.test(v))
        leaks.push(`${where}: ${url} carries a message or free text in ?${k}=`);
    if (
      (opts.patronIds ?? []).some((id) => decoded.includes(id)) &&
      (opts.titles ?? []).some((t) => lower.includes(t.toLowerCase()))
    )
      leaks.push(`${where}: ${url} carries a patron id with a title`);
  }
  return [...new Set(leaks)];
}
