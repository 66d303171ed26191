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
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import autocannon, { type Result } from 'autocannon';
import { startDnsServer } from '../test/support/dns-server.ts';
import { parseUserAgent } from '../src/features/webstats/user-agent.ts';
import {
  benchDir,
  machineInfo,
  median,
  numberFlag,
  prng,
  resultsDir,
  round,
  table,
  writeResult,
} from './lib.ts';
import type { FromChild, ImportReport, MemorySample, Role } from './webstats-server.ts';
import { buildTraffic, SITE_HOST, SITE_ORIGIN, type Traffic } from './webstats-traffic.ts';

const argv = process.argv.slice(2);
const has = (name: string) => argv.includes(`--${name}`);
const partsArg =
  argv.find((a) => a.startsWith('--parts='))?.slice('--parts='.length) ?? 'beacon,memory,import';
const parts = new Set(partsArg.split(','));
for (const p of parts)
  if (!['beacon', 'memory', 'import'].includes(p)) throw new Error(`--parts: unknown part ${p}`);

const rounds = numberFlag('rounds', 4);
const duration = numberFlag('duration', 10);
const warmup = numberFlag('warmup', 3);
const connections = numberFlag('connections', 50);
const views = numberFlag('views', 10_000_000);
const flushEvery = numberFlag('flush-every', 100_000);
const sampleEvery = numberFlag('sample-every', 500_000);
const viewsPerDay = numberFlag('views-per-day', 250_000);
const lines = numberFlag('lines', 1_000_000);
const reps = numberFlag('reps', 3);
const dnsReps = numberFlag('dns-reps', 1);
const logDays = numberFlag('days', 7);
const cpuProf = has('cpu-prof');
const TARGET_RATIO = 0.5;
const TARGET_LINES = 100_000;

const serverFile = path.join(benchDir, 'webstats-server.ts');
const root = path.resolve(benchDir, '..');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profDir = path.join(resultsDir, 'cpu-prof', `webstats-${stamp}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Child processes

interface Child {
  child: ChildProcess;
  /** The next message of the given type (rejects on an error message or an early exit). */
  next<T extends FromChild['type']>(type: T): Promise<Extract<FromChild, { type: T }>>;
  send(m: { type: 'cpu' | 'stats' | 'stop' }): void;
  /** Servers: asks them to stop; the other roles exit by themselves after their report. */
  stop(): Promise<void>;
}

function startChild(role: Role, args: string[] = [], execArgv: string[] = []): Child {
  const child = spawn(process.execPath, [...execArgv, '--import', 'tsx', serverFile, role, ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromChild['type']>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type === 'error') {
          cleanup();
          reject(new Error(`${role} child: ${m.message}`));
        } else if (m.type === type) {
          cleanup();
          resolve(m as Extract<FromChild, { type: T }>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${role} child exited (code ${code}) before sending ${type}`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    child,
    next,
    send: (m) => child.send(m),
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        if (role === 'carrel' || role === 'bare') child.send({ type: 'stop' });
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Beacon over HTTP

type Kind = 'carrel' | 'bare';

interface Server {
  kind: Kind;
  url: string;
  proc: Child;
  cpu(): Promise<{ ms: number; userMs: number; rssMb: number }>;
}

async function startServer(kind: Kind): Promise<Server> {
  const proc = startChild(
    kind,
    [],
    cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, kind)}`] : [],
  );
  const ready = await proc.next('ready');
  return {
    kind,
    url: ready.url,
    proc,
    async cpu() {
      const p = proc.next('cpu');
      proc.send({ type: 'cpu' });
      const r = await p;
      return { ms: (r.user + r.system) / 1000, userMs: r.user / 1000, rssMb: r.rssMb };
    },
  };
}

interface BeaconRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What navigator.sendBeacon sends from pages of the library's other site, in 101 variants. */
function beaconRequests(traffic: Traffic): BeaconRequest[] {
  const rand = prng(23);
  const out: BeaconRequest[] = [];
  for (let i = 0; i < 101; i++) {
    const c = traffic.humanClient();
    const ua = c.uas[Math.floor(rand() * c.uas.length)] as string;
    const p = traffic.page();
    out.push({
      method: 'POST',
      path: '/stats/hit',
      headers: {
        'Content-Type': 'text/plain;charset=UTF-8',
        Origin: SITE_ORIGIN,
        Referer: `${SITE_ORIGIN}${p}`,
        'User-Agent': ua,
        Accept: '*/*',
        'Accept-Language': 'en-US,en;q=0.9',
        'Accept-Encoding': 'gzip, deflate, br, zstd',
        'Sec-Fetch-Dest': 'empty',
        'Sec-Fetch-Mode': 'no-cors',
        'Sec-Fetch-Site': 'cross-site',
      },
      body: JSON.stringify({ p, r: traffic.referrer() }),
    });
  }
  return out;
}

// autocannon's programmatic options used here beyond bench/autocannon.d.ts (method, requests).
type Cannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  requests: BeaconRequest[];
}) => Promise<Result>;
const cannon = autocannon as unknown as Cannon;

interface BeaconSample {
  kind: Kind;
  round: number;
  reqPerSec: number;
  answered: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  serverCpuMsPer1k: number;
  /** Of which in user space (JavaScript, the HTTP parser); the rest is the kernel (sockets). */
  serverUserMsPer1k: number;
  serverCpuShare: number;
  serverRssMb: number;
}

async function beacon() {
  const traffic = buildTraffic({ clients: 2000, uas: 2000, seed: 7 });
  const requests = beaconRequests(traffic);
  const servers: Server[] = [];
  try {
    const bare = await startServer('bare');
    servers.push(bare);
    const carrel = await startServer('carrel');
    servers.push(carrel);
    const answered: Record<Kind, number> = { bare: 0, carrel: 0 };
    // Probe: both answer 204 to a real beacon; Carrel refuses a site it does not know.
    const first = requests[0] as BeaconRequest;
    for (const s of [bare, carrel]) {
      const res = await fetch(`${s.url}/stats/hit`, {
        method: 'POST',
        headers: first.headers,
        body: first.body,
      });
      if (res.status !== 204) throw new Error(`${s.kind} POST /stats/hit answered ${res.status}`);
      answered[s.kind]++;
    }
    const refused = await fetch(`${carrel.url}/stats/hit`, {
      method: 'POST',
      headers: { ...first.headers, Origin: 'https://elsewhere.example' },
      body: first.body,
    });
    if (refused.status !== 403)
      throw new Error(`Carrel accepted a beacon from an unknown origin (${refused.status})`);

    const run = (s: Server, seconds: number) =>
      cannon({ url: s.url, connections, duration: seconds, pipelining: 1, requests });
    for (const s of [bare, carrel]) answered[s.kind] += (await run(s, warmup))['2xx'];
    const rssStart = (await carrel.cpu()).rssMb;

    const samples: BeaconSample[] = [];
    for (let i = 1; i <= rounds; i++) {
      for (const s of i % 2 ? [bare, carrel] : [carrel, bare]) {
        const c0 = await s.cpu();
        const r = await run(s, duration);
        const c1 = await s.cpu();
        answered[s.kind] += r['2xx'];
        const m: BeaconSample = {
          kind: s.kind,
          round: i,
          reqPerSec: round(r.requests.average, 0),
          answered: r['2xx'],
          latencyP50Ms: r.latency.p50,
          latencyP99Ms: r.latency.p99,
          latencyMaxMs: r.latency.max,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          serverCpuMsPer1k: round(((c1.ms - c0.ms) / Math.max(1, r['2xx'])) * 1000, 1),
          serverUserMsPer1k: round(((c1.userMs - c0.userMs) / Math.max(1, r['2xx'])) * 1000, 1),
          serverCpuShare: round((c1.ms - c0.ms) / (r.duration * 1000), 2),
          serverRssMb: c1.rssMb,
        };
        samples.push(m);
        console.log(
          `beacon round ${i} ${s.kind.padEnd(6)} ${String(m.reqPerSec).padStart(7)} req/s  p50 ${m.latencyP50Ms} ms  p99 ${m.latencyP99Ms} ms  ` +
            `server ${m.serverCpuShare} core, ${m.serverCpuMsPer1k} ms CPU/1k (user ${m.serverUserMsPer1k}), RSS ${m.serverRssMb} MB` +
            (m.non2xx + m.errors + m.timeouts
              ? `  (non2xx ${m.non2xx}, errors ${m.errors}, timeouts ${m.timeouts})`
              : ''),
        );
      }
    }
    const p = carrel.proc.next('stats');
    carrel.proc.send({ type: 'stats' });
    const stats = await p;

    const of = (kind: Kind, key: keyof BeaconSample) =>
      samples.filter((s) => s.kind === kind).map((s) => s[key] as number);
    const summarize = (kind: Kind) => ({
      reqPerSec: round(median(of(kind, 'reqPerSec')), 0),
      latencyP50Ms: round(median(of(kind, 'latencyP50Ms')), 2),
      latencyP99Ms: round(median(of(kind, 'latencyP99Ms')), 2),
      serverCpuMsPer1k: round(median(of(kind, 'serverCpuMsPer1k')), 1),
      serverUserMsPer1k: round(median(of(kind, 'serverUserMsPer1k')), 1),
      serverCpuShare: round(median(of(kind, 'serverCpuShare')), 2),
      failures: [...of(kind, 'non2xx'), ...of(kind, 'errors'), ...of(kind, 'timeouts')].reduce(
        (a, b) => a + b,
        0,
      ),
    });
    const med = { bare: summarize('bare'), carrel: summarize('carrel') };
    const perRoundRatios = Array.from({ length: rounds }, (_, i) => {
      const get = (k: Kind) =>
        samples.find((s) => s.kind === k && s.round === i + 1)?.reqPerSec ?? Number.NaN;
      return round(get('carrel') / get('bare'), 3);
    });
    const ratio = round(median(perRoundRatios), 3);
    // Requests the server finished after autocannon stopped counting are counted by the app but
    // not answered to autocannon: at most one per connection per run.
    const runs = rounds + 1;
    const extra = stats.beacon - answered.carrel;
    const counts = {
      answered204: answered.carrel,
      beaconViewsInDb: stats.beacon,
      viewsInDb: stats.views,
      extraCounted: extra,
      allowedExtra: connections * runs,
      ok: extra >= 0 && extra <= connections * runs && stats.views === stats.beacon,
    };
    console.log(
      `beacon: Carrel / bare ${ratio} (median per-round ratio; rounds ${perRoundRatios.join(', ')}); ` +
        `Carrel ${fmt(med.carrel.reqPerSec)} req/s p99 ${med.carrel.latencyP99Ms} ms, bare ${fmt(med.bare.reqPerSec)} req/s p99 ${med.bare.latencyP99Ms} ms`,
    );
    console.log(
      `beacon: ${fmt(answered.carrel)} beacons answered 204, ${fmt(stats.beacon)} counted in stats_hourly ` +
        `(source=beacon; views ${fmt(stats.views)}): ${counts.ok ? 'consistent' : 'MISMATCH'}; Carrel RSS ${rssStart} → ${stats.rssMb} MB`,
    );
    return {
      requestVariants: requests.length,
      medians: med,
      perRoundRatios,
      ratio,
      ratioOfMedians: round(med.carrel.reqPerSec / med.bare.reqPerSec, 3),
      cpuEfficiencyRatio: round(med.bare.serverCpuMsPer1k / med.carrel.serverCpuMsPer1k, 3),
      target: TARGET_RATIO,
      targetMet: ratio >= TARGET_RATIO && med.carrel.failures === 0 && counts.ok,
      counts,
      carrelRssMb: { afterWarmup: rssStart, end: stats.rssMb },
      unsaturatedRuns: samples.filter((s) => s.serverCpuShare < 0.9).map((s) => `${s.kind}#${s.round}`),
      samples,
    };
  } finally {
    await Promise.all(servers.map((s) => s.proc.stop()));
  }
}

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
// 3. Log import

const GENERATOR_VERSION = 1;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

interface LogMeta {
  lines: number;
  days: number;
  bytes: number;
  gzBytes: number;
  expectedCounted: number;
  expectedMalformed: number;
  botLines: number;
  assetLines: number;
  notFoundLines: number;
  addresses: number;
  browserUas: number;
  generateSeconds: number;
}

/** Writes the log (and its gzip) into a cache folder, or reuses what an earlier run wrote. */
async function logFiles(traffic: Traffic): Promise<{ plain: string; gz: string; meta: LogMeta }> {
  const dir = path.join(
    process.env.CARREL_BENCH_CACHE ?? path.join(os.tmpdir(), 'carrel-bench-webstats'),
    `g${GENERATOR_VERSION}-${lines}-${logDays}d`,
  );
  const plain = path.join(dir, 'access.log');
  const gz = path.join(dir, 'access.log.gz');
  const metaFile = path.join(dir, 'meta.json');
  if (!has('regenerate') && fs.existsSync(metaFile))
    return { plain, gz, meta: JSON.parse(fs.readFileSync(metaFile, 'utf8')) as LogMeta };
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const rand = prng(99);
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const span = logDays * 86_400_000;
  const zone = 3_600_000; // the server's local time is UTC+01:00
  const meta: LogMeta = {
    lines,
    days: logDays,
    bytes: 0,
    gzBytes: 0,
    expectedCounted: 0,
    expectedMalformed: 0,
    botLines: 0,
    assetLines: 0,
    notFoundLines: 0,
    addresses: 0,
    browserUas: traffic.browserUas.length,
    generateSeconds: 0,
  };
  const seen = new Set<string>();
  const fd = fs.openSync(plain, 'w');
  let buf: string[] = [];
  for (let i = 0; i < lines; i++) {
    const d = new Date(start + Math.floor((i * span) / lines) + zone);
    const time = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0100`;
    const bot = rand() < 0.05;
    const c = bot ? traffic.botClient() : traffic.humanClient();
    seen.add(c.ip);
    const ua = c.uas[Math.floor(rand() * c.uas.length)] as string;
    const r = rand();
    let method = 'GET';
    let target: string;
    let status = 200;
    let referrer = '-';
    let countable = false;
    if (!bot && r < 0.3) {
      target = traffic.asset();
      status = rand() < 0.15 ? 304 : 200;
      referrer = `${SITE_ORIGIN}${traffic.pages[Math.floor(rand() * 50)]}`;
      meta.assetLines++;
    } else if (r > 0.97) {
      target = traffic.missing();
      status = 404;
      meta.notFoundLines++;
    } else {
      target = traffic.page();
      const m = rand();
      method = m < 0.97 ? 'GET' : m < 0.98 ? 'HEAD' : 'POST';
      const s = rand();
      status = s < 0.9 ? 200 : s < 0.95 ? 304 : s < 0.98 ? 301 : s < 0.997 ? 404 : 500;
      if (status === 404) meta.notFoundLines++;
      const ref = traffic.referrer();
      if (ref !== '') referrer = ref;
      countable = !bot && method !== 'POST' && (status === 200 || status === 304);
    }
    if (bot) meta.botLines++;
    const bytes = status === 304 ? 0 : 200 + Math.floor(rand() * 40_000);
    let line = `${c.ip} - - [${time}] "${method} ${target} HTTP/${rand() < 0.6 ? '2.0' : '1.1'}" ${status} ${bytes} "${referrer}" "${ua}"`;
    if (rand() < 0.001) {
      // Malformed, as real logs have them: TLS spoken to the HTTP port, an empty request, a line
      // cut short by a crash, a line from another log format (an extra field at the end).
      const k = rand();
      line =
        k < 0.25
          ? `${c.ip} - - [${time}] "\\x16\\x03\\x01\\x00\\xF7\\x01\\x00\\x00\\xF3\\x03\\x03" 400 157 "-" "-"`
          : k < 0.5
            ? `${c.ip} - - [${time}] "" 400 0 "-" "-"`
            : k < 0.75
              ? line.slice(0, 20 + Math.floor(rand() * (line.length - 22)))
              : `${line} 0.004`;
      countable = false;
      meta.expectedMalformed++;
    }
    if (countable) meta.expectedCounted++;
    buf.push(line);
    if (buf.length === 10_000) {
      fs.writeSync(fd, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, `${buf.join('\n')}\n`);
  fs.closeSync(fd);
  await pipeline(fs.createReadStream(plain), zlib.createGzip(), fs.createWriteStream(gz));
  meta.bytes = fs.statSync(plain).size;
  meta.gzBytes = fs.statSync(gz).size;
  meta.addresses = seen.size;
  meta.generateSeconds = round((performance.now() - t0) / 1000, 1);
  fs.writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { plain, gz, meta };
}

async function importOnce(file: string, dnsServer: string | null, label: string): Promise<ImportReport> {
  const exec = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, label)}`] : [];
  const proc = startChild('import', dnsServer ? [file, dnsServer] : [file], exec);
  const { report } = await proc.next('import');
  await proc.stop();
  return report;
}

const linesPerSec = (r: ImportReport) => r.summary.lines / (r.summary.durationMs / 1000);

async function logImport() {
  const traffic = buildTraffic({ clients: 2000, uas: 2000, seed: 7 });
  // The browser pool must be browsers to the collector, or the expected counts would be wrong.
  const misread = traffic.browserUas.filter((ua) => parseUserAgent(ua).isBot);
  const missedBots = traffic.botUas.filter((ua) => !parseUserAgent(ua).isBot);
  if (misread.length) console.log(`note: ${misread.length} generated browser UAs are taken for bots`);
  if (missedBots.length) console.log(`note: crawler UAs not recognised: ${missedBots.join(' | ')}`);
  const { plain, gz, meta } = await logFiles(traffic);
  console.log(
    `log: ${fmt(meta.lines)} lines over ${meta.days} days, ${fmt(meta.addresses)} addresses, ${round(meta.bytes / 2 ** 20, 1)} MB ` +
      `(gzip ${round(meta.gzBytes / 2 ** 20, 1)} MB); crawlers ${fmt(meta.botLines)}, assets ${fmt(meta.assetLines)}, ` +
      `404 ${fmt(meta.notFoundLines)}, malformed ${fmt(meta.expectedMalformed)}; page views to count ${fmt(meta.expectedCounted)}` +
      (meta.generateSeconds ? ` (generated in ${meta.generateSeconds} s)` : ''),
  );

  const runs: Array<ImportReport & { kind: 'plain' | 'gzip' | 'dns'; rep: number; linesPerSec: number }> = [];
  const show = (r: (typeof runs)[number]) =>
    console.log(
      `import ${r.kind.padEnd(5)} #${r.rep}: ${fmt(r.linesPerSec)} lines/s (${round(r.summary.durationMs / 1000, 2)} s, CPU ${round(r.cpuMs / 1000, 2)} s), ` +
        `counted ${fmt(r.summary.counted)}, ignored ${fmt(r.summary.ignored)}, malformed ${fmt(r.summary.malformed)}, ` +
        `peak RSS ${r.maxRssMb} MB (${r.rssBeforeMb} MB before), peak heap ${r.peakHeapMb} MB`,
    );
  for (let i = 1; i <= reps; i++)
    for (const [kind, file] of (i % 2
      ? [
          ['plain', plain],
          ['gzip', gz],
        ]
      : [
          ['gzip', gz],
          ['plain', plain],
        ]) as Array<['plain' | 'gzip', string]>) {
      const r = await importOnce(file, null, `${kind}-${i}`);
      runs.push({ ...r, kind, rep: i, linesPerSec: round(linesPerSec(r), 0) });
      show(runs[runs.length - 1]!);
    }

  // Reverse DNS on: a loopback DNS server in this process answers PTR queries for the addresses.
  const ptr: Record<string, string> = {};
  for (const c of [...traffic.humans, ...traffic.bots]) if (c.ptr) ptr[c.ip] = c.ptr;
  const dns = await startDnsServer({ ptr });
  const dnsQueries: number[] = [];
  try {
    for (let i = 1; i <= dnsReps; i++) {
      const q0 = dns.queries;
      const r = await importOnce(plain, dns.address, `dns-${i}`);
      dnsQueries.push(dns.queries - q0);
      runs.push({ ...r, kind: 'dns', rep: i, linesPerSec: round(linesPerSec(r), 0) });
      show(runs[runs.length - 1]!);
    }
  } finally {
    await dns.close();
  }
  const dnsRun = runs.find((r) => r.kind === 'dns');
  const domainViews = dnsRun ? Object.values(dnsRun.check.domains).reduce((a, b) => a + b, 0) : 0;
  const unknownViews = dnsRun?.check.domains.unknown ?? 0;
  const topDomains = dnsRun
    ? Object.entries(dnsRun.check.domains)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
    : [];
  if (dnsRun)
    console.log(
      `dns: ${Object.keys(ptr).length} PTR names served, ${dnsQueries.join('/')} queries received; ` +
        `${fmt(domainViews)} views got a domain row, ${round((unknownViews / Math.max(1, domainViews)) * 100, 1)} % 'unknown'; ` +
        `top: ${topDomains.map(([d, n]) => `${d} ${fmt(n)}`).join(', ')}`,
    );

  // The real CLI, once: Node + tsx start-up, migrations, import, summary on stdout.
  const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-webstats-cli-'));
  const t0 = performance.now();
  const cli = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['bin/carrel.mjs', 'stats', 'import-log', plain, '--no-dns', '--site', SITE_HOST],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          TMPDIR: os.tmpdir(),
          DATA_DIR: cliDir,
          LOG_LEVEL: 'silent',
          DEMO_DATA: 'false',
          STATS_SITE_ORIGINS: SITE_ORIGIN,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, out }));
  });
  const cliWallMs = performance.now() - t0;
  fs.rmSync(cliDir, { recursive: true, force: true });
  const printed = /([\d,]+) lines in ([\d.]+) s \(([\d,]+) lines\/s\)/.exec(cli.out);
  const cliResult = {
    exitCode: cli.code,
    wallSeconds: round(cliWallMs / 1000, 2),
    printedLinesPerSec: printed ? Number(printed[3]?.replaceAll(',', '')) : null,
    printedSeconds: printed ? Number(printed[2]) : null,
    wallLinesPerSec: round(lines / (cliWallMs / 1000), 0),
    stdout: cli.out.trim(),
  };
  console.log(cli.out.trimEnd());
  console.log(
    `cli: exit ${cli.code}, wall ${cliResult.wallSeconds} s (${fmt(cliResult.wallLinesPerSec)} lines/s including start-up), ` +
      `printed ${cliResult.printedLinesPerSec === null ? '?' : fmt(cliResult.printedLinesPerSec)} lines/s`,
  );

  const med = (kind: string, f: (r: (typeof runs)[number]) => number) =>
    round(median(runs.filter((r) => r.kind === kind).map(f)), 1);
  const checks = runs.map((r) => ({
    run: `${r.kind}#${r.rep}`,
    counted: r.summary.counted === meta.expectedCounted,
    malformed: r.summary.malformed === meta.expectedMalformed,
    lines: r.summary.lines === meta.lines,
    viewsInDb: r.check.viewsInDb === r.summary.counted,
  }));
  const allChecks = checks.every((c) => c.counted && c.malformed && c.lines && c.viewsInDb);
  if (!allChecks)
    console.log(
      `import checks: ${JSON.stringify(checks.filter((c) => !(c.counted && c.malformed && c.lines && c.viewsInDb)))}`,
    );
  return {
    meta,
    plainLinesPerSec: med('plain', (r) => r.linesPerSec),
    gzipLinesPerSec: med('gzip', (r) => r.linesPerSec),
    dnsLinesPerSec: med('dns', (r) => r.linesPerSec),
    plainCpuLinesPerSec: med('plain', (r) => r.summary.lines / (r.cpuMs / 1000)),
    gzipCpuLinesPerSec: med('gzip', (r) => r.summary.lines / (r.cpuMs / 1000)),
    peakRssMb: {
      plain: med('plain', (r) => r.maxRssMb),
      gzip: med('gzip', (r) => r.maxRssMb),
      dns: med('dns', (r) => r.maxRssMb),
    },
    rssBeforeMb: med('plain', (r) => r.rssBeforeMb),
    target: TARGET_LINES,
    targetMet: med('plain', (r) => r.linesPerSec) >= TARGET_LINES,
    checksPassed: allChecks,
    checks,
    dns: {
      ptrNames: Object.keys(ptr).length,
      queries: dnsQueries,
      domainViews,
      unknownViews,
      topDomains,
    },
    cli: cliResult,
    runs,
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
