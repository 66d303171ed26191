// The session store the HTTP edge reads and writes: staff and patron sign-ins and the one-time
// messages kept in them. Declared here and implemented by the staff and patrons features; the
// composition root (src/app/root.ts) passes the implementation to buildApp, so shared code imports
// no feature (issue 13 part 1).
import type { PatronActor, StaffActor } from '../auth/actors.ts';
import type { AppContext } from '../context.ts';

export interface StaffSessionState {
  deskPatronId: string | null;
  flash: string | null;
}

export interface SessionStore {
  /** The staff member a session token belongs to, or null for an unknown or expired one. */
  authenticateStaff(ctx: AppContext, token: string): Promise<StaffActor | null>;
  readStaffState(ctx: AppContext, token: string): Promise<StaffSessionState>;
  writeStaffState(ctx: AppContext, token: string, state: Partial<StaffSessionState>): Promise<void>;
  /** The patron a session token belongs to, or null for an unknown or expired one. */
  authenticatePatron(ctx: AppContext, token: string): Promise<PatronActor | null>;
  readPatronFlash(ctx: AppContext, sessionId: string): Promise<string | null | undefined>;
  writePatronFlash(ctx: AppContext, sessionId: string, flash: string | null): Promise<void>;
}
