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
  /**
   * An administrator flagged as the library's director: decides emergency requests (L2). Set from
   * the account at sign-in and on every request; absent (as in actors made by hand) means not.
   */
  isDirector?: boolean;
}

/** An operator at the server's command line: already trusted with the whole installation. */
export interface SystemActor {
  kind: 'system';
}

/**
 * A self-check machine signed in over SIP2 with a SIP2 account (issue 14 item 8): it may check
 * out, check in, renew and place holds like the desk, but never override a loan rule and never use
 * a staff page.
 */
export interface Sip2Actor {
  kind: 'sip2';
  /** The sip2_accounts row id, written to the patron access log as who looked the patron up. */
  accountId: string;
}

export type Actor = StaffActor | SystemActor;

/** Who may work the circulation desk's services: staff, the system, or a SIP2 self-check machine. */
export type DeskActor = Actor | Sip2Actor;

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
