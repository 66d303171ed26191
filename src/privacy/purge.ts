// The purge engine (G2, G6): applies every retention rule of the inventory, in short batches so
// no write lock is held long, skipping exactly the rows under an active legal hold. Idempotent:
// a second run finds nothing left to do. Each run is recorded as counts per rule — never identities.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Logger } from 'pino';
import { iso, type Clock } from '../clock.ts';
import type { DialectOps } from '../db/dialects.ts';
import type { DB } from '../db/schema.ts';
import { scrubForLog } from '../log-scrub.ts';
import { durationMs, isAgeRule, type AgeRule, type Inventory, type TableEntry } from './inventory.ts';
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

const TARGET = sql.raw('purge_target');
const col = (name: string) => sql.ref(`purge_target.${name}`);

function conditionSql(r: AgeRule, cutoff: string): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`${col(r.after)} IS NOT NULL`, sql`${col(r.after)} <= ${cutoff}`];
  for (const w of r.where ?? []) {
    if (w.op === 'is null') parts.push(sql`${col(w.column)} IS NULL`);
    else if (w.op === 'is not null') parts.push(sql`${col(w.column)} IS NOT NULL`);
    else if (w.op === '=') parts.push(sql`${col(w.column)} = ${w.value}`);
    else parts.push(sql`${col(w.column)} <> ${w.value}`);
  }
  return sql.join(parts, sql` AND `);
}

/**
 * True for a row of `t` covered by an active legal hold: one that names the row's table (or all
 * tables), the row's subject (or, naming a table, every subject in it), and a period containing
 * the row's date. A table without a holdScope has no rows a hold can name.
 */
export function heldPredicate(t: TableEntry, nowIso: string): RawBuilder<unknown> {
  const scope = t.holdScope;
  if (!scope) return sql`1 = 0`;
  const subjectMatch = scope.subject
    ? sql`((h.subject_id IS NULL AND h.table_name = ${t.table})
           OR (h.subject_kind = ${scope.subject.kind} AND h.subject_id = ${col(scope.subject.column)}))`
    : sql`(h.subject_id IS NULL AND h.table_name = ${t.table})`;
  return sql`EXISTS (
    SELECT 1 FROM legal_holds h
    WHERE h.released_at IS NULL
      AND (h.expires_at IS NULL OR h.expires_at > ${nowIso})
      AND (h.table_name IS NULL OR h.table_name = ${t.table})
      AND ${subjectMatch}
      AND (h.from_at IS NULL OR ${col(scope.dateColumn)} >= h.from_at)
      AND (h.to_at IS NULL OR ${col(scope.dateColumn)} <= h.to_at))`;
}

async function countWhere(db: Kysely<DB>, t: TableEntry, where: RawBuilder<unknown>): Promise<number> {
  const res = await sql<{ n: number }>`
    SELECT COUNT(*) AS n FROM ${sql.table(t.table)} AS ${TARGET} WHERE ${where}`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

/** Deletes one batch of expired, unheld rows; returns how many went. */
async function deleteBatch(
  db: Kysely<DB>,
  t: TableEntry,
  eligible: RawBuilder<unknown>,
  limit: number,
): Promise<number> {
  const pk = sql.ref(t.primaryKey);
  const res = await db.transaction().execute((trx) =>
    sql`DELETE FROM ${sql.table(t.table)} WHERE ${pk} IN (
          SELECT ${col(t.primaryKey)} FROM ${sql.table(t.table)} AS ${TARGET} WHERE ${eligible} LIMIT ${limit})`.execute(
      trx,
    ),
  );
  return Number(res.numAffectedRows ?? 0n);
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
        const expired = conditionSql(rule, cutoff);
        const held = heldPredicate(t, iso(now));
        const eligible = sql`${expired} AND NOT ${held}`;
        let purged = 0;
        if (opts.dryRun) {
          purged = await countWhere(db, t, eligible);
          opts.onProgress?.(rule.id, purged);
        } else {
          // Start small and grow while batches stay quick: the first batch of a rule pays for
          // loading its pages, and a large first batch would be the run's longest write.
          let size = Math.min(opts.batchSize, 200);
          for (;;) {
            const b0 = performance.now();
            const n = await deleteBatch(db, t, eligible, size);
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
          held: t.holdScope ? await countWhere(db, t, sql`${expired} AND ${held}`) : 0,
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
