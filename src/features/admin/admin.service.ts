// Administrator overviews: purge rules and runs, "run now", and job-queue health.
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ForbiddenError } from '../../errors.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { findQueueHealth, type QueueHealth } from '../../jobs/jobs.repository.ts';
import { nextRunAt } from '../../jobs/scheduler.ts';
import { describeDuration, durationMs, isAgeRule } from '../../privacy/inventory.ts';
import { countActiveLegalHolds } from '../../privacy/legal-holds.repository.ts';
import { purgeJob } from '../../privacy/privacy.jobs.ts';
import { findRecentPurgeRuns, type PurgeRun } from '../../privacy/purge-runs.repository.ts';
import { canRunPurge, canViewJobQueue, canViewPurgeRuns, type Actor } from '../staff/staff.policy.ts';

export interface PurgeOverview {
  rules: Array<{ id: string; table: string; description: string; period: string }>;
  recentRuns: PurgeRun[];
  nextRunAt: string | null;
  activeLegalHolds: number;
  everyMinutes: number;
}

export async function getPurgeOverview(ctx: AppContext, actor: Actor): Promise<PurgeOverview> {
  if (!canViewPurgeRuns(actor))
    throw new ForbiddenError('Only administrators and the privacy officer can see purge runs.');
  const now = ctx.clock.now();
  const recurring = ctx.jobs.recurring.find((r) => r.job.name === purgeJob.name);
  return {
    rules: ctx.inventory.flatMap((t) =>
      t.retention.map((r) => ({
        id: r.id,
        table: t.table,
        description: r.description,
        period: !isAgeRule(r)
          ? `at ${r.event}`
          : durationMs(r.period) === 0
            ? 'as soon as it is due'
            : `after ${describeDuration(r.period)}`,
      })),
    ),
    recentRuns: await findRecentPurgeRuns(ctx.db, 20),
    nextRunAt: recurring ? iso(nextRunAt(recurring, now)) : null,
    activeLegalHolds: await countActiveLegalHolds(ctx.db, iso(now)),
    everyMinutes: ctx.config.purge.intervalMinutes,
  };
}

/** The "run now" form: no fields besides its CSRF token, which the app checks before the route. */
export const runPurgeSchema = z.object({});

/** Queues a purge now; the worker runs it within seconds. */
export async function queuePurgeNow(ctx: AppContext, actor: Actor): Promise<void> {
  if (!canRunPurge(actor)) throw new ForbiddenError('Only an administrator can start a purge.');
  await enqueueJob(ctx.db, ctx.clock, purgeJob, { trigger: 'manual' });
}

export async function getJobHealth(
  ctx: AppContext,
  actor: Actor,
): Promise<QueueHealth & { registered: string[] }> {
  if (!canViewJobQueue(actor)) throw new ForbiddenError('Only an administrator can see the job queue.');
  return { ...(await findQueueHealth(ctx.db, iso(ctx.clock.now()))), registered: ctx.jobs.names() };
}
