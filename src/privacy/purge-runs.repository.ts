// SQL for purge-run records.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { newId } from '../ids.ts';
import type { PurgeRunTable } from './privacy.table.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface PurgeRun {
  id: string;
  trigger: PurgeRunTable['trigger'];
  isDryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  outcome: PurgeRunTable['outcome'];
  durationMs: number | null;
  ruleCounts: Record<string, { table: string; purged: number; held: number }>;
  longestBatchMs: number | null;
  errorCode: string | null;
}

export async function insertPurgeRun(
  db: Db,
  run: { trigger: PurgeRunTable['trigger']; isDryRun: boolean; startedAt: string },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('purge_runs')
    .values({
      id,
      trigger: run.trigger,
      is_dry_run: run.isDryRun ? 1 : 0,
      started_at: run.startedAt,
      outcome: 'running',
      rule_counts: '{}',
    })
    .execute();
  return id;
}

export async function finishPurgeRun(
  db: Db,
  id: string,
  r: {
    finishedAt: string;
    outcome: 'ok' | 'failed';
    durationMs: number;
    ruleCounts: PurgeRun['ruleCounts'];
    longestBatchMs: number;
    errorCode: string | null;
  },
): Promise<void> {
  await db
    .updateTable('purge_runs')
    .set({
      finished_at: r.finishedAt,
      outcome: r.outcome,
      duration_ms: r.durationMs,
      rule_counts: JSON.stringify(r.ruleCounts),
      longest_batch_ms: r.longestBatchMs,
      error_code: r.errorCode,
    })
    .where('id', '=', id)
    .execute();
}

export async function findRecentPurgeRuns(db: Db, limit: number): Promise<PurgeRun[]> {
  const rows = await db
    .selectFrom('purge_runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    trigger: r.trigger,
    isDryRun: r.is_dry_run === 1,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    durationMs: r.duration_ms,
    ruleCounts: JSON.parse(r.rule_counts) as PurgeRun['ruleCounts'],
    longestBatchMs: r.longest_batch_ms,
    errorCode: r.error_code,
  }));
}
