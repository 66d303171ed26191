// The scheduler: enqueues each recurring job once per interval slot. Slots are aligned to the
// epoch and deduplicated by unique key, so any number of instances can run a scheduler safely.
import { iso } from '../clock.ts';
import type { AppContext } from '../context.ts';
import { enqueueJob } from './queue.ts';
import type { RecurringJob } from './registry.ts';

const slotStart = (now: Date, everyMinutes: number): Date => {
  const ms = everyMinutes * 60_000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
};

/** When the recurring job will next be queued. */
export const nextRunAt = (r: RecurringJob, now: Date): Date =>
  new Date(slotStart(now, r.everyMinutes).getTime() + r.everyMinutes * 60_000);

/** Queues every recurring job whose current slot is not queued yet; returns how many were queued. */
export async function scheduleDueJobs(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  let queued = 0;
  for (const r of ctx.jobs.recurring) {
    const key = `${r.job.name}@${iso(slotStart(now, r.everyMinutes))}`;
    if (await enqueueJob(ctx.db, ctx.clock, r.job, r.payload, { uniqueKey: key })) queued++;
  }
  return queued;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly tickMs = 15_000,
  ) {}

  start(): void {
    const tick = () =>
      scheduleDueJobs(this.ctx).catch((err: unknown) =>
        this.ctx.logger.error(
          { error: { name: err instanceof Error ? err.name : 'Error' } },
          'scheduler tick failed',
        ),
      );
    void tick();
    this.timer = setInterval(() => void tick(), this.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
