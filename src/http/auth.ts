// Staff sessions at the HTTP edge: the cookie, loading the actor, and the guard staff routes use.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { Actor, StaffActor } from '../auth/actors.ts';
import type { SessionStore } from './sessions.ts';

export const STAFF_COOKIE = 'carrel_staff';

/** Cookie options (A4): HttpOnly, SameSite=Lax, Secure whenever the request came over TLS. */
export const staffCookieOptions = (request: FastifyRequest) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' }) as const;

export function loadStaffSession(ctx: AppContext, sessions: SessionStore): onRequestHookHandler {
  return (request, _reply, done) => {
    // Only the staff area and the staff API look at the cookie; public pages never touch a session
    // (and pay nothing for this hook).
    if (!request.url.startsWith('/staff') && !request.url.startsWith('/api/v1/staff')) return done();
    const token = request.cookies[STAFF_COOKIE];
    if (!token || token.length > 100) return done();
    sessions.authenticateStaff(ctx, token).then((actor) => {
      request.actor = actor;
      if (actor) request.staffToken = token;
      done();
    }, done);
  };
}

/**
 * Guards a staff page: sends a signed-out visitor to the sign-in page, a staff member who must
 * change a generated password to that form, and refuses anyone the permission check rejects.
 */
export function requireStaff(
  request: FastifyRequest,
  reply: FastifyReply,
  permitted: (a: Actor) => boolean = () => true,
): StaffActor | null {
  const actor = request.actor;
  if (!actor) {
    if (request.url.startsWith('/api/'))
      throw new UnauthenticatedError('Sign in to use this part of the API.');
    void reply.redirect('/staff/login', 303);
    return null;
  }
  if (actor.mustChangePassword && !request.url.startsWith('/staff/password')) {
    void reply.redirect('/staff/password', 303);
    return null;
  }
  if (!permitted(actor))
    throw new ForbiddenError('Your staff roles do not allow this page. Ask an administrator if you need it.');
  return actor;
}
