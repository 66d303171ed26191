// Who is acting: the staff member, the operator at the command line, or the signed-in patron.
// Shared code (the HTTP edge, the layout) needs these types, so they live here and not in a feature
// (issue 13 part 1); features/staff/staff.policy.ts and features/patrons/patron-actor.ts re-export.
import type { Role } from './roles.ts';

/** Someone acting in the staff interface. */
export interface StaffActor {
  kind: 'staff';
  id: string;
  username: string;
  displayName: string;
  roles: readonly Role[];
  mustChangePassword: boolean;
}

/** An operator at the server's command line: already trusted with the whole installation. */
export interface SystemActor {
  kind: 'system';
}

export type Actor = StaffActor | SystemActor;

/** The signed-in patron, as routes and services see it (set by the patron-session hook). */
export interface PatronActor {
  kind: 'patron';
  id: string;
  name: string;
  sessionId: string;
  /** The patron said "I am on a public computer" (A4): shorter idle time-out. */
  publicTerminal: boolean;
  /** Staff issued a one-time PIN: the patron must choose a new one before anything else. */
  mustChangePin: boolean;
}
