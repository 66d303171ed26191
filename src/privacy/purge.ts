// The purge engine (G2, G6): applies every retention rule of the inventory, in short batches so
// no write lock is held long, skipping exactly the rows under an active legal hold. Idempotent:
// a second run finds nothing left to do. Each run is recorded as counts per rule — never identities.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { iso, type Clock } from '../clock.ts';
import type { DialectOps } from '../db/dialects.ts';
import type { DB } from '../db/schema.ts';
import { scrubForLog } from '../log-scrub.ts';
import { durationMs, isAgeRule, type Inventory } from './inventory.ts';
import { countPurgeRows, deletePurgeBatch, purgeConditions } from './purge.repository.ts';
import { finishPurgeRun, insertPurgeRun } from './purge-runs.repository.ts';

export interface PurgeDeps {
  db: Kysely<DB>;
  ops: DialectOps;
  clock: Clock;
  inventory: Inventory;
  logger: Logger;
}

export interface PurgeOptions {
  dryRun: boolean;
  trigger: 'schedule' | 'manual' | 'cli';
  /** Largest batch; the engine shrinks batches that take longer than targetBatchMs. */
  batchSize: number;
  targetBatchMs?: number;
  /** Called after each batch (and once per rule in a dry run) for progress display. */
  onProgress?: (ruleId: string, purgedSoFar: number) => void;
}

export interface RuleCount {
  table: string;
  /** Rows removed (or, in a dry run, rows that would be removed). */
  purged: number;
  /** Rows past their retention period kept because a legal hold covers them. */
  held: number;
}

export interface PurgeSummary {
  runId: string;
  dryRun: boolean;
  counts: Record<string, RuleCount>;
  durationMs: number;
  longestBatchMs: number;
}

/** Runs every retention rule once; records the run; returns counts per rule. */
export async function runPurge(deps: PurgeDeps, opts: PurgeOptions): Promise<PurgeSummary> {
  const { db, clock, inventory, logger } = deps;
  const started = clock.now();
  const t0 = performance.now();
  const runId = await insertPurgeRun(db, {
    trigger: opts.trigger,
    isDryRun: opts.dryRun,
    startedAt: iso(started),
  });
  const counts: Record<string, RuleCount> = {};
  const touched = new Set<string>();
  const targetMs = opts.targetBatchMs ?? 25;
  let longest = 0;
  try {
    for (const t of inventory) {
      for (const rule of t.retention) {
        if (!isAgeRule(rule)) continue;
        const now = clock.now();
        const cutoff = iso(new Date(now.getTime() - durationMs(rule.period)));
        const { eligible, expiredHeld } = purgeConditions(t, rule, cutoff, iso(now));
        let purged = 0;
        if (opts.dryRun) {
          purged = await countPurgeRows(db, t, eligible);
          opts.onProgress?.(rule.id, purged);
        } else {
          // Start small and grow while batches stay quick: the first batch of a rule pays for
          // loading its pages, and a large first batch would be the run's longest write.
          let size = Math.min(opts.batchSize, 200);
          for (;;) {
            const b0 = performance.now();
            const n = await deletePurgeBatch(db, t, eligible, size);
            const ms = performance.now() - b0;
            longest = Math.max(longest, ms);
            purged += n;
            if (n > 0) opts.onProgress?.(rule.id, purged);
            if (n < size) break;
            // Keep each write short so readers and other writers are never kept waiting long.
            if (ms > targetMs) size = Math.max(10, Math.floor(size / 2));
            else if (ms < targetMs / 3) size = Math.min(opts.batchSize, Math.ceil(size * 1.5));
            await new Promise((r) => setImmediate(r));
          }
          if (purged > 0) touched.add(t.table);
        }
        counts[rule.id] = {
          table: t.table,
          purged,
          held: t.holdScope ? await countPurgeRows(db, t, expiredHeld) : 0,
        };
      }
    }
    // Tables emptied by events (a check-in deletes its loan, C1) are compacted on every run: on
    // PostgreSQL this vacuum is what reclaims their dead tuples; on SQLite the WAL scrub
    // (db/wal-scrub.ts) has already emptied the WAL seconds after each deletion.
    for (const t of inventory) if (t.retention.some((r) => !isAgeRule(r))) touched.add(t.table);
    if (!opts.dryRun && touched.size > 0) await deps.ops.compactAfterPurge(db, [...touched]);
    const durationMsTotal = Math.round(performance.now() - t0);
    await finishPurgeRun(db, runId, {
      finishedAt: iso(clock.now()),
      outcome: 'ok',
      durationMs: durationMsTotal,
      ruleCounts: counts,
      longestBatchMs: Math.round(longest),
      errorCode: null,
    });
    logger.info(
      { purgeRun: runId, dryRun: opts.dryRun, trigger: opts.trigger, durationMs: durationMsTotal, counts },
      'purge finished',
    );
    return {
      runId,
      dryRun: opts.dryRun,
      counts,
      durationMs: durationMsTotal,
      longestBatchMs: Math.round(longest),
    };
  } catch (err) {
    const code = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.name) : 'Error';
    await finishPurgeRun(db, runId, {
      finishedAt: iso(clock.now()),
      outcome: 'failed',
      durationMs: Math.round(performance.now() - t0),
      ruleCounts: counts,
      longestBatchMs: Math.round(longest),
      errorCode: scrubForLog(String(code)).slice(0, 100),
    }).catch(() => undefined);
    throw err;
  }
}
