// Purge of 1,000,000 expired rows on SQLite with the real purge engine (src/privacy/purge.ts).
//
// A migrated SQLite database (Carrel's own createContext + migrateToLatest, temporary DATA_DIR) is
// filled once through better-sqlite3 directly (bench/purge-seed.ts: prepared statement, transactions
// of 50,000 rows) with staff sessions:
//   - 1,000,000 expired sessions of staff member A                               → must go;
//   - 10,000 sessions of A that have not expired yet                              → must stay;
//   - 1,000 expired sessions of staff member B, who is under an active legal hold → must stay (G6).
// Each repetition works on a fresh copy of that file (flushed to disk first). A worker thread
// (bench/purge-reader.ts, its own connection, WAL) looks up surviving sessions by primary key every
// few ms: first for a few seconds with no purge (the baseline), then during
// runPurge({dryRun: false, trigger: 'cli', batchSize: config.purge.batchSize}). Afterwards the
// benchmark checks that exactly the expected rows went and runs the purge again (it must find nothing).
//
//   node --import tsx bench/purge.ts [--reps=3] [--rows=1000000] [--baseline=3] [--interval=5]
//     [--order=chronological|random] [--ids=uuid7|random]
// PURGE_BATCH_SIZE in the environment is passed on to Carrel's configuration, to experiment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/root.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { runPurge, type PurgeSummary } from '../src/privacy/purge.ts';
import {
  choiceFlag,
  latencyStats,
  machineInfo,
  median,
  numberFlag,
  round,
  sleep,
  table,
  writeResult,
  type LatencyStats,
} from './lib.ts';
import type { FromReader, ReaderData, ToReader } from './purge-reader.ts';
import { seedSessions, type Seeded } from './purge-seed.ts';

const reps = numberFlag('reps', 3);
const expiredRows = numberFlag('rows', 1_000_000);
const baselineSeconds = numberFlag('baseline', 3);
const intervalMs = numberFlag('interval', 5);
const order = choiceFlag('order', ['chronological', 'random'] as const);
const ids = choiceFlag('ids', ['uuid7', 'random'] as const);
const liveRows = 10_000;
const heldRows = 1_000;
const TARGET_TOTAL_MS = 15_000;
const TARGET_BATCH_MS = 50;
const RULE = 'staff_sessions.expired';
/** A read slower than this is counted as slow, with its time. */
const SLOW_MS = 10;

/** Carrel's configuration for a data folder: defaults, except PURGE_BATCH_SIZE may be set to experiment. */
const configFor = (dataDir: string) =>
  loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    PURGE_BATCH_SIZE: process.env.PURGE_BATCH_SIZE,
  });

class Reader {
  private readonly worker: Worker;
  private constructor(worker: Worker) {
    this.worker = worker;
  }

  static async start(data: ReaderData): Promise<Reader> {
    // On Node 20 a worker thread does not inherit the tsx loader of `--import tsx`; register it first.
    const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.resolve('./purge-reader.ts'))}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: data });
    await new Promise<void>((resolve, reject) => {
      worker.once('online', () => resolve());
      worker.once('error', reject);
    });
    return new Reader(worker);
  }

  private ask(m: ToReader, answer: FromReader['type']): Promise<FromReader> {
    return new Promise((resolve, reject) => {
      const on = (r: FromReader) => {
        if (r.type !== answer) return;
        this.worker.off('message', on);
        this.worker.off('error', reject);
        resolve(r);
      };
      this.worker.on('message', on);
      this.worker.once('error', reject);
      this.worker.postMessage(m);
    });
  }

  async begin(): Promise<void> {
    await this.ask({ type: 'start' }, 'started');
  }

  async end(): Promise<{
    stats: LatencyStats;
    slow: { at: number; ms: number }[];
    misses: number;
    errors: number;
    firstError: string | null;
  }> {
    const r = await this.ask({ type: 'stop' }, 'samples');
    if (r.type !== 'samples') throw new Error('reader: unexpected answer');
    const stats = latencyStats(r.latenciesMs);
    return {
      stats: mapStats(stats, (v) => round(v, 3)),
      slow: r.slow,
      misses: r.misses,
      errors: r.errors,
      firstError: r.firstError,
    };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function mapStats(s: LatencyStats, f: (v: number) => number): LatencyStats {
  return { count: s.count, p50: f(s.p50), p90: f(s.p90), p99: f(s.p99), max: f(s.max), mean: f(s.mean) };
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

interface Template {
  dir: string;
  file: string;
  nowMs: number;
  seeded: Seeded;
  queryPlan: string[];
}

/** Seeds one database; every repetition starts from a fresh copy of it (seeding 1M rows takes ~20 s). */
async function buildTemplate(): Promise<Template> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-purge-template-'));
  const config = configFor(dir);
  const ctx = createContext(config, { logger: pino({ level: 'silent' }) });
  await migrateToLatest(ctx.db);
  await ctx.database.close();
  const file = config.database.location;
  const nowMs = Date.now();
  const seeded = seedSessions(
    file,
    nowMs,
    { expired: expiredRows, live: liveRows, held: heldRows },
    order,
    ids,
  );
  fsyncFile(file);
  // How SQLite runs the engine's batch (this SQL mirrors what purge.ts builds for staff_sessions).
  const probe = new Database(file, { readonly: true });
  const queryPlan = (
    probe
      .prepare(
        `EXPLAIN QUERY PLAN DELETE FROM staff_sessions WHERE id IN (
           SELECT purge_target.id FROM staff_sessions AS purge_target
           WHERE purge_target.expires_at IS NOT NULL AND purge_target.expires_at <= @now AND NOT EXISTS (
             SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > @now)
               AND (h.table_name IS NULL OR h.table_name = 'staff_sessions')
               AND ((h.subject_id IS NULL AND h.table_name = 'staff_sessions') OR (h.subject_kind = 'staff' AND h.subject_id = purge_target.staff_id))
               AND (h.from_at IS NULL OR purge_target.created_at >= h.from_at) AND (h.to_at IS NULL OR purge_target.created_at <= h.to_at))
           LIMIT 2000)`,
      )
      .all({ now: new Date(nowMs).toISOString() }) as { detail: string }[]
  ).map((r) => r.detail);
  probe.close();
  return { dir, file, nowMs, seeded, queryPlan };
}

interface RepResult {
  rep: number;
  purge: { durationMs: number; longestBatchMs: number; purged: number; held: number; wallMs: number };
  batches: {
    count: number;
    sizeMin: number;
    sizeMedian: number;
    sizeMax: number;
    /** Batches by size, in power-of-two buckets ("≤256": n). */
    sizeBuckets: Record<string, number>;
    /** Time from the start of the run to the first batch of staff_sessions.expired: mostly that first batch. */
    firstMs: number;
    /** Time between consecutive batches: the batch, the yield and the progress callback. */
    intervalMs: LatencyStats;
    intervalsOver25ms: number;
    intervalsOver50ms: number;
    /** From the last batch to the end: held count, other rules, WAL checkpoint, run record. */
    afterLastBatchMs: number;
  };
  mainEventLoopDelayMs: { p50: number; p99: number; max: number };
  readerBaseline: LatencyStats;
  readerDuringPurge: LatencyStats;
  /** Reads slower than SLOW_MS during the purge: while batches ran, or after the last batch (checkpoint). */
  readerSlowReads: {
    baseline: number;
    duringBatches: number;
    afterLastBatch: number;
    slowestAtMs: number | null;
  };
  readerErrors: number;
  readerMisses: number;
  verified: {
    remaining: number;
    survivorsPresent: number;
    expiredOfALeft: number;
    runRecorded: boolean;
    ok: boolean;
  };
  secondRun: { durationMs: number; purged: number };
  walBytesAfter: number;
}

async function oneRep(rep: number, template: Template): Promise<RepResult> {
  const { seeded, nowMs } = template;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-purge-'));
  const config = configFor(dataDir);
  fs.copyFileSync(template.file, config.database.location);
  // Flush the copy to disk now, or the purge's first checkpoint fsync would pay for writing it.
  fsyncFile(config.database.location);
  const ctx = createContext(config, { logger: pino({ level: 'silent' }) });
  let reader: Reader | null = null;
  try {
    await migrateToLatest(ctx.db); // nothing to do: the copy is migrated; kept so a new migration shows up here
    const file = ctx.database.sqliteFile;
    if (!file) throw new Error('expected a SQLite database');

    reader = await Reader.start({ file, ids: seeded.survivors, intervalMs, slowMs: SLOW_MS });
    await reader.begin();
    await sleep(baselineSeconds * 1000);
    const baseline = await reader.end();

    const progress: { t: number; n: number }[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    await reader.begin();
    loopDelay.enable();
    await sleep(20); // let the delay monitor's timer start before the purge first blocks the loop
    const w0 = performance.now();
    const w0Epoch = performance.timeOrigin + w0;
    const deps = {
      db: ctx.db,
      ops: ctx.database.ops,
      clock: ctx.clock,
      inventory: ctx.inventory,
      logger: ctx.logger,
    };
    const summary: PurgeSummary = await runPurge(deps, {
      dryRun: false,
      trigger: 'cli',
      batchSize: config.purge.batchSize,
      onProgress: (ruleId, soFar) => {
        if (ruleId === RULE) progress.push({ t: performance.now(), n: soFar });
      },
    });
    const wallMs = performance.now() - w0;
    loopDelay.disable();
    const during = await reader.end();
    await reader.close();
    reader = null;

    // Exactly the expected rows went: the count left equals the survivors, and every survivor is there.
    const check = new Database(file, { readonly: true });
    const remaining = (check.prepare('SELECT COUNT(*) AS n FROM staff_sessions').get() as { n: number }).n;
    const has = check.prepare('SELECT 1 FROM staff_sessions WHERE id = ?');
    const survivorsPresent = seeded.survivors.filter((id) => has.get(id) !== undefined).length;
    const expiredOfALeft = (
      check
        .prepare('SELECT COUNT(*) AS n FROM staff_sessions WHERE staff_id = ? AND expires_at <= ?')
        .get(seeded.staffA, new Date(nowMs).toISOString()) as { n: number }
    ).n;
    const run = check.prepare('SELECT outcome FROM purge_runs WHERE id = ?').get(summary.runId) as
      { outcome: string } | undefined;
    check.close();
    const counts = summary.counts[RULE];
    const ok =
      remaining === liveRows + heldRows &&
      survivorsPresent === liveRows + heldRows &&
      expiredOfALeft === 0 &&
      counts?.purged === expiredRows &&
      counts.held === heldRows &&
      run?.outcome === 'ok';

    const again = await runPurge(deps, { dryRun: false, trigger: 'cli', batchSize: config.purge.batchSize });
    const againPurged = Object.values(again.counts).reduce((s, c) => s + c.purged, 0);
    const walFile = `${file}-wal`;
    const walBytesAfter = fs.existsSync(walFile) ? fs.statSync(walFile).size : 0;

    const sizes = progress.map((p, i) => p.n - (i > 0 ? (progress[i - 1]?.n ?? 0) : 0));
    const intervals = progress.slice(1).map((p, i) => p.t - (progress[i]?.t ?? p.t));
    const sizeBuckets: Record<string, number> = {};
    for (const s of sizes) {
      const b = `≤${Math.min(config.purge.batchSize, 2 ** Math.ceil(Math.log2(Math.max(1, s))))}`;
      sizeBuckets[b] = (sizeBuckets[b] ?? 0) + 1;
    }
    const lastT = progress.at(-1)?.t ?? w0;
    const lastEpoch = performance.timeOrigin + lastT;
    const slowest = during.slow.reduce<{ at: number; ms: number } | null>(
      (a, b) => (a && a.ms >= b.ms ? a : b),
      null,
    );
    const result: RepResult = {
      rep,
      purge: {
        durationMs: summary.durationMs,
        longestBatchMs: summary.longestBatchMs,
        purged: counts?.purged ?? 0,
        held: counts?.held ?? 0,
        wallMs: Math.round(wallMs),
      },
      batches: {
        count: sizes.length,
        sizeMin: Math.min(...sizes),
        sizeMedian: median(sizes),
        sizeMax: Math.max(...sizes),
        sizeBuckets,
        firstMs: round((progress[0]?.t ?? w0) - w0, 1),
        intervalMs: mapStats(latencyStats(intervals), (v) => round(v, 2)),
        intervalsOver25ms: intervals.filter((v) => v > 25).length,
        intervalsOver50ms: intervals.filter((v) => v > 50).length,
        afterLastBatchMs: Math.round(w0 + wallMs - lastT),
      },
      mainEventLoopDelayMs: {
        p50: round(loopDelay.percentile(50) / 1e6),
        p99: round(loopDelay.percentile(99) / 1e6),
        max: round(loopDelay.max / 1e6),
      },
      readerBaseline: baseline.stats,
      readerDuringPurge: during.stats,
      readerErrors: baseline.errors + during.errors,
      readerMisses: baseline.misses + during.misses,
      readerSlowReads: {
        baseline: baseline.slow.length,
        duringBatches: during.slow.filter((r) => r.at <= lastEpoch).length,
        afterLastBatch: during.slow.filter((r) => r.at > lastEpoch).length,
        slowestAtMs: slowest ? Math.round(slowest.at - w0Epoch) : null,
      },
      verified: { remaining, survivorsPresent, expiredOfALeft, runRecorded: run?.outcome === 'ok', ok },
      secondRun: { durationMs: again.durationMs, purged: againPurged },
      walBytesAfter,
    };
    if (during.firstError ?? baseline.firstError)
      console.log(`  reader error: ${during.firstError ?? baseline.firstError}`);
    console.log(
      `rep ${rep}: purge ${round(summary.durationMs / 1000, 2)} s, longest batch ${summary.longestBatchMs} ms (start→first batch ${result.batches.firstMs} ms), ` +
        `${sizes.length} batches (sizes ${result.batches.sizeMin}–${result.batches.sizeMax}, median ${result.batches.sizeMedian}), ` +
        `reader p50/p99 ${baseline.stats.p50}/${baseline.stats.p99} ms idle → ${during.stats.p50}/${during.stats.p99} ms during purge, ` +
        `verified ${ok && againPurged === 0 ? 'ok' : 'FAILED'}`,
    );
    return result;
  } finally {
    await reader?.close();
    await ctx.database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const machine = machineInfo();
console.log(
  `purge: ${reps} repetitions, ${expiredRows} expired rows in ${order} order (+${liveRows} live, +${heldRows} held), batch size ${loadConfig({ CARREL_SECRET: 'x'.repeat(32), PURGE_BATCH_SIZE: process.env.PURGE_BATCH_SIZE }).purge.batchSize}, reader every ${intervalMs} ms`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);

let exitCode = 0;
const results: RepResult[] = [];
let template: Template | null = null;
try {
  template = await buildTemplate();
  const dbMiB = round(template.seeded.dbBytes / 2 ** 20, 1);
  console.log(
    `seeded ${expiredRows + liveRows + heldRows} rows in ${round(template.seeded.seedMs / 1000, 1)} s (${dbMiB} MiB); each rep purges a fresh copy`,
  );
  for (let i = 1; i <= reps; i++) results.push(await oneRep(i, template));

  const med = (f: (r: RepResult) => number) => round(median(results.map(f)), 3);
  const medians = {
    purgeDurationMs: med((r) => r.purge.durationMs),
    longestBatchMs: med((r) => r.purge.longestBatchMs),
    batches: med((r) => r.batches.count),
    batchIntervalP99Ms: med((r) => r.batches.intervalMs.p99),
    mainEventLoopDelayMaxMs: med((r) => r.mainEventLoopDelayMs.max),
    readerBaselineP50Ms: med((r) => r.readerBaseline.p50),
    readerBaselineP99Ms: med((r) => r.readerBaseline.p99),
    readerBaselineMaxMs: med((r) => r.readerBaseline.max),
    readerDuringP50Ms: med((r) => r.readerDuringPurge.p50),
    readerDuringP99Ms: med((r) => r.readerDuringPurge.p99),
    readerDuringMaxMs: med((r) => r.readerDuringPurge.max),
    secondRunMs: med((r) => r.secondRun.durationMs),
    purgeMsPerRow: med((r) => r.purge.durationMs / expiredRows),
  };
  const ratios = {
    readerP50DuringVsBaseline: round(
      median(results.map((r) => r.readerDuringPurge.p50 / r.readerBaseline.p50)),
      2,
    ),
    readerP99DuringVsBaseline: round(
      median(results.map((r) => r.readerDuringPurge.p99 / r.readerBaseline.p99)),
      2,
    ),
  };
  const allVerified = results.every(
    (r) => r.verified.ok && r.secondRun.purged === 0 && r.readerErrors === 0 && r.readerMisses === 0,
  );
  const targets = {
    totalUnder15s: medians.purgeDurationMs < TARGET_TOTAL_MS,
    longestBatchUnder50ms: medians.longestBatchMs < TARGET_BATCH_MS,
    everyRepTotalUnder15s: results.every((r) => r.purge.durationMs < TARGET_TOTAL_MS),
    everyRepLongestBatchUnder50ms: results.every((r) => r.purge.longestBatchMs < TARGET_BATCH_MS),
    verified: allVerified,
  };

  console.log('');
  console.log(
    table(
      [
        'rep',
        'purge s',
        'longest batch ms',
        'batches',
        'reader p50 idle/purge ms',
        'reader p99 idle/purge ms',
        'reader max idle/purge ms',
        'loop max ms',
        `reads >${SLOW_MS} ms idle/batches/after`,
        'ok',
      ],
      results.map((r) => [
        r.rep,
        round(r.purge.durationMs / 1000, 2),
        r.purge.longestBatchMs,
        r.batches.count,
        `${r.readerBaseline.p50}/${r.readerDuringPurge.p50}`,
        `${r.readerBaseline.p99}/${r.readerDuringPurge.p99}`,
        `${r.readerBaseline.max}/${r.readerDuringPurge.max}`,
        r.mainEventLoopDelayMs.max,
        `${r.readerSlowReads.baseline}/${r.readerSlowReads.duringBatches}/${r.readerSlowReads.afterLastBatch}`,
        r.verified.ok && r.secondRun.purged === 0 ? 'yes' : 'NO',
      ]),
    ),
  );
  console.log(
    `\nmedians: purge ${round(medians.purgeDurationMs / 1000, 2)} s (target < 15 s: ${targets.totalUnder15s ? 'met' : 'NOT met'}), ` +
      `longest batch ${medians.longestBatchMs} ms (target < 50 ms: ${targets.longestBatchUnder50ms ? 'met' : 'NOT met'}${targets.everyRepLongestBatchUnder50ms ? '' : ', not in every rep'})`,
  );
  console.log(
    `reader p50 ${medians.readerBaselineP50Ms} → ${medians.readerDuringP50Ms} ms (×${ratios.readerP50DuringVsBaseline}), ` +
      `p99 ${medians.readerBaselineP99Ms} → ${medians.readerDuringP99Ms} ms (×${ratios.readerP99DuringVsBaseline}), ` +
      `max ${medians.readerBaselineMaxMs} → ${medians.readerDuringMaxMs} ms`,
  );
  console.log(
    `rows removed exactly as expected and second run empty in every rep: ${allVerified ? 'yes' : 'NO'}`,
  );

  const file = writeResult('purge', {
    benchmark: 'purge',
    at: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
    settings: {
      reps,
      order,
      ids,
      expiredRows,
      liveRows,
      heldRows,
      baselineSeconds,
      readerIntervalMs: intervalMs,
      table: 'staff_sessions',
      rule: RULE,
    },
    medians,
    ratios,
    targets,
    seed: { seconds: round(template.seeded.seedMs / 1000, 1), dbMiB, queryPlan: template.queryPlan },
    reps: results,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  if (!allVerified) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  if (template) fs.rmSync(template.dir, { recursive: true, force: true });
}
process.exit(exitCode);
