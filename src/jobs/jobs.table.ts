// Kysely row type for the database-backed job queue.
export interface JobTable {
  id: string;
  name: string;
  /** JSON text validated against the job's payload schema on enqueue and on run. */
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_at: string | null;
  locked_by: string | null;
  /** Scrubbed error text of the last failed attempt (see scrubForLog). */
  last_error: string | null;
  /** Deduplication key; the scheduler uses name@slot so several instances enqueue a slot once. */
  unique_key: string | null;
  created_at: string;
  finished_at: string | null;
}
