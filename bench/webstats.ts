// Website statistics (issue 5, "Performance"): three measurements in one run.
//
// 1. beacon — POST /stats/hit over HTTP with 50 connections, the real app against a bare Fastify
//    route that parses the same text/plain JSON body and answers 204. Each server runs in its own
//    child process (bench/webstats-server.ts), autocannon in this one; rounds alternate the order and
//    the target (Carrel ≥ 0.5 × bare) is judged on the median of the per-round ratios, as in `home`.
//    Afterwards the app's stats_hourly must hold one beacon view per 204 it sent.
// 2. memory — 10 million views through StatsCollector.record() in a child process (no HTTP), on a
//    simulated clock (250,000 views a day: 40 days, salts rolling over), flushed every 100,000 views
//    and rolled over at each new day; RSS and heap (after a full GC) sampled every 500,000 views.
// 3. import — importLogFile() on a generated combined-format log (1,000,000 lines, ~2,000
//    addresses, ~5 % crawlers, ~30 % assets, 404s, ~0.1 % malformed), plain and gzip, each run in a
//    fresh child process on a fresh database; then with reverse DNS through a loopback DNS server
//    (test/support/dns-server.ts) answering PTR names for the addresses (15 % NXDOMAIN); then the
//    real CLI (`carrel stats import-log FILE --no-dns`) once.
//
//   node --import tsx bench/webstats.ts [--parts=beacon,memory,import] [--rounds=4] [--duration=10]
//     [--warmup=3] [--connections=50] [--views=10000000] [--flush-every=100000]
//     [--sample-every=500000] [--views-per-day=250000] [--lines=1000000] [--reps=3] [--dns-reps=1]
//     [--days=7] [--regenerate] [--cpu-prof]
// Part 1 is in bench/webstats-beacon.ts, part 3 in bench/webstats-logs.ts, the flags and the child
// processes in bench/webstats-common.ts.
import path from 'node:path';
import { machineInfo, round, table, writeResult } from './lib.ts';
import { beacon } from './webstats-beacon.ts';
import {
  connections,
  cpuProf,
  dnsReps,
  duration,
  flushEvery,
  fmt,
  lines,
  logDays,
  parts,
  profDir,
  reps,
  root,
  rounds,
  sampleEvery,
  startChild,
  TARGET_LINES,
  TARGET_RATIO,
  views,
  viewsPerDay,
  warmup,
} from './webstats-common.ts';
import { logImport } from './webstats-logs.ts';
import type { MemorySample } from './webstats-server.ts';

// ---------------------------------------------------------------------------------------------
// 2. Memory over 10 million views

function flatness(samples: MemorySample[], key: 'heapAfterGcMb' | 'rssMb') {
  // Warm-up: the first 10 % of the views (caches filling, first days of hourly rows).
  const after = samples.filter((s) => s.views > views * 0.1);
  const q = Math.max(1, Math.floor(after.length / 4));
  const firstMax = Math.max(...after.slice(0, q).map((s) => s[key]));
  const lastMax = Math.max(...after.slice(-q).map((s) => s[key]));
  // Least-squares slope over the samples after warm-up, in MB per million views.
  const n = after.length;
  const mx = after.reduce((a, s) => a + s.views, 0) / n;
  const my = after.reduce((a, s) => a + s[key], 0) / n;
  let num = 0;
  let den = 0;
  for (const s of after) {
    num += (s.views - mx) * (s[key] - my);
    den += (s.views - mx) ** 2;
  }
  return {
    firstQuarterMaxMb: firstMax,
    lastQuarterMaxMb: lastMax,
    growth: round(lastMax / firstMax - 1, 3),
    slopeMbPerMillion: round(den ? (num / den) * 1e6 : 0, 2),
  };
}

async function memory() {
  const proc = startChild(
    'memory',
    [
      `--views=${views}`,
      `--flushEvery=${flushEvery}`,
      `--sampleEvery=${sampleEvery}`,
      `--viewsPerDay=${viewsPerDay}`,
    ],
    ['--expose-gc'],
  );
  const { report } = await proc.next('memory');
  await proc.stop();
  const s = report.samples;
  const pickSamples = [s[0], s[1], s[Math.floor(s.length / 2)], s[s.length - 1]].filter(
    (x): x is MemorySample => x !== undefined,
  );
  console.log(
    table(
      ['views', 'simulated day', 'RSS MB', 'heap MB', 'heap after GC MB', 'database MB', 's'],
      pickSamples.map((x) => [
        fmt(x.views),
        x.simulatedDay,
        x.rssMb,
        x.heapUsedMb,
        x.heapAfterGcMb,
        x.dbFileMb,
        x.seconds,
      ]),
    ),
  );
  const heap = flatness(s, 'heapAfterGcMb');
  const rss = flatness(s, 'rssMb');
  const perSec = report.views / report.seconds;
  const recordPerSec = report.views / report.recordSeconds;
  const flat = heap.growth <= 0.1 && rss.growth <= 0.1;
  const consistent = report.check.viewsInDb === report.check.countedViews && report.check.saltsLeft <= 1;
  console.log(
    `memory: heap after GC ${heap.firstQuarterMaxMb} → ${heap.lastQuarterMaxMb} MB (${heap.slopeMbPerMillion} MB per million views), ` +
      `RSS ${rss.firstQuarterMaxMb} → ${rss.lastQuarterMaxMb} MB: ${flat ? 'flat' : 'NOT flat'}; ` +
      `${fmt(perSec)} views/s with flushes (record() alone ${fmt(recordPerSec)}/s), ${report.flushes} flushes, ${report.simulatedDays} days rolled over`,
  );
  console.log(
    `memory: outcomes ${JSON.stringify(report.outcomes)}; views in the database ${fmt(report.check.viewsInDb)} ` +
      `(${consistent ? 'equal to' : 'DIFFERENT from'} those counted); salts left ${report.check.saltsLeft}, ` +
      `hourly rows ${fmt(report.check.hourlyRows)}, daily rows ${fmt(report.check.dailyRows)}`,
  );
  return {
    report,
    heap,
    rss,
    flat,
    consistent,
    viewsPerSec: round(perSec, 0),
    recordPerSec: round(recordPerSec, 0),
  };
}

// ---------------------------------------------------------------------------------------------

const machine = machineInfo();
console.log(
  `webstats: parts ${[...parts].join(', ')}; machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);
const startedAt = new Date().toISOString();
let exitCode = 0;
const results: Record<string, unknown> = {};
const summaryRows: (string | number)[][] = [];
try {
  if (parts.has('beacon')) {
    console.log(
      `\n--- beacon: ${rounds} rounds × ${duration}s per server after ${warmup}s warm-up, ${connections} connections`,
    );
    const b = await beacon();
    results.beacon = b;
    summaryRows.push(
      [
        'beacon: Carrel / bare req/s (median per-round ratio)',
        b.ratio,
        `≥ ${TARGET_RATIO}`,
        b.targetMet ? 'met' : 'NOT met',
      ],
      [
        'beacon: Carrel req/s, p50 / p99 latency',
        `${fmt(b.medians.carrel.reqPerSec)}, ${b.medians.carrel.latencyP50Ms} / ${b.medians.carrel.latencyP99Ms} ms`,
        '',
        '',
      ],
      [
        'beacon: bare req/s, p50 / p99 latency',
        `${fmt(b.medians.bare.reqPerSec)}, ${b.medians.bare.latencyP50Ms} / ${b.medians.bare.latencyP99Ms} ms`,
        '',
        '',
      ],
      [
        'beacon: 204s answered / views counted',
        `${fmt(b.counts.answered204)} / ${fmt(b.counts.beaconViewsInDb)}`,
        'equal ± in flight',
        b.counts.ok ? 'yes' : 'NO',
      ],
    );
  }
  if (parts.has('memory')) {
    console.log(
      `\n--- memory: ${fmt(views)} views through record(), flush every ${fmt(flushEvery)}, ${fmt(viewsPerDay)} views per simulated day`,
    );
    const m = await memory();
    results.memory = m;
    summaryRows.push(
      [
        'memory: heap after GC, first → last quarter max',
        `${m.heap.firstQuarterMaxMb} → ${m.heap.lastQuarterMaxMb} MB`,
        'flat (≤ +10 %)',
        m.heap.growth <= 0.1 ? 'yes' : 'NO',
      ],
      [
        'memory: RSS, first → last quarter max',
        `${m.rss.firstQuarterMaxMb} → ${m.rss.lastQuarterMaxMb} MB`,
        'flat (≤ +10 %)',
        m.rss.growth <= 0.1 ? 'yes' : 'NO',
      ],
      ['memory: views/s (record + flushes + rollovers)', fmt(m.viewsPerSec), '', ''],
    );
  }
  if (parts.has('import')) {
    console.log(
      `\n--- import: ${fmt(lines)} lines, ${reps} runs each plain and gzip, ${dnsReps} with DNS, then the CLI`,
    );
    const l = await logImport();
    results.import = l;
    summaryRows.push(
      [
        'import: lines/s, plain, no DNS (median)',
        fmt(l.plainLinesPerSec),
        `≥ ${fmt(TARGET_LINES)}`,
        l.targetMet ? 'met' : 'NOT met',
      ],
      ['import: lines/s, gzip, no DNS (median)', fmt(l.gzipLinesPerSec), '', ''],
      ['import: lines/s, plain, reverse DNS on', fmt(l.dnsLinesPerSec), '', ''],
      [
        'import: peak RSS plain / gzip / DNS',
        `${l.peakRssMb.plain} / ${l.peakRssMb.gzip} / ${l.peakRssMb.dns} MB`,
        '',
        '',
      ],
      [
        'import: CLI wall time, lines/s printed',
        `${l.cli.wallSeconds} s, ${l.cli.printedLinesPerSec === null ? '?' : fmt(l.cli.printedLinesPerSec)}`,
        '',
        '',
      ],
      ['import: counts as generated', l.checksPassed ? 'all runs' : 'NO', '', l.checksPassed ? 'yes' : 'NO'],
    );
  }
  const after = machineInfo().loadAverage;
  console.log(`\n${table(['webstats', 'value', 'target', 'met'], summaryRows)}`);
  console.log(`load average before ${machine.loadAverage.join(' ')}, after ${after.join(' ')}`);
  const file = writeResult('webstats', {
    benchmark: 'webstats',
    at: startedAt,
    machine: { ...machine, loadAverageAfter: after },
    settings: {
      parts: [...parts],
      rounds,
      durationSeconds: duration,
      warmupSeconds: warmup,
      connections,
      views,
      flushEvery,
      sampleEvery,
      viewsPerDay,
      lines,
      reps,
      dnsReps,
      logDays,
      cpuProf: cpuProf ? path.relative(root, profDir) : false,
    },
    ...results,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
} catch (err) {
  console.error(err);
  exitCode = 1;
}
process.exit(exitCode);
