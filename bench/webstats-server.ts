// The child-process side of bench/webstats.ts (the traffic model both sides share is in
// bench/webstats-traffic.ts).
//
// Roles (argv[2]), each in its own process so that its event loop, CPU time and memory are its own:
// - `carrel`: the real application (buildApp) on a fresh migrated SQLite database in a temp DATA_DIR,
//   LOG_LEVEL=silent, STATS_SITE_ORIGINS=https://www.library.example, STATS_REVERSE_DNS=false, with
//   its statistics collector started as buildApp starts it (5 s flushes); answers {stats} with the
//   counts in stats_hourly after a flush.
// - `bare`: Fastify with one POST /stats/hit route that parses the same text/plain JSON body and
//   answers 204: the baseline.
// - `memory`: StatsCollector.record() called --views times in-process on a simulated clock, flushed
//   every --flush-every views and rolled over each simulated day; reports memory samples.
// - `import`: one importLogFile() of a log on a fresh migrated database (DNS on or off).
// Talks to the parent over IPC; the servers shut down on {stop} or when the parent goes away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from './lib.ts';
import { buildTraffic, pick, SITE_HOST, SITE_ORIGIN, type Traffic } from './webstats-traffic.ts';

// ---------------------------------------------------------------------------------------------
// Messages between bench/webstats.ts and this process

export type Role = 'carrel' | 'bare' | 'memory' | 'import';

export interface MemorySample {
  views: number;
  simulatedDay: string;
  rssMb: number;
  heapUsedMb: number;
  /** heapUsed right after a full garbage collection: what is really retained. */
  heapAfterGcMb: number;
  externalMb: number;
  dbFileMb: number;
  seconds: number;
}

export interface MemoryReport {
  views: number;
  outcomes: Record<string, number>;
  seconds: number;
  recordSeconds: number;
  flushSeconds: number;
  rolloverSeconds: number;
  flushes: number;
  simulatedDays: number;
  samples: MemorySample[];
  maxRssMb: number;
  check: {
    viewsInDb: number;
    countedViews: number;
    saltsLeft: number;
    visitorDaysLeft: number;
    hourlyRows: number;
    dailyRows: number;
  };
}

export interface ImportReport {
  dns: boolean;
  file: string;
  summary: {
    status: string;
    lines: number;
    counted: number;
    ignored: number;
    malformed: number;
    malformedLines: number[];
    durationMs: number;
  };
  wallMs: number;
  cpuMs: number;
  /** Peak RSS of the process (getrusage maxrss) and RSS just before the import started. */
  maxRssMb: number;
  rssBeforeMb: number;
  peakHeapMb: number;
  check: { viewsInDb: number; domains: Record<string, number> };
}

export type FromChild =
  | { type: 'ready'; url: string }
  | { type: 'cpu'; user: number; system: number; rssMb: number }
  | { type: 'stats'; views: number; beacon: number; rssMb: number; heapUsedMb: number }
  | { type: 'memory'; report: MemoryReport }
  | { type: 'import'; report: ImportReport }
  | { type: 'error'; message: string };

export type ToChild = { type: 'cpu' } | { type: 'stats' } | { type: 'stop' };

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

// ---------------------------------------------------------------------------------------------
// Roles

interface Running {
  url: string;
  close(): Promise<void>;
  stats?(): Promise<{ views: number; beacon: number }>;
}

function baseEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  // A clean environment: nothing from the caller's shell (DATABASE_URL, LOG_LEVEL...) leaks in.
  return {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    HOST: '127.0.0.1',
    STATS_SITE_ORIGINS: SITE_ORIGIN,
    STATS_REVERSE_DNS: 'false',
    ...extra,
  };
}

async function startBare(): Promise<Running> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  // Fastify parses text/plain bodies into a string by default, as in Carrel.
  app.post('/stats/hit', (request, reply) => {
    const body = JSON.parse(request.body as string) as { p?: unknown };
    if (typeof body.p !== 'string') return reply.code(400).send();
    return reply.code(204).send();
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

async function startCarrel(): Promise<Running> {
  const { loadConfig } = await import('../src/config.ts');
  const { createContext } = await import('../src/app/root.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { buildApp } = await import('../src/app/root.ts');
  const { StatsCollector } = await import('../src/features/webstats/collector.ts');
  const { sql } = await import('kysely');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-webstats-'));
  const ctx = createContext(loadConfig(baseEnv(dataDir)));
  await migrateToLatest(ctx.db);
  // What buildApp does without a collector of its own (start() with the default 5 s interval),
  // kept here so the benchmark can flush and read the counts.
  const collector = new StatsCollector(ctx, { mode: 'live' });
  collector.start();
  const app = await buildApp(ctx, { statsCollector: collector });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    async stats() {
      await collector.flush();
      const sum = async (dimension: string, value: string) =>
        Number(
          (
            await sql<{ n: number | null }>`SELECT sum(count) AS n FROM stats_hourly
              WHERE dimension = ${dimension} AND value = ${value}`.execute(ctx.db)
          ).rows[0]?.n ?? 0,
        );
      return { views: await sum('views', ''), beacon: await sum('source', 'beacon') };
    },
    async close() {
      await app.close();
      await collector.stop();
      await ctx.database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function serve(kind: 'carrel' | 'bare', send: (m: FromChild) => void): Promise<void> {
  const running = kind === 'carrel' ? await startCarrel() : await startBare();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    process.exit(0);
  };
  process.on('message', (m: ToChild) => {
    if (m.type === 'cpu') {
      const u = process.cpuUsage();
      send({ type: 'cpu', user: u.user, system: u.system, rssMb: mb(process.memoryUsage.rss()) });
    } else if (m.type === 'stats') {
      void (async () => {
        const s = (await running.stats?.()) ?? { views: 0, beacon: 0 };
        const mu = process.memoryUsage();
        send({ type: 'stats', ...s, rssMb: mb(mu.rss), heapUsedMb: mb(mu.heapUsed) });
      })();
    } else if (m.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  send({ type: 'ready', url: running.url });
}

/** Pre-drawn views, reused in a cycle, so the loop measures the collector rather than the generator. */
interface ViewTable {
  ip: string[];
  ua: string[];
  path: string[];
  referrer: (string | undefined)[];
  optOut: boolean[];
}

function drawViews(traffic: Traffic, n: number, seed: number): ViewTable {
  const rand = prng(seed);
  const t: ViewTable = { ip: [], ua: [], path: [], referrer: [], optOut: [] };
  for (let i = 0; i < n; i++) {
    // 3 % crawlers (dropped as bots), 2 % DNT/GPC (one anonymous count), the rest counted.
    const c = rand() < 0.03 ? traffic.botClient() : traffic.humanClient();
    t.ip.push(c.ip);
    t.ua.push(pick(rand, c.uas));
    t.path.push(traffic.page());
    const ref = traffic.referrer();
    t.referrer.push(ref === '' ? undefined : ref);
    t.optOut.push(!c.bot && rand() < 0.02);
  }
  return t;
}

async function memoryRun(args: Record<string, number>): Promise<MemoryReport> {
  const { loadConfig } = await import('../src/config.ts');
  const { createContext } = await import('../src/app/root.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { StatsCollector } = await import('../src/features/webstats/collector.ts');
  const { rollOver } = await import('../src/features/webstats/webstats.service.ts');
  const { localDay } = await import('../src/clock.ts');
  const { sql } = await import('kysely');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory role needs --expose-gc');

  const views = args.views ?? 10_000_000;
  const flushEvery = args.flushEvery ?? 100_000;
  const sampleEvery = args.sampleEvery ?? 500_000;
  const perDay = args.viewsPerDay ?? 250_000;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-webstats-mem-'));
  const start = Date.parse('2026-09-01T00:00:00.000Z');
  const msPerView = 86_400_000 / perDay;
  let now = start;
  const clock = { now: () => new Date(now) };
  const ctx = createContext(loadConfig(baseEnv(dataDir)), { clock });
  await migrateToLatest(ctx.db);
  const tz = ctx.config.library.timezone;
  const dbMb = () => {
    let size = 0;
    for (const f of fs.readdirSync(dataDir)) size += fs.statSync(path.join(dataDir, f)).size;
    return mb(size);
  };

  const traffic = buildTraffic({ clients: 3000, uas: 2000, seed: 7 });
  const table = drawViews(traffic, 1 << 17, 11);
  const mask = (1 << 17) - 1;
  const collector = new StatsCollector(ctx, { mode: 'live' });
  const outcomes: Record<string, number> = {};
  const samples: MemorySample[] = [];
  let recordMs = 0;
  let flushMs = 0;
  let rolloverMs = 0;
  let flushes = 0;
  let days = 0;
  let day = localDay(clock.now(), tz);
  const t0 = performance.now();
  const sample = (i: number) => {
    const raw = process.memoryUsage();
    gc();
    const after = process.memoryUsage();
    samples.push({
      views: i,
      simulatedDay: day,
      rssMb: mb(raw.rss),
      heapUsedMb: mb(raw.heapUsed),
      heapAfterGcMb: mb(after.heapUsed),
      externalMb: mb(after.external),
      dbFileMb: dbMb(),
      seconds: Math.round(performance.now() - t0) / 1000,
    });
  };
  sample(0);
  for (let i = 0; i < views;) {
    const end = Math.min(views, i + flushEvery);
    const r0 = performance.now();
    for (; i < end; i++) {
      now = start + Math.floor(i * msPerView);
      const j = i & mask;
      const o = collector.record({
        at: new Date(now),
        ip: table.ip[j] as string,
        userAgent: table.ua[j],
        path: table.path[j] as string,
        referrer: table.referrer[j],
        site: SITE_HOST,
        source: 'beacon',
        optOut: table.optOut[j] as boolean,
      });
      outcomes[o] = (outcomes[o] ?? 0) + 1;
    }
    recordMs += performance.now() - r0;
    const f0 = performance.now();
    await collector.flush(); // the method the 5 s timer calls in production
    flushMs += performance.now() - f0;
    flushes++;
    const today = localDay(clock.now(), tz);
    if (today !== day) {
      // The hourly job: finished days' visitors counted and salts destroyed, old hours folded.
      const r1 = performance.now();
      await rollOver(ctx);
      rolloverMs += performance.now() - r1;
      day = today;
      days++;
    }
    if (i % sampleEvery === 0 || i === views) sample(i);
  }
  const seconds = (performance.now() - t0) / 1000;
  const one = async (q: ReturnType<typeof sql<{ n: number | null }>>) =>
    Number((await q.execute(ctx.db)).rows[0]?.n ?? 0);
  const check = {
    viewsInDb:
      (await one(sql`SELECT sum(count) AS n FROM stats_hourly WHERE dimension = 'views'`)) +
      (await one(sql`SELECT sum(count) AS n FROM stats_daily WHERE dimension = 'views'`)),
    countedViews: outcomes.counted ?? 0,
    saltsLeft: await one(sql`SELECT count(*) AS n FROM stats_salts`),
    visitorDaysLeft: await one(sql`SELECT count(DISTINCT day) AS n FROM stats_visitors`),
    hourlyRows: await one(sql`SELECT count(*) AS n FROM stats_hourly`),
    dailyRows: await one(sql`SELECT count(*) AS n FROM stats_daily`),
  };
  await ctx.database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    views,
    outcomes,
    seconds,
    recordSeconds: recordMs / 1000,
    flushSeconds: flushMs / 1000,
    rolloverSeconds: rolloverMs / 1000,
    flushes,
    simulatedDays: days,
    samples,
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    check,
  };
}

async function importRun(file: string, dnsServer: string | null): Promise<ImportReport> {
  const { loadConfig } = await import('../src/config.ts');
  const { createContext } = await import('../src/app/root.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { importLogFile } = await import('../src/features/webstats/log-import.ts');
  const { sql } = await import('kysely');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-webstats-imp-'));
  const env = dnsServer
    ? baseEnv(dataDir, { STATS_REVERSE_DNS: 'true', STATS_DNS_SERVERS: dnsServer })
    : baseEnv(dataDir);
  const ctx = createContext(loadConfig(env));
  await migrateToLatest(ctx.db);
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  const rssBefore = process.memoryUsage.rss();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // DNS on: the default path (reverse DNS as configured); off: reverseDns null, as `--no-dns`.
  const summary = await importLogFile(ctx, file, {
    site: SITE_HOST,
    ...(dnsServer ? {} : { reverseDns: null }),
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  const views = Number(
    (
      await sql<{
        n: number | null;
      }>`SELECT sum(count) AS n FROM stats_hourly WHERE dimension = 'views'`.execute(ctx.db)
    ).rows[0]?.n ?? 0,
  );
  const domainRows = (
    await sql<{
      value: string;
      n: number;
    }>`SELECT value, sum(count) AS n FROM stats_hourly WHERE dimension = 'domain' GROUP BY value`.execute(
      ctx.db,
    )
  ).rows;
  const domains: Record<string, number> = {};
  for (const r of domainRows) domains[r.value] = Number(r.n);
  await ctx.database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    dns: dnsServer !== null,
    file,
    summary: {
      status: summary.status,
      lines: summary.lines,
      counted: summary.counted,
      ignored: summary.ignored,
      malformed: summary.malformed,
      malformedLines: summary.malformedLines,
      durationMs: summary.durationMs,
    },
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    rssBeforeMb: mb(rssBefore),
    peakHeapMb: mb(peakHeap),
    check: { viewsInDb: views, domains },
  };
}

async function main(): Promise<void> {
  const role = process.argv[2] as Role | undefined;
  if (!process.send)
    throw new Error('webstats-server.ts must be started with an IPC channel (by bench/webstats.ts)');
  const send = (m: FromChild) => process.send?.(m);
  const numbers: Record<string, number> = {};
  for (const a of process.argv.slice(3)) {
    const m = /^--([a-zA-Z]+)=(\d+)$/.exec(a);
    if (m) numbers[m[1] as string] = Number(m[2]);
  }
  try {
    if (role === 'carrel' || role === 'bare') return await serve(role, send);
    if (role === 'memory') send({ type: 'memory', report: await memoryRun(numbers) });
    else if (role === 'import') {
      const file = process.argv[3];
      if (!file) throw new Error('usage: webstats-server.ts import FILE [DNS_SERVER]');
      send({ type: 'import', report: await importRun(file, process.argv[4] ?? null) });
    } else throw new Error('usage: webstats-server.ts carrel|bare|memory|import');
  } catch (err) {
    send({ type: 'error', message: String((err as Error)?.stack ?? err) });
  }
  process.disconnect();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
