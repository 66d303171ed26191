// Kysely row types for loans, holds, opt-in reading history and patron-free counts (C1–C4).
export interface LoanTable {
  id: string;
  /** One loan per item at a time (unique). */
  item_id: string;
  patron_id: string;
  /** Branch where the item was checked out. */
  branch_code: string;
  checked_out_at: string;
  due_at: string;
  renewals: number;
  /** When the due-soon notice went out for this loan (so it goes once); gone with the loan. */
  due_soon_notice_at: string | null;
  /** When the overdue notice went out for this loan; gone with the loan. */
  overdue_notice_at: string | null;
}

export const circulationActions = [
  'checkout',
  'checkin',
  'renew',
  'hold_placed',
  'hold_trapped',
  'hold_picked_up',
  'hold_cancelled',
  'hold_expired',
  'lost',
  'damaged',
] as const;
export type CirculationAction = (typeof circulationActions)[number];

/** C2: one counter per day × branch × material type × action; no patron anywhere. */
export interface CirculationCountTable {
  /** "day|branch|material_type|action|shard": a counter is split over a few rows so desks do not
   * queue on one row lock; reports add them up. */
  key: string;
  day: string;
  branch_code: string;
  material_type: string;
  action: CirculationAction;
  count: number;
}

export interface ReadingHistoryTable {
  id: string;
  patron_id: string;
  bib_id: string;
  /** The day of return only (no time), in the library's time zone. */
  returned_on: string;
}

export const holdStatuses = ['waiting', 'suspended', 'in_transit', 'ready'] as const;
export type HoldStatus = (typeof holdStatuses)[number];

export interface HoldTable {
  id: string;
  patron_id: string;
  bib_id: string;
  /** A specific copy asked for; null for "any copy of this title". */
  item_id: string | null;
  pickup_branch: string;
  placed_at: string;
  status: HoldStatus;
  suspended_until: string | null;
  /** The copy caught for this hold at check-in (in transit or on the shelf). */
  trapped_item_id: string | null;
  trapped_at: string | null;
  shelf_expires_at: string | null;
  /** Short code on the hold-shelf slip instead of the patron's name (C4). */
  pickup_code: string | null;
}

/** A staff override of a loan rule: which rule, why, by whom; never the patron or the item. */
export interface CirculationOverrideTable {
  id: string;
  staff_id: string;
  branch_code: string;
  rule: string;
  reason: string;
  created_at: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    loans: LoanTable;
    circulation_counts: CirculationCountTable;
    circulation_overrides: CirculationOverrideTable;
    reading_history: ReadingHistoryTable;
    holds: HoldTable;
  }
}
