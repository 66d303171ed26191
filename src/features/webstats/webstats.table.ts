// Kysely row types for website statistics (issue 5). Only aggregates and the day's salted
// visitor hashes; no row describes a single visit (W1, W2).

/** The random salt of one day (library time zone); deleted when the day is over. */
export interface StatsSaltTable {
  day: string;
  salt: string;
  created_at: string;
}

/** One unique visitor of a day: day|sha256(salt, ip, user agent); deleted at the day's rollover. */
export interface StatsVisitorTable {
  key: string;
  day: string;
}

/** Views per hour (UTC, "YYYY-MM-DDTHH") and dimension value; folded into daily after a window. */
export interface StatsHourlyTable {
  key: string;
  hour: string;
  dimension: string;
  value: string;
  count: number;
}

/** Views (and visitors) per day and dimension value. */
export interface StatsDailyTable {
  key: string;
  day: string;
  dimension: string;
  value: string;
  count: number;
}

/** A log file already imported (by fingerprint), so a re-run counts nothing twice. */
export interface StatsLogImportTable {
  fingerprint: string;
  lines: number;
  bytes: number;
  imported_at: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    stats_salts: StatsSaltTable;
    stats_visitors: StatsVisitorTable;
    stats_hourly: StatsHourlyTable;
    stats_daily: StatsDailyTable;
    stats_log_imports: StatsLogImportTable;
  }
}
