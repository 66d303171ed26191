// Deleted personal data must leave the SQLite files within seconds, not at the next purge run
// (G2, C1, R2). In WAL mode a deleted row is zeroed in its page (secure_delete), but earlier
// copies of that page stay in the -wal file until a checkpoint copies the pages back and the WAL is
// truncated. Every statement that can remove or overwrite values asks for a "scrub"; the scrubber
// runs one TRUNCATE checkpoint a few seconds later (one for any number of requests), and retries
// with back-off while a reader in another process still needs the old pages.
import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from './schema.ts';

/** Writers wait this long for another connection's lock (applySqlitePragmas). */
export const BUSY_TIMEOUT_MS = 5000;
/** The promise made on the privacy page: a scrub later than this is logged as a warning. */
export const SCRUB_WINDOW_MS = 60_000;

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;

/**
 * Ends an UPDATE whose overwritten values are none of them personal (a computer's last contact
 * time, polled by a thousand kiosks): it asks for no scrub, so bookkeeping writes do not force a
 * TRUNCATE checkpoint (an fsync on the event loop) every few seconds. Use it only where the
 * inventory marks every column the UPDATE sets as not personal; each use has a test saying so.
 */
export const NO_PERSONAL_OVERWRITE = '/* carrel: overwrites no personal data */';

/**
 * Whether a statement can remove or overwrite stored values: DELETE, UPDATE, REPLACE, upserts,
 * schema changes. A plain INSERT only adds, and reads and transaction control change nothing.
 */
export function mayOverwrite(stmt: Pick<Database.Statement, 'readonly'>, sqlText: string): boolean {
  if (stmt.readonly) return false;
  const text = sqlText.trimStart();
  if (/^(begin|commit|end|rollback|savepoint|release|pragma)\b/i.test(text)) return false;
  if (/^insert\b/i.test(text)) return /^insert\s+or\s+replace\b|\bon\s+conflict\b/i.test(text);
  if (/^update\b/i.test(text) && text.trimEnd().endsWith(NO_PERSONAL_OVERWRITE)) return false;
  return true;
}

/**
 * One TRUNCATE checkpoint that never blocks the event loop: the busy timeout is lifted for it, so
 * a reader in another process makes it report "busy" at once instead of waiting. True when the WAL
 * was copied back and emptied.
 */
export async function truncateWal(db: Kysely<DB>): Promise<boolean> {
  return db.connection().execute(async (c) => {
    await sql`PRAGMA busy_timeout = 0`.execute(c);
    try {
      const res = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(c);
      return Number(res.rows[0]?.busy ?? 1) === 0;
    } finally {
      await sql.raw(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`).execute(c);
    }
  });
}

export interface WalScrubberOptions {
  /** Runs one checkpoint; true when the WAL is empty afterwards. */
  checkpoint: () => Promise<boolean>;
  /** How long after the first request the checkpoint runs (more requests meanwhile share it). */
  delayMs: number;
  logger?: Logger;
}

/** Debounces scrub requests into checkpoints and retries them until one succeeds. */
export class WalScrubber {
  /** When the oldest request not yet satisfied was made (ms, monotonic); null: nothing pending. */
  private pendingSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** A request arrived while a checkpoint was running: it may not be covered by that one. */
  private requestedDuringRun = false;
  private retryMs = FIRST_RETRY_MS;
  private warnedLate = false;
  private stopped = false;

  constructor(private readonly opts: WalScrubberOptions) {}

  /** Asks for a checkpoint within delayMs. Cheap; called for every overwriting statement. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.requestedDuringRun = true;
      return;
    }
    this.pendingSince ??= performance.now();
    if (!this.timer) this.schedule(this.opts.delayMs);
  }

  /** True while deleted data may still be in the WAL (a request not yet satisfied). */
  get pending(): boolean {
    return this.pendingSince !== null || this.requestedDuringRun;
  }

  /** Stops the timers and makes one last attempt for a pending request (at close). */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    if (this.pending) await this.opts.checkpoint().catch(() => false);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.attempt().finally(() => {
        this.running = null;
      });
    }, ms);
    // A pending scrub never keeps a CLI process alive; close() makes the last attempt.
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    this.requestedDuringRun = false;
    let done = false;
    try {
      done = await this.opts.checkpoint();
    } catch (err) {
      this.opts.logger?.error(
        { error: { name: err instanceof Error ? err.name : 'Error' } },
        'WAL scrub checkpoint failed',
      );
    }
    if (this.stopped) return;
    if (done) {
      this.pendingSince = null;
      this.retryMs = FIRST_RETRY_MS;
      this.warnedLate = false;
      if (this.requestedDuringRun) {
        this.requestedDuringRun = false;
        this.request();
      }
      return;
    }
    // A reader (another process: a CLI export, a separate worker) still uses the WAL's pages.
    const waited = performance.now() - (this.pendingSince ?? performance.now());
    if (waited > SCRUB_WINDOW_MS && !this.warnedLate) {
      this.warnedLate = true;
      this.opts.logger?.warn(
        { waitedSeconds: Math.round(waited / 1000) },
        'deleted data is still in the WAL file: another connection keeps a long read open',
      );
    }
    this.schedule(this.retryMs);
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
  }
}
