// The Fastify instance type every feature's routes are registered on (Zod type provider).
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PatronActor, StaffActor } from '../auth/actors.ts';
import type { SessionStore } from './sessions.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, or null (set by loadStaffSession for every request). */
    actor: StaffActor | null;
    /** The raw staff session token from the cookie, for sign-out and password changes. */
    staffToken: string | null;
    /** The signed-in patron, or null (set by the patron-session hook on patron pages). */
    patron: PatronActor | null;
  }
  interface FastifyInstance {
    /** Staff and patron sessions (src/http/sessions.ts), from the composition root. */
    sessions: SessionStore;
  }
  interface FastifyReply {
    /** The CSRF token for this page's forms (src/http/csrf.ts). */
    generateCsrf(): string;
  }
}
