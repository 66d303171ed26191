// The job queue: transactional enqueue, retries with back-off, stale-job recovery, the registry
// check, the scheduler's once-per-slot guarantee, and several workers sharing one queue.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { z } from 'zod';
import { iso, MINUTE } from '../clock.ts';
import type { AppContext } from '../context.ts';
import { openDatabase } from '../db/database.ts';
import { describeEachDialect, type TestEnv } from '../../test/support/env.ts';
import { enqueueJob } from './queue.ts';
import { defineJob, JobRegistry } from './registry.ts';
import { nextRunAt, scheduleDueJobs } from './scheduler.ts';
import { retryDelayMs, Worker } from './worker.ts';

const runs: number[] = [];
let failuresLeft = 0;

const recordJob = defineJob({
  name: 'test.record',
  payload: z.object({ n: z.number().int() }),
  maxAttempts: 3,
  handler: async (_ctx, p) => {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('relay refused mail for someone@example.org (card 29999000123456)');
    }
    // A short pause lets other workers interleave, as real handlers would.
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    runs.push(p.n);
  },
});

const withJobs = (env: TestEnv, over: Partial<AppContext> = {}): AppContext => ({
  ...env.ctx,
  jobs: new JobRegistry([recordJob], [{ job: recordJob, everyMinutes: 60, payload: { n: 0 } }]),
  ...over,
});

const jobRows = (env: TestEnv) => env.ctx.db.selectFrom('jobs').selectAll().orderBy('created_at').execute();

describeEachDialect('job queue', (env) => {
  beforeEach(async () => {
    runs.length = 0;
    failuresLeft = 0;
    await env().ctx.db.deleteFrom('jobs').execute();
  });

  test('a job enqueued in a transaction that rolls back never exists', async () => {
    const e = env();
    await assert.rejects(
      e.ctx.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, e.clock, recordJob, { n: 1 });
        throw new Error('the causing write failed');
      }),
      /causing write failed/,
    );
    assert.equal((await jobRows(e)).length, 0);
    await e.ctx.db.transaction().execute((trx) => enqueueJob(trx, e.clock, recordJob, { n: 2 }));
    assert.equal((await jobRows(e)).length, 1);
  });

  test('payloads are validated when queued', async () => {
    const e = env();
    await assert.rejects(enqueueJob(e.ctx.db, e.clock, recordJob, { n: 'two' as unknown as number }));
    assert.equal((await jobRows(e)).length, 0);
  });

  test('the worker runs a due job once and marks it done; a job not yet due waits', async () => {
    const e = env();
    const ctx = withJobs(e);
    await enqueueJob(e.ctx.db, e.clock, recordJob, { n: 7 });
    await enqueueJob(
      e.ctx.db,
      e.clock,
      recordJob,
      { n: 8 },
      { runAt: new Date(e.clock.now().getTime() + 5 * MINUTE) },
    );
    const worker = new Worker(ctx);
    assert.equal(await worker.drain(), 1);
    assert.deepEqual(runs, [7]);
    e.clock.advance(5 * MINUTE);
    assert.equal(await worker.drain(), 1);
    assert.deepEqual(runs, [7, 8]);
    assert.deepEqual(
      (await jobRows(e)).map((j) => j.status),
      ['done', 'done'],
    );
    assert.equal(await worker.drain(), 0);
  });

  test('a failing job is retried with growing back-off, its error scrubbed of personal data, and fails for good after its attempts', async () => {
    const e = env();
    const worker = new Worker(withJobs(e));
    failuresLeft = 5;
    await enqueueJob(e.ctx.db, e.clock, recordJob, { n: 1 });
    assert.equal(await worker.drain(), 1);
    let [job] = await jobRows(e);
    assert.equal(job?.status, 'queued');
    assert.equal(job?.attempts, 1);
    assert.equal(job?.run_at, iso(new Date(e.clock.now().getTime() + retryDelayMs(1))));
    assert.ok(job?.last_error?.includes('[email]') && !job.last_error.includes('someone@example.org'));
    assert.ok(!job?.last_error?.includes('29999000123456'));
    assert.equal(await worker.drain(), 0, 'not retried before its back-off ends');
    e.clock.advance(retryDelayMs(1));
    await worker.drain();
    e.clock.advance(retryDelayMs(2));
    await worker.drain();
    [job] = await jobRows(e);
    assert.equal(job?.status, 'failed');
    assert.equal(job?.attempts, 3);
    assert.ok(job?.finished_at);
    assert.deepEqual(runs, []);
    assert.ok(retryDelayMs(2) > retryDelayMs(1));
  });

  test('a job that succeeds on a retry is done', async () => {
    const e = env();
    const worker = new Worker(withJobs(e));
    failuresLeft = 1;
    await enqueueJob(e.ctx.db, e.clock, recordJob, { n: 3 });
    await worker.drain();
    e.clock.advance(retryDelayMs(1));
    await worker.drain();
    const [job] = await jobRows(e);
    assert.equal(job?.status, 'done');
    assert.equal(job?.last_error, null);
    assert.deepEqual(runs, [3]);
  });

  test('a job with no registered handler fails with a clear error', async () => {
    const e = env();
    const other = defineJob({ name: 'test.unknown', payload: z.object({}), handler: async () => undefined });
    await enqueueJob(e.ctx.db, e.clock, other, {});
    await new Worker(withJobs(e)).drain();
    const [job] = await jobRows(e);
    assert.equal(job?.status, 'failed');
    assert.match(job?.last_error ?? '', /no handler registered for job test\.unknown/);
  });

  test('a job left running by a crashed worker is taken up again', async () => {
    const e = env();
    await enqueueJob(e.ctx.db, e.clock, recordJob, { n: 9 });
    await e.ctx.db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 1, locked_at: iso(e.clock.now()), locked_by: 'dead-worker' })
      .execute();
    const worker = new Worker(withJobs(e));
    assert.equal(await worker.drain(), 0, 'a recently taken job is left alone');
    e.clock.advance(16 * MINUTE);
    assert.equal(await worker.drain(), 1);
    assert.deepEqual(runs, [9]);
  });

  test('the scheduler queues a recurring job once per slot, however many instances run it', async () => {
    const e = env();
    e.clock.set('2026-03-02T15:10:00.000Z');
    const a = withJobs(e);
    const second = openDatabase(e.config.database);
    try {
      const b = withJobs(e, { db: second.db, database: second });
      assert.equal(await scheduleDueJobs(a), 1);
      assert.equal(await scheduleDueJobs(b), 0);
      e.clock.advance(30 * MINUTE);
      assert.equal(await scheduleDueJobs(b), 0, 'same hour, same slot');
      e.clock.advance(30 * MINUTE);
      assert.equal(await scheduleDueJobs(b), 1);
      assert.equal(await scheduleDueJobs(a), 0);
      const keys = (await jobRows(e)).map((j) => j.unique_key);
      assert.deepEqual(keys, [
        'test.record@2026-03-02T15:00:00.000Z',
        'test.record@2026-03-02T16:00:00.000Z',
      ]);
      assert.equal(iso(nextRunAt(a.jobs.recurring[0]!, e.clock.now())), '2026-03-02T17:00:00.000Z');
    } finally {
      await second.close();
    }
  });

  test('several workers with their own connections share the queue and run every job exactly once', async () => {
    const e = env();
    const total = 120;
    for (let n = 0; n < total; n++) await enqueueJob(e.ctx.db, e.clock, recordJob, { n });
    const dbs = [0, 1, 2, 3].map(() => openDatabase(e.config.database));
    try {
      const workers = dbs.map((d) => new Worker(withJobs(e, { db: d.db, database: d })));
      const counts = await Promise.all(workers.map((w) => w.drain()));
      assert.equal(
        counts.reduce((s, c) => s + c, 0),
        total,
      );
      assert.equal(runs.length, total, 'no job ran twice');
      assert.deepEqual(
        [...new Set(runs)].sort((x, y) => x - y),
        Array.from({ length: total }, (_, i) => i),
      );
      if (e.dialect === 'postgres')
        assert.ok(counts.filter((c) => c > 0).length > 1, `work was shared: ${counts.join(', ')}`);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });
});

test('the registry refuses duplicate names, unregistered or invalid recurring jobs', () => {
  const a = defineJob({
    name: 'test.a',
    payload: z.object({ x: z.number() }),
    handler: async () => undefined,
  });
  const a2 = defineJob({ name: 'test.a', payload: z.object({}), handler: async () => undefined });
  const stray = defineJob({ name: 'test.stray', payload: z.object({}), handler: async () => undefined });
  assert.throws(() => new JobRegistry([a, a2], []), /registered twice/);
  assert.throws(() => new JobRegistry([a], [{ job: stray, everyMinutes: 5, payload: {} }]), /not registered/);
  assert.throws(
    () => new JobRegistry([a], [{ job: a, everyMinutes: 5, payload: { x: 'no' } }]),
    /invalid payload/,
  );
  assert.throws(
    () =>
      new JobRegistry(
        [defineJob({ name: 'Bad Name', payload: z.object({}), handler: async () => undefined })],
        [],
      ),
    /feature\.action/,
  );
  assert.deepEqual(new JobRegistry([a], [{ job: a, everyMinutes: 5, payload: { x: 1 } }]).names(), [
    'test.a',
  ]);
});
