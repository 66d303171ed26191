// Kysely row types for staff accounts, their roles, their sessions and login throttling.
import type { Generated } from 'kysely';
export interface StaffTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  is_disabled: number;
  must_change_password: number;
  /** 1 for an administrator who is the library's director (decides emergency requests, L2). */
  is_director: Generated<number>;
  created_at: string;
  updated_at: string;
  password_changed_at: string;
}

export interface StaffRoleTable {
  staff_id: string;
  role: string;
}

export interface StaffSessionTable {
  /** Time-ordered id, the first part of the cookie (so expired sessions purge in index order). */
  id: string;
  /** SHA-256 of the cookie's secret part: a stolen database does not yield usable sessions. */
  secret_hash: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  /** The earlier of idle expiry and absolute expiry, moved forward on activity. */
  expires_at: string;
  absolute_expires_at: string;
  /** The patron open at the circulation desk in this session; kept here so no URL carries it. */
  desk_patron_id: string | null;
  /** The one message to show after the next redirect, as JSON (http/flash.ts); never from a URL. */
  flash: string | null;
}

export interface LoginThrottleTable {
  /** HMAC of "kind:value" (a username or a client address); the raw value is never stored. */
  key: string;
  /** Which kind of counter, e.g. "patron-account" or "staff-pair"; never whose (issue 12 item 7). */
  kind: string;
  failures: number;
  last_failure_at: string;
  blocked_until: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    staff: StaffTable;
    staff_roles: StaffRoleTable;
    staff_sessions: StaffSessionTable;
    login_throttle: LoginThrottleTable;
  }
}
