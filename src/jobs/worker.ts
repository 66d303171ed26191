// The worker: claims due jobs one at a time, runs their handlers, retries with back-off.
import os from 'node:os';
import { addMs, iso, MINUTE } from '../clock.ts';
import type { AppContext } from '../context.ts';
import { newId } from '../ids.ts';
import { scrubForLog } from '../log-scrub.ts';
import {
  claimNextJob,
  findRunningWorkers,
  releaseJobsOfWorker,
  markJobDone,
  markJobFailed,
  markJobRetry,
  releaseStaleJobs,
  type JobRow,
} from './jobs.repository.ts';

/** A running job taking longer than this is presumed dead (its process crashed) and re-queued. */
export const JOB_STALE_AFTER_MS = 15 * MINUTE;

/** Delay before attempt n+1: 10 s, 20 s, 40 s … capped at one hour. */
export const retryDelayMs = (attempt: number): number => Math.min(10_000 * 2 ** (attempt - 1), 60 * MINUTE);

export class Worker {
  readonly id = `${os.hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly ctx: AppContext) {}

  start(): void {
    this.stopped = false;
    let first = true;
    const loop = async () => {
      if (this.stopped) return;
      if (first) {
        first = false;
        await this.releaseDeadLocalWorkers().catch((err: unknown) => {
          this.ctx.logger.error(
            { error: { message: scrubForLog(String(err)) } },
            'could not release jobs of dead workers',
          );
        });
      }
      this.running = this.drain().then(
        () => undefined,
        (err: unknown) => {
          this.ctx.logger.error({ error: { message: scrubForLog(String(err)) } }, 'worker loop error');
        },
      );
      await this.running;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.ctx.config.jobs.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Jobs left "running" by a worker process on this machine that no longer exists (killed, crashed)
   * go back to the queue at start-up instead of waiting JOB_STALE_AFTER_MS, so a restart resumes
   * an announcement at once. A pid reused by another process only means the usual wait.
   */
  async releaseDeadLocalWorkers(): Promise<number> {
    const host = os.hostname();
    let n = 0;
    for (const w of await findRunningWorkers(this.ctx.db, `${host}:`)) {
      const pid = Number(w.slice(host.length + 1).split(':')[0]);
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code !== 'ESRCH';
      }
      if (!alive) n += await releaseJobsOfWorker(this.ctx.db, w);
    }
    if (n > 0) this.ctx.logger.info({ jobs: n }, 'jobs of a stopped worker on this machine re-queued');
    return n;
  }

  /** Runs due jobs until none is left (or the worker is stopped). */
  async drain(): Promise<number> {
    const now = this.ctx.clock.now();
    await releaseStaleJobs(this.ctx.db, iso(addMs(now, -JOB_STALE_AFTER_MS)), iso(now));
    let n = 0;
    while (!this.stopped && (await this.runOne())) n++;
    return n;
  }

  /** Claims and runs one due job; false when the queue had none. */
  async runOne(): Promise<boolean> {
    const { ctx } = this;
    const job = await claimNextJob(ctx.db, ctx.database.ops, iso(ctx.clock.now()), this.id);
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  private async execute(job: JobRow): Promise<void> {
    const { ctx } = this;
    const log = ctx.logger.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    const def = ctx.jobs.get(job.name);
    const t0 = performance.now();
    try {
      if (!def) throw new Error(`no handler registered for job ${job.name}`);
      const payload = def.payload.parse(JSON.parse(job.payload));
      await def.handler(ctx, payload, { jobId: job.id, attempt: job.attempts });
      await markJobDone(ctx.db, job.id, iso(ctx.clock.now()));
      log.info({ durationMs: Math.round(performance.now() - t0) }, 'job done');
    } catch (err) {
      const message = scrubForLog(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      const now = ctx.clock.now();
      if (job.attempts >= job.max_attempts || !def) {
        await markJobFailed(ctx.db, job.id, iso(now), message);
        log.error({ error: message }, 'job failed for good');
      } else {
        const runAt = addMs(now, retryDelayMs(job.attempts));
        await markJobRetry(ctx.db, job.id, iso(runAt), message);
        log.warn({ error: message, retryAt: iso(runAt) }, 'job failed; will retry');
      }
    }
  }
}
