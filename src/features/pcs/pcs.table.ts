// Kysely row types for public computers (issue 14, P1–P3). No row holds a card number, patron id,
// name or anything PIN-derived: a card is recognised during one library day only, by
// HMAC-SHA256(that day's key, card number), and the day's key is deleted at rollover.
import type { Generated } from 'kysely';

/** A group of computers at a branch with its own rules (e.g. "Internet", "Children"). */
export interface PcGroupTable {
  id: string;
  branch: string;
  name: string;
  /** Minutes one card may use per library day in this group. */
  daily_minutes: Generated<number>;
  /** Minutes of one session before it ends or is extended. */
  session_minutes: Generated<number>;
  /** JSON array of allowed age bands; null for everyone. */
  age_bands: string | null;
  /** Minutes a freed computer is held for a called ticket. */
  hold_minutes: Generated<number>;
  /** The letter before a ticket number, e.g. "B" in "B-17". */
  ticket_prefix: string;
  created_at: string;
}

/** One computer. Known once staff approve it or it presents its station key. */
export interface PcStationTable {
  id: string;
  branch: string;
  /** Null until staff approve the station into a group. */
  group_id: string | null;
  name: string;
  /** JSON array of allowed age bands beyond the group's; null for the group's rule. */
  age_bands: string | null;
  is_reservable: Generated<number>;
  is_out_of_order: Generated<number>;
  is_approved: Generated<number>;
  /** SHA-256 (hex) of the station key Carrel generated; the key itself is shown once. */
  key_hash: string | null;
  last_seen_at: string | null;
  created_at: string;
  /** 1 when staff ended its last session and the client has not yet been told ("Kicked"). */
  is_kicked: Generated<number>;
}

/** The random key of one library day; deleted at the day's rollover (P3). */
export interface PcDayKeyTable {
  day: string;
  /** 32 random bytes, hex. */
  key: string;
  created_at: string;
}

/** Minutes a card (by its day key) used today; key = day|card_key. Deleted at rollover. */
export interface PcUsageTable {
  key: string;
  day: string;
  card_key: string;
  minutes: number;
}

/** A live session; deleted when it ends. */
export interface PcSessionTable {
  id: string;
  station_id: string;
  branch: string;
  group_id: string;
  /** The library day the session started (its usage is counted on that day). */
  day: string;
  /** SHA-256 of the random session token handed to the client. */
  token_hash: string;
  /** HMAC of the card under the day key; null for a guest pass or after the day's rollover. */
  card_key: string | null;
  pass_id: string | null;
  age_band: string | null;
  started_at: string;
  /** Minutes granted by the rules (session length, allowance, closing), extensions included. */
  minutes_granted: number;
  /** Minutes staff added. */
  staff_minutes: Generated<number>;
  /** The branch's closing time that ends this session whatever else. */
  closes_at: string;
  /** A staff message not yet delivered; cleared when delivered. */
  message: string | null;
  /** Closing-time warnings already shown: 0 none, 1 the 15-minute one, 2 the 5-minute one too. */
  closing_warnings: Generated<number>;
}

/** The last ticket number given at a branch on a day; key = day|branch. */
export interface PcTicketCounterTable {
  key: string;
  day: string;
  branch: string;
  last_number: number;
}

/** A waiting ticket; deleted when served, skipped or removed, or at rollover. */
export interface PcWaitlistTable {
  id: string;
  branch: string;
  group_id: string;
  day: string;
  /** What people see, e.g. "B-17". */
  ticket: string;
  /** The ticket's number: the order of tickets that joined in the same millisecond. */
  number: number;
  /** The card's day key when the patron joined with a card (one ticket per card); else null. */
  card_key: string | null;
  joined_at: string;
  called_station_id: string | null;
  called_at: string | null;
  hold_until: string | null;
  /** 1 when staff released the held computer: any login there serves this ticket. */
  is_released: Generated<number>;
  /**
   * 1 when a ticket taken without a card was confirmed at the computer it is called to (ticket
   * number + claim code): the next login there serves it while the hold lasts.
   */
  is_claimed: Generated<number>;
}

/** A one-day guest pass: only an HMAC of its code under the day key. */
export interface PcPassTable {
  id: string;
  branch: string;
  day: string;
  code_hash: string;
  minutes: number;
  created_at: string;
  used_at: string | null;
}

/** How long a served ticket waited (anonymous); summed into pc_stats at rollover. */
export interface PcWaitTable {
  id: string;
  day: string;
  hour: number;
  branch: string;
  group_id: string;
  seconds: number;
}

/** Aggregates per day, local hour, branch and group; key = day|hour|branch|group. */
export interface PcStatsTable {
  key: string;
  day: string;
  hour: number;
  branch: string;
  group_id: string;
  sessions: Generated<number>;
  guest_sessions: Generated<number>;
  minutes_used: Generated<number>;
  passes_used: Generated<number>;
  waits: Generated<number>;
  median_wait_seconds: Generated<number>;
  longest_wait_seconds: Generated<number>;
}

/** Refused logins per day, hour, branch, group and reason; key joins them. */
export interface PcRefusalTable {
  key: string;
  day: string;
  hour: number;
  branch: string;
  group_id: string;
  reason: string;
  count: number;
}

declare module '../../db/schema.ts' {
  interface DB {
    pc_groups: PcGroupTable;
    pc_stations: PcStationTable;
    pc_day_keys: PcDayKeyTable;
    pc_usage: PcUsageTable;
    pc_sessions: PcSessionTable;
    pc_ticket_counters: PcTicketCounterTable;
    pc_waitlist: PcWaitlistTable;
    pc_passes: PcPassTable;
    pc_waits: PcWaitTable;
    pc_stats: PcStatsTable;
    pc_refusals: PcRefusalTable;
  }
}
