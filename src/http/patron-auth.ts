// Patron sessions at the HTTP edge: the `carrel_patron` cookie, the hook that loads the signed-in
// patron on account pages, and the guard every patron page and API route calls (A4).
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { PatronActor } from '../auth/actors.ts';
import type { SessionStore } from './sessions.ts';

export const PATRON_COOKIE = 'carrel_patron';

/** Cookie options (A4): HttpOnly, SameSite=Lax, Secure whenever the request came over TLS; a session cookie. */
export const patronCookieOptions = (request: FastifyRequest) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' }) as const;

/** Whether a URL belongs to the patron's own area, the only place the patron cookie is read. */
export const isPatronArea = (url: string): boolean =>
  url === '/account' ||
  url.startsWith('/account/') ||
  url.startsWith('/account?') ||
  url.startsWith('/account.') ||
  url === '/api/v1/account' ||
  url.startsWith('/api/v1/account/') ||
  url.startsWith('/api/v1/account?');

export function loadPatronSession(ctx: AppContext, sessions: SessionStore): onRequestHookHandler {
  return (request, _reply, done) => {
    // Public pages and the catalog never touch a session (W1) and pay nothing for this hook.
    if (!isPatronArea(request.url)) return done();
    const token = request.cookies[PATRON_COOKIE];
    if (!token || token.length > 200) return done();
    sessions.authenticatePatron(ctx, token).then((patron) => {
      request.patron = patron;
      done();
    }, done);
  };
}

/** A path to come back to after signing in: only one inside the patron's area, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' &&
    /^\/account(\/[A-Za-z0-9/_.-]*)?(\?[A-Za-z0-9=&_.%-]*)?$/.test(next) &&
    !next.includes('..') &&
    !next.includes('//')
    ? next
    : '/account';
}

/**
 * Guards a patron page: a signed-out visitor goes to /account/login?next=<this path>; a patron
 * holding a staff-issued one-time PIN goes to /account/pin until a new PIN is chosen. API routes
 * get 401/403 answers instead of redirects. Returns the patron, or null when the reply is sent.
 */
export function requirePatron(request: FastifyRequest, reply: FastifyReply): PatronActor | null {
  const patron = request.patron;
  const api = request.url.startsWith('/api/');
  if (!patron) {
    if (api)
      throw new UnauthenticatedError('Sign in with your card number and PIN to use this part of the API.');
    void reply.redirect(`/account/login?next=${encodeURIComponent(safeNext(request.url))}`, 303);
    return null;
  }
  if (
    patron.mustChangePin &&
    !request.url.startsWith('/account/pin') &&
    !request.url.startsWith('/account/logout')
  ) {
    if (api) throw new ForbiddenError('Choose a new PIN at /account/pin before using your account.');
    void reply.redirect('/account/pin', 303);
    return null;
  }
  return patron;
}
