// Kysely row types for purge-run records and legal holds.
export interface PurgeRunTable {
  id: string;
  trigger: 'schedule' | 'manual' | 'cli';
  is_dry_run: number;
  started_at: string;
  finished_at: string | null;
  outcome: 'running' | 'ok' | 'failed';
  duration_ms: number | null;
  /** JSON: per rule id, rows purged and rows kept because of a legal hold. Never identities. */
  rule_counts: string;
  /** Longest single write transaction of the run, to show the purge never blocks the site for long. */
  longest_batch_ms: number | null;
  error_code: string | null;
}

export interface LegalHoldTable {
  id: string;
  /** The library's reference for the request or case (e.g. a case number). */
  case_ref: string;
  reason: string;
  /** Whose records: 'patron' or 'staff'; with subject_id null the hold covers every row of table_name. */
  subject_kind: string | null;
  subject_id: string | null;
  /** One table, or null for every table that can hold the subject's records. */
  table_name: string | null;
  /** Records from/to these instants (inclusive); null means unbounded. */
  from_at: string | null;
  to_at: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  released_at: string | null;
}
