// Home page throughput: Carrel's real app (GET /, server-rendered) against a bare Fastify app with
// one JSON route, both measured in the same run with autocannon's programmatic API.
//
// Each server runs in its own child process (bench/home-server.ts); this process only generates
// load, so the load generator and the server under test never share an event loop. On a 2-core
// machine that gives one core to the server and one to autocannon. Rounds alternate the order
// (bare, Carrel / Carrel, bare / ...) so slow drift on a shared machine hits both alike; the
// summary quotes medians over rounds and the ratio Carrel / bare.
//
//   node --import tsx bench/home.ts [--rounds=4] [--duration=10] [--warmup=3] [--connections=50]
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import type { FromServer, ServerKind } from './home-server.ts';
import { benchDir, machineInfo, median, numberFlag, round, table, writeResult } from './lib.ts';

const rounds = numberFlag('rounds', 4);
const duration = numberFlag('duration', 10);
const warmup = numberFlag('warmup', 3);
const connections = numberFlag('connections', 50);
const TARGET_RATIO = 0.5;

interface Server {
  kind: ServerKind;
  url: string;
  child: ChildProcess;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

function startServer(kind: ServerKind): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'home-server.ts'), kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${kind} server exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (m: FromServer) => {
      if (m.type !== 'ready') return reject(new Error(`${kind} server: unexpected first message`));
      child.off('exit', onExit);
      resolve({
        kind,
        url: m.url,
        child,
        /** CPU time (user + system) the server process has used so far, in ms. */
        cpu: () =>
          new Promise((res) => {
            const on = (r: FromServer) => {
              if (r.type !== 'cpu') return;
              child.off('message', on);
              res((r.user + r.system) / 1000);
            };
            child.on('message', on);
            child.send({ type: 'cpu' });
          }),
        stop: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}

interface Sample {
  kind: ServerKind;
  round: number;
  reqPerSec: number;
  requests: number;
  seconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU time the server process used per 1000 responses. */
  serverCpuMsPer1k: number;
  /** Share of one core the server process used during the run. */
  serverCpuShare: number;
}

async function measure(server: Server, seconds: number, roundNo: number): Promise<Sample> {
  const cpu0 = await server.cpu();
  const r: Result = await autocannon({
    url: `${server.url}/`,
    connections,
    duration: seconds,
    pipelining: 1,
  });
  const cpu1 = await server.cpu();
  const ok = r['2xx'];
  return {
    kind: server.kind,
    round: roundNo,
    reqPerSec: round(r.requests.average, 0),
    requests: ok,
    seconds: r.duration,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    serverCpuMsPer1k: round(((cpu1 - cpu0) / Math.max(1, ok)) * 1000, 1),
    serverCpuShare: round((cpu1 - cpu0) / (r.duration * 1000), 2),
  };
}

async function probe(server: Server): Promise<{ status: number; contentType: string; bytes: number }> {
  const res = await fetch(`${server.url}/`);
  const body = await res.text();
  const out = {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    bytes: Buffer.byteLength(body),
  };
  if (out.status !== 200) throw new Error(`${server.kind} GET / answered ${out.status}`);
  if (
    server.kind === 'carrel' &&
    !(out.contentType.startsWith('text/html') && body.startsWith('<!doctype html>'))
  ) {
    throw new Error('Carrel GET / did not send the HTML home page');
  }
  return out;
}

const machine = machineInfo();
console.log(
  `home: ${rounds} rounds × ${duration}s per server after ${warmup}s warm-up, ${connections} connections`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);

const servers: Server[] = [];
let exitCode = 0;
try {
  const bare = await startServer('bare');
  servers.push(bare);
  const carrel = await startServer('carrel');
  servers.push(carrel);
  const responses = { bare: await probe(bare), carrel: await probe(carrel) };
  console.log(
    `GET / → bare ${responses.bare.bytes} B ${responses.bare.contentType}; Carrel ${responses.carrel.bytes} B ${responses.carrel.contentType}`,
  );

  for (const s of [bare, carrel]) await autocannon({ url: `${s.url}/`, connections, duration: warmup });

  const samples: Sample[] = [];
  for (let i = 1; i <= rounds; i++) {
    const order = i % 2 ? [bare, carrel] : [carrel, bare];
    for (const s of order) {
      const m = await measure(s, duration, i);
      samples.push(m);
      console.log(
        `round ${i} ${s.kind.padEnd(6)} ${String(m.reqPerSec).padStart(7)} req/s  p50 ${m.latencyP50Ms} ms  p99 ${m.latencyP99Ms} ms  ` +
          `server CPU ${m.serverCpuShare} core, ${m.serverCpuMsPer1k} ms/1k req${m.non2xx + m.errors + m.timeouts ? `  (non2xx ${m.non2xx}, errors ${m.errors}, timeouts ${m.timeouts})` : ''}`,
      );
    }
  }

  const of = (kind: ServerKind, key: keyof Sample) =>
    samples.filter((s) => s.kind === kind).map((s) => s[key] as number);
  const summarize = (kind: ServerKind) => ({
    reqPerSec: round(median(of(kind, 'reqPerSec')), 2),
    latencyP50Ms: round(median(of(kind, 'latencyP50Ms')), 2),
    latencyP99Ms: round(median(of(kind, 'latencyP99Ms')), 2),
    serverCpuMsPer1k: round(median(of(kind, 'serverCpuMsPer1k')), 2),
    serverCpuShare: round(median(of(kind, 'serverCpuShare')), 2),
    failures: of(kind, 'non2xx').reduce((a, b) => a + b, 0) + of(kind, 'errors').reduce((a, b) => a + b, 0),
  });
  const med = { bare: summarize('bare'), carrel: summarize('carrel') };
  const perRoundRatios = Array.from({ length: rounds }, (_, i) => {
    const b = samples.find((s) => s.kind === 'bare' && s.round === i + 1)?.reqPerSec ?? Number.NaN;
    const c = samples.find((s) => s.kind === 'carrel' && s.round === i + 1)?.reqPerSec ?? Number.NaN;
    return round(c / b, 3);
  });
  const ratio = round(med.carrel.reqPerSec / med.bare.reqPerSec, 3);
  const cpuRatio = round(med.bare.serverCpuMsPer1k / med.carrel.serverCpuMsPer1k, 3);
  const summary = {
    ratioOfMedians: ratio,
    medianPerRoundRatio: round(median(perRoundRatios), 3),
    perRoundRatios,
    /** Requests per CPU-second, Carrel / bare: the ratio independent of the load generator's limits. */
    serverCpuEfficiencyRatio: cpuRatio,
    target: TARGET_RATIO,
    // Judged on the per-round ratios: each pairs two back-to-back runs, so drift on a shared
    // machine cancels out better than in the ratio of medians taken from different rounds.
    targetMet: median(perRoundRatios) >= TARGET_RATIO && med.carrel.failures === 0,
    /** Runs in which the server used less than 0.9 of a core: held back by the load generator or other load. */
    unsaturatedRuns: samples.filter((s) => s.serverCpuShare < 0.9).map((s) => `${s.kind}#${s.round}`),
  };

  console.log('');
  console.log(
    table(
      ['medians', 'req/s', 'p50 ms', 'p99 ms', 'server cores', 'CPU ms/1k req'],
      (['bare', 'carrel'] as const).map((k) => [
        k,
        med[k].reqPerSec,
        med[k].latencyP50Ms,
        med[k].latencyP99Ms,
        med[k].serverCpuShare,
        med[k].serverCpuMsPer1k,
      ]),
    ),
  );
  console.log(
    `\nCarrel / bare req/s: median of per-round ratios ${summary.medianPerRoundRatio} (rounds ${perRoundRatios.join(', ')}); ratio of medians ${ratio}`,
  );
  console.log(`Carrel / bare requests per server CPU-second: ${cpuRatio}`);
  if (summary.unsaturatedRuns.length)
    console.log(
      `note: server below 0.9 core in ${summary.unsaturatedRuns.join(', ')} (load generator or other load on the machine)`,
    );
  console.log(`target ≥ ${TARGET_RATIO} (median per-round ratio): ${summary.targetMet ? 'met' : 'NOT met'}`);
  if (med.carrel.failures || med.bare.failures)
    console.log(`failures: bare ${med.bare.failures}, Carrel ${med.carrel.failures}`);

  const file = writeResult('home', {
    benchmark: 'home',
    at: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
    settings: {
      rounds,
      durationSeconds: duration,
      warmupSeconds: warmup,
      connections,
      pipelining: 1,
      serversInChildProcesses: true,
    },
    responses,
    medians: med,
    summary,
    samples,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
process.exit(exitCode);
