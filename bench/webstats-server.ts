// The child-process side of bench/webstats.ts, and the traffic model both sides share.
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
//
// The traffic model (exported, deterministic from a seed): client addresses (each with one to
// three browsers, or a crawler), their PTR names, browser and crawler user agents, the pages of a
// library website with realistic query strings, external referrers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng, zipf } from './lib.ts';

// ---------------------------------------------------------------------------------------------
// Traffic model

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

export const SITE_ORIGIN = 'https://www.library.example';
export const SITE_HOST = 'www.library.example';

export interface Client {
  ip: string;
  /** Browsers seen from this address (a household or office NAT has several). */
  uas: string[];
  bot: boolean;
  /** The PTR name served for the address in the DNS run; null: NXDOMAIN. */
  ptr: string | null;
}

export interface Traffic {
  humans: Client[];
  bots: Client[];
  /** Distinct browser user agents. */
  browserUas: string[];
  botUas: string[];
  /** Page paths without query. */
  pages: string[];
  externalReferrers: string[];
  humanClient(): Client;
  botClient(): Client;
  /** A page path, with a query string on about one view in five. */
  page(): string;
  /** document.referrer as a browser reports it: '' (none), a page of the site, or another site. */
  referrer(): string;
  /** A file a page pulls in (stylesheets, scripts, images, fonts). */
  asset(): string;
  /** Something that is not there: scanners' favourites and dead links. */
  missing(): string;
}

const WORDS = (
  'jazz history local authors winter reading club story time homework help genealogy maps ' +
  'archives poetry science fair coding robots language cafe book sale films music garden ' +
  'cooking travel health tax forms job search resume career small business seniors teens ' +
  'kids toddlers crafts chess knitting photography vinyl podcasts ebooks audiobooks newspapers ' +
  'magazines databases research citation writing workshop author talk exhibition lecture'
).split(' ');

const CHROME_BUILDS = [6099, 6167, 6261, 6312, 6367, 6422, 6478, 6533, 6613, 6668, 6723, 6778];

function browserUa(rand: () => number): string {
  const v = int(rand, 118, 131);
  const build = `${v}.0.${pick(rand, CHROME_BUILDS)}.${int(rand, 40, 220)}`;
  const android = `Linux; Android ${int(rand, 10, 14)}; ${pick(rand, ['K', 'SM-S911B', 'SM-A546B', 'Pixel 7', 'Pixel 8 Pro', 'moto g power (2023)'])}`;
  const ios = `${int(rand, 15, 18)}_${int(rand, 0, 6)}`;
  const mac = `10_15_${int(rand, 6, 7)}`;
  switch (Math.floor(rand() * 12)) {
    case 0:
    case 1:
    case 2:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
    case 3:
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X ${mac}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
    case 4:
    case 5:
      return `Mozilla/5.0 (${android}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${build} Mobile Safari/537.36`;
    case 6:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v - 5}.0) Gecko/20100101 Firefox/${v - 5}.0`;
    case 7:
      return `Mozilla/5.0 (${pick(rand, ['X11; Linux x86_64', 'X11; Ubuntu; Linux x86_64', 'Macintosh; Intel Mac OS X 10.15'])}; rv:${v - 5}.0) Gecko/20100101 Firefox/${v - 5}.0`;
    case 8:
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X ${mac}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${int(rand, 15, 18)}.${int(rand, 0, 6)} Safari/605.1.15`;
    case 9:
      return `Mozilla/5.0 (${pick(rand, ['iPhone', 'iPad'])}; CPU ${rand() < 0.8 ? 'iPhone ' : ''}OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.split('_')[0]}.${int(rand, 0, 6)} Mobile/15E148 Safari/604.1`;
    case 10:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${build}`;
    default:
      return rand() < 0.5
        ? `Mozilla/5.0 (${android}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${int(rand, 20, 26)}.0 Chrome/${v}.0.0.0 Mobile Safari/537.36`
        : `Mozilla/5.0 (X11; CrOS x86_64 ${int(rand, 14000, 16000)}.${int(rand, 0, 99)}.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
  }
}

const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Wget/1.21.4',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
];

// Made-up access networks under real public suffixes, so the PSL reduction has real work to do.
const ISPS = [
  'xcompany.com',
  'fastfibre.net',
  'homeline.co.uk',
  'kabelnetz.de',
  'boxtelecom.fr',
  'ziggonet.nl',
  'metrocable.com.au',
  'mobilecarrier.net',
  'regionaltel.it',
  'cityfiber.ca',
];
const SCHOOLS = ['yourschool.edu', 'cityuni.ac.uk', 'statecollege.edu', 'techhochschule.de'];
const FIRST_OCTETS = [
  2, 5, 24, 31, 37, 46, 62, 67, 71, 73, 77, 81, 82, 86, 88, 90, 92, 98, 109, 151, 176, 185, 188, 212, 217,
];

function ptrName(rand: () => number, ip: string): string | null {
  if (rand() < 0.15) return null; // no PTR record: NXDOMAIN
  const dashed = ip.replaceAll(/[.:]/g, '-');
  const r = rand();
  if (r < 0.7)
    return `${pick(rand, ['host', 'cpe', 'dyn', 'ip'])}-${dashed}.${pick(rand, ['dsl', 'cable', 'fttx', 'res', 'mob'])}.${pick(rand, ISPS)}`;
  if (r < 0.85)
    return `${pick(rand, ['lab', 'ws', 'lib', 'wifi'])}${int(rand, 1, 400)}.${pick(rand, ['cs', 'eduroam', 'staff', 'net'])}.${pick(rand, SCHOOLS)}`;
  if (r < 0.95)
    return `${pick(rand, ['gw', 'fw', 'proxy'])}${int(rand, 1, 9)}.${pick(rand, ['acme-corp.com', 'cityhall.gov', 'hospital.org', 'lawfirm.co.uk'])}`;
  return `ec2-${dashed}.compute-1.amazonaws.com`; // private-section suffix: no domain kept
}

function ipv4(rand: () => number): string {
  return `${pick(rand, FIRST_OCTETS)}.${int(rand, 0, 255)}.${int(rand, 0, 255)}.${int(rand, 1, 254)}`;
}
function ipv6(rand: () => number): string {
  const h = () => int(rand, 0, 0xffff).toString(16);
  return `2a0${int(rand, 1, 9)}:${h()}:${h()}:${h()}::${h()}`;
}

/**
 * The traffic of a mid-sized library website: `clients` addresses (3 % crawlers, 5 % IPv6), about
 * `uas` distinct browser user agents, ~2,000 page paths, ~800 external referrer URLs.
 */
export function buildTraffic(opts: { clients: number; uas: number; seed: number }): Traffic {
  const rand = prng(opts.seed);
  const uaSet = new Set<string>();
  for (let tries = 0; uaSet.size < opts.uas && tries < opts.uas * 50; tries++) uaSet.add(browserUa(rand));
  const browserUas = [...uaSet];
  const uaZipf = zipf(browserUas.length, 0.8, rand);

  const ips = new Set<string>();
  while (ips.size < opts.clients) ips.add(rand() < 0.05 ? ipv6(rand) : ipv4(rand));
  const humans: Client[] = [];
  const bots: Client[] = [];
  const nBots = Math.max(1, Math.round(opts.clients * 0.03));
  let k = 0;
  for (const ip of ips) {
    if (k++ < nBots) {
      bots.push({
        ip,
        uas: [pick(rand, BOT_UAS)],
        bot: true,
        ptr: `crawl-${ip.replaceAll(/[.:]/g, '-')}.${pick(rand, ['googlebot.com', 'search.msn.com', 'crawler.example.net'])}`,
      });
      continue;
    }
    const n = rand() < 0.7 ? 1 : rand() < 0.7 ? 2 : 3;
    const uas = Array.from({ length: n }, () => browserUas[uaZipf()] as string);
    humans.push({ ip, uas: [...new Set(uas)], bot: false, ptr: ptrName(rand, ip) });
  }

  const slug = () => Array.from({ length: int(rand, 2, 5) }, () => pick(rand, WORDS)).join('-');
  const pageSet = new Set<string>([
    '/', '/events', '/news', '/about', '/about/hours', '/about/locations', '/about/board', '/contact',
    '/privacy', '/kids', '/teens', '/research', '/research/databases', '/services/printing',
    '/services/meeting-rooms', '/services/wifi', '/catalog', '/catalog/new', '/account', '/ask',
    '/get-a-card', '/donate', '/volunteer', '/jobs',
  ]); // prettier-ignore
  for (const b of [
    'central',
    'north',
    'riverside',
    'oak-park',
    'hillcrest',
    'east-end',
    'westview',
    'harbor',
  ])
    pageSet.add(`/branches/${b}`);
  while (pageSet.size < 350) pageSet.add(`/news/2026/${String(int(rand, 1, 11)).padStart(2, '0')}/${slug()}`);
  while (pageSet.size < 800)
    pageSet.add(
      `/events/2026-${String(int(rand, 1, 12)).padStart(2, '0')}-${String(int(rand, 1, 28)).padStart(2, '0')}-${slug()}`,
    );
  while (pageSet.size < 1000) pageSet.add(`/guides/${slug()}`);
  // Record pages: collapsed to /catalog/record/:id by the reduction, as in the real catalog.
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  while (pageSet.size < 2000)
    pageSet.add(`/catalog/record/${hex(8)}-${hex(4)}-7${hex(3)}-a${hex(3)}-${hex(12)}`);
  const pages = [...pageSet];
  const pageZipf = zipf(pages.length, 1.0, rand);

  const queries = [
    () =>
      `?utm_source=newsletter&utm_medium=email&utm_campaign=${pick(rand, ['nov-2026', 'winter-reading', 'events-weekly'])}`,
    () =>
      `?fbclid=IwAR${Math.floor(rand() * 2 ** 52).toString(36)}${Math.floor(rand() * 2 ** 52).toString(36)}`,
    () => `?page=${int(rand, 2, 9)}`,
    () => `?q=${pick(rand, WORDS)}+${pick(rand, WORDS)}`,
    () => `?gclid=Cj0KCQiA${Math.floor(rand() * 2 ** 52).toString(36)}`,
    () => `?lang=${pick(rand, ['en', 'es', 'fr'])}`,
  ];

  const extOrigins = [
    'https://www.google.com', 'https://www.google.co.uk', 'https://www.google.de', 'https://www.bing.com',
    'https://duckduckgo.com', 'https://search.yahoo.com', 'https://www.ecosia.org', 'https://l.facebook.com',
    'https://m.facebook.com', 'https://t.co', 'https://www.reddit.com', 'https://en.wikipedia.org',
    'https://www.linkedin.com', 'https://lnkd.in', 'https://www.instagram.com', 'https://news.ycombinator.com',
    'https://yourschool.edu', 'https://www.cityhall.gov', 'https://www.localnews.example', 'https://chatgpt.com',
  ]; // prettier-ignore
  while (extOrigins.length < 80)
    extOrigins.push(
      `https://www.${pick(rand, WORDS)}-${pick(rand, WORDS)}.${pick(rand, ['org', 'com', 'net', 'co.uk'])}`,
    );
  const refSet = new Set<string>();
  while (refSet.size < 800) {
    const o = extOrigins[
      Math.min(extOrigins.length - 1, Math.floor(rand() ** 2 * extOrigins.length))
    ] as string;
    refSet.add(
      o.includes('google') || o.includes('bing') || o.includes('duckduckgo')
        ? rand() < 0.7
          ? `${o}/`
          : `${o}/search?q=${pick(rand, WORDS)}+${pick(rand, WORDS)}+library`
        : `${o}/${slug()}${rand() < 0.3 ? `?id=${int(rand, 1, 99999)}` : ''}`,
    );
  }
  const externalReferrers = [...refSet];
  const refZipf = zipf(externalReferrers.length, 1.0, rand);
  const humanZipf = zipf(humans.length, 0.9, rand);
  const botZipf = zipf(bots.length, 0.7, rand);

  const assets = [
    '/assets/site.css?v=20261101', '/assets/site.js?v=20261101', '/assets/fonts/source-sans-3.woff2',
    '/favicon.ico', '/images/logo.svg', '/images/hero-winter.webp', '/js/vendor/jquery.min.js',
    '/apple-touch-icon.png', '/robots.txt', '/sitemap.xml',
  ]; // prettier-ignore
  for (let i = 0; i < 150; i++)
    assets.push(
      `/wp-content/uploads/2026/${String(int(rand, 1, 11)).padStart(2, '0')}/${slug()}-${int(rand, 300, 1600)}x${int(rand, 200, 900)}.${pick(rand, ['jpg', 'png', 'webp'])}`,
    );
  const missing = [
    '/wp-login.php', '/.env', '/xmlrpc.php', '/admin/config.php', '/.git/config', '/phpmyadmin/',
    '/events/2025-12-24-holiday-hours', '/news/2025/old-post', '/catalog/record/', '/old-site/index.html',
  ]; // prettier-ignore

  return {
    humans,
    bots,
    browserUas,
    botUas: BOT_UAS,
    pages,
    externalReferrers,
    humanClient: () => humans[humanZipf()] as Client,
    botClient: () => bots[botZipf()] as Client,
    page: () => {
      const p = pages[pageZipf()] as string;
      return rand() < 0.2 ? p + (pick(rand, queries) as () => string)() : p;
    },
    referrer: () => {
      const r = rand();
      if (r < 0.4) return '';
      if (r < 0.75) return `${SITE_ORIGIN}${pages[pageZipf()]}`;
      return externalReferrers[refZipf()] as string;
    },
    asset: () => pick(rand, assets),
    missing: () => pick(rand, missing),
  };
}

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
