// Kysely row types for patron accounts, their sessions and the staff access log (A1–A6).
export interface PatronTable {
  id: string;
  card_number: string;
  name: string;
  home_branch: string;
  email: string | null;
  phone: string | null;
  /** An age band ("child", "teen", "adult") only when a loan rule needs one; never a birth date (A1). */
  age_band: string | null;
  /** argon2id hash of the PIN or passphrase (A2). */
  pin_hash: string;
  /** 1 after staff issued a one-time PIN: the patron must choose their own at next sign-in. */
  pin_must_change: number;
  card_expires_at: string;
  /** Why staff blocked the card; null when not blocked. */
  block_reason: string | null;
  blocked_at: string | null;
  /** Reading history opt-in (C3), off by default. */
  keep_history: number;
  /** Items currently out; kept by check-out/check-in so closing and lapsing need no loan query. */
  open_loans: number;
  created_at: string;
  updated_at: string;
  /** 1: service notices by e-mail (when an address is on file); 0: no notices (issue 4). */
  notice_email: number;
  /** 1 when the patron chose to see titles in notice bodies; never in subject lines (N2). */
  notice_titles: number;
  /** When the mail server refused this address for good; cleared when the address changes. */
  email_undeliverable_at: string | null;
  /** When the patron opted in to announcements (N1); null = not subscribed (the default). */
  announcements_consent_at: string | null;
}

export interface PatronSessionTable {
  /** Time-ordered id, the first part of the cookie. */
  id: string;
  /** SHA-256 of the cookie's secret part. */
  secret_hash: string;
  patron_id: string;
  /** 1 when the patron said "I am on a public computer": a much shorter idle timeout (A4). */
  is_public_terminal: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  absolute_expires_at: string;
  /** The one message to show after the next redirect, as JSON (http/flash.ts); never from a URL. */
  flash: string | null;
}

export interface PatronAccessLogTable {
  id: string;
  staff_id: string;
  patron_id: string;
  viewed_at: string;
  /** Why the record was opened, from a fixed list (never a title or subject, A6). */
  purpose: string;
}

/** A single-use PIN reset link (issue 3): only the SHA-256 of its secret is stored. */
export interface PinResetTokenTable {
  /** Time-ordered id, the first part of the link. */
  id: string;
  patron_id: string;
  /** SHA-256 of the link's secret part. */
  token_hash: string;
  created_at: string;
  expires_at: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    patrons: PatronTable;
    patron_sessions: PatronSessionTable;
    patron_access_log: PatronAccessLogTable;
    pin_reset_tokens: PinResetTokenTable;
  }
}
