// SQL for the job queue. Claiming uses the dialect's locking so several instances can share it.
import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DialectOps } from '../db/dialects.ts';
import type { DB } from '../db/schema.ts';
import type { JobTable } from './jobs.table.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type JobRow = Selectable<JobTable>;

export async function insertJob(
  db: Db,
  row: {
    id: string;
    name: string;
    payload: string;
    maxAttempts: number;
    runAt: string;
    uniqueKey: string | null;
    createdAt: string;
  },
): Promise<boolean> {
  const res = await db
    .insertInto('jobs')
    .values({
      id: row.id,
      name: row.name,
      payload: row.payload,
      status: 'queued',
      attempts: 0,
      max_attempts: row.maxAttempts,
      run_at: row.runAt,
      unique_key: row.uniqueKey,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Takes the oldest due job for this worker, atomically; undefined when none is due. */
export async function claimNextJob(
  db: Kysely<DB>,
  ops: DialectOps,
  nowIso: string,
  workerId: string,
): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      locked_at: nowIso,
      locked_by: workerId,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('run_at', '<=', nowIso)
        .orderBy('run_at')
        .limit(1)
        .modifyEnd(ops.skipLocked()),
    )
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
}

export async function markJobDone(db: Db, id: string, nowIso: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'done', finished_at: nowIso, locked_at: null, locked_by: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markJobRetry(db: Db, id: string, runAt: string, error: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'queued', run_at: runAt, locked_at: null, locked_by: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

export async function markJobFailed(db: Db, id: string, nowIso: string, error: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'failed', finished_at: nowIso, locked_at: null, locked_by: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

/** Jobs whose worker vanished (crash, kill) go back to the queue, or fail when out of attempts. */
export async function releaseStaleJobs(db: Db, staleBeforeIso: string, nowIso: string): Promise<number> {
  const failed = await db
    .updateTable('jobs')
    .set({
      status: 'failed',
      finished_at: nowIso,
      locked_at: null,
      locked_by: null,
      last_error: 'worker stopped before finishing',
    })
    .where('status', '=', 'running')
    .where('locked_at', '<', staleBeforeIso)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  const requeued = await db
    .updateTable('jobs')
    .set({
      status: 'queued',
      locked_at: null,
      locked_by: null,
      last_error: 'worker stopped before finishing',
    })
    .where('status', '=', 'running')
    .where('locked_at', '<', staleBeforeIso)
    .executeTakeFirst();
  return Number(failed.numUpdatedRows) + Number(requeued.numUpdatedRows);
}

/** Workers (by id prefix, e.g. "host:") holding running jobs: to find workers that died here. */
export async function findRunningWorkers(db: Db, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('locked_by')
    .distinct()
    .where('status', '=', 'running')
    .where('locked_by', 'like', `${prefix}%`)
    .limit(1000)
    .execute();
  return rows.map((r) => r.locked_by).filter((w): w is string => w !== null);
}

/** Puts the running jobs of one (dead) worker back in the queue at once, keeping their attempt count. */
export async function releaseJobsOfWorker(db: Db, workerId: string): Promise<number> {
  const res = await db
    .updateTable('jobs')
    .set({
      status: 'queued',
      locked_at: null,
      locked_by: null,
      last_error: 'worker stopped before finishing',
    })
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export interface QueueHealth {
  byStatus: Record<JobTable['status'], number>;
  byName: Array<{ name: string; status: JobTable['status']; n: number }>;
  oldestQueuedRunAt: string | null;
  recentFailures: Array<{
    id: string;
    name: string;
    attempts: number;
    lastError: string | null;
    finishedAt: string | null;
  }>;
}

export async function findQueueHealth(db: Db, nowIso: string): Promise<QueueHealth> {
  const rows = await db
    .selectFrom('jobs')
    .select(['name', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['name', 'status'])
    .orderBy('name')
    .limit(500)
    .execute();
  const byStatus = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) byStatus[r.status] += Number(r.n);
  const oldest = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('run_at').as('m'))
    .where('status', '=', 'queued')
    .where('run_at', '<=', nowIso)
    .executeTakeFirst();
  const failures = await db
    .selectFrom('jobs')
    .select(['id', 'name', 'attempts', 'last_error', 'finished_at'])
    .where('status', '=', 'failed')
    .orderBy('finished_at', 'desc')
    .limit(20)
    .execute();
  return {
    byStatus,
    byName: rows.map((r) => ({ name: r.name, status: r.status, n: Number(r.n) })),
    oldestQueuedRunAt: (oldest?.m as string | null | undefined) ?? null,
    recentFailures: failures.map((f) => ({
      id: f.id,
      name: f.name,
      attempts: f.attempts,
      lastError: f.last_error,
      finishedAt: f.finished_at,
    })),
  };
}
