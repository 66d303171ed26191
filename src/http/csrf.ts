// Cross-site request forgery protection that needs no cookie for visitors (issue 12 items 4 and 11;
// W1, A4). A signed-in staff member's or patron's token is an HMAC of their session token, so it is
// worth nothing with anyone else's session and changes at every sign-in. A visitor's forms (sign-in,
// Ask a Librarian, PIN reset) carry a signed token that expires after two days and needs no
// cookie. On top of the token, unsafe requests a browser marks as coming from another site
// (Sec-Fetch-Site, Origin) are refused before their body is read.
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { PATRON_COOKIE } from './patron-auth.ts';

/**
 * How long a visitor's form stays valid: longer than Ask a Librarian's own one-day window, so that
 * form's kinder "expired, here is what you typed" answer speaks first. A visitor's token is bound
 * to nobody (anyone can fetch one); what stops a forged cross-site sign-in is the Origin and
 * Sec-Fetch-Site check below.
 */
export const ANONYMOUS_TOKEN_HOURS = 48;
const anonymousTtlMs = ANONYMOUS_TOKEN_HOURS * 60 * 60 * 1000;

/** Where API clients may send the token instead of the `_csrf` form field. */
const tokenHeaders = ['csrf-token', 'x-csrf-token', 'xsrf-token', 'x-xsrf-token'] as const;

export class CsrfError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'csrf';
  constructor() {
    super('This form has expired or was not sent from this site. Go back, reload the page and try again.');
  }
}

export class CrossSiteError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'cross_site';
  constructor() {
    super(
      'This was sent from another site, so it was not accepted. Open the page on this site and send it again.',
    );
  }
}

const mac = (ctx: AppContext, purpose: string, value: string): string => {
  const key = crypto.createHmac('sha256', ctx.config.secret).update('carrel csrf v1').digest();
  return crypto.createHmac('sha256', key).update(`${purpose}\0${value}`).digest('base64url');
};

/** The session a request carries ("staff:…"/"patron:…"), or null for a visitor. */
function sessionOf(request: FastifyRequest): string | null {
  if (request.actor && request.staffToken) return `staff:${request.staffToken}`;
  const patronToken = request.patron ? request.cookies[PATRON_COOKIE] : undefined;
  return patronToken ? `patron:${patronToken}` : null;
}

/** The token to put in the forms of this request's page. */
export function csrfTokenFor(ctx: AppContext, request: FastifyRequest): string {
  const session = sessionOf(request);
  if (session) return `s1.${mac(ctx, 'session', session)}`;
  const expires = (ctx.clock.now().getTime() + anonymousTtlMs).toString(36);
  const nonce = crypto.randomBytes(12).toString('base64url');
  return `a1.${expires}.${nonce}.${mac(ctx, 'anonymous', `${expires}.${nonce}`)}`;
}

/**
 * Constant-time equality. Lengths are compared in bytes: timingSafeEqual throws on buffers of
 * different byte lengths, and a token as long as the right one but not ASCII ("…é") must get the
 * same 403 as any other wrong token, not a server error.
 */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function isValid(ctx: AppContext, request: FastifyRequest, token: string): boolean {
  if (token.length > 200) return false;
  const session = sessionOf(request);
  // A signed-in person's request takes only their own session's token: a visitor's token from
  // before sign-in, or a token from another session, is refused.
  if (session) return sameText(token, `s1.${mac(ctx, 'session', session)}`);
  const [version, expires = '', nonce = '', signature = ''] = token.split('.');
  if (version !== 'a1' || !sameText(signature, mac(ctx, 'anonymous', `${expires}.${nonce}`))) return false;
  const left = parseInt(expires, 36) - ctx.clock.now().getTime();
  return left > 0 && left <= anonymousTtlMs;
}

/** The token a request carries: the `_csrf` form field or one of the token headers. */
export function tokenOf(request: FastifyRequest, form?: Record<string, unknown>): string | undefined {
  const field = (form ?? (request.body as Record<string, unknown> | null | undefined))?._csrf;
  if (typeof field === 'string') return field;
  for (const name of tokenHeaders) {
    const v = request.headers[name];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Throws CsrfError unless the token belongs to this request's session (or is a valid visitor's). */
export function checkCsrfToken(ctx: AppContext, request: FastifyRequest, token: string | undefined): void {
  if (typeof token !== 'string' || !isValid(ctx, request, token)) throw new CsrfError();
}

/**
 * Throws CrossSiteError when the browser says the request comes from another site. Clients that
 * send neither header (scripts, mail programs, old browsers) still need the token.
 */
export function checkSameOrigin(ctx: AppContext, request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new CrossSiteError();
  const origin = request.headers.origin;
  // Browsers send "Origin: null" for a same-site form post under Referrer-Policy: no-referrer,
  // which every Carrel page sets (G5); Sec-Fetch-Site above is what tells them apart then.
  if (origin === undefined || origin === 'null') return;
  if (origin !== ctx.config.publicUrl.origin && origin !== `${request.protocol}://${request.host}`)
    throw new CrossSiteError();
}
