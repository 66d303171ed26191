// Part 1 of the webstats benchmark (bench/webstats.ts): the beacon, POST /stats/hit over HTTP with
// autocannon, the real app against a bare Fastify route, each in its own child process.
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { median, prng, round } from './lib.ts';
import {
  connections,
  cpuProf,
  duration,
  fmt,
  profDir,
  rounds,
  startChild,
  TARGET_RATIO,
  warmup,
  type Child,
} from './webstats-common.ts';
import { buildTraffic, SITE_ORIGIN, type Traffic } from './webstats-traffic.ts';

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

export async function beacon() {
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
