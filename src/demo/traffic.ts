// Simulated website traffic for the demo (issue 5: "a webmaster sees useful statistics from day
// one"): four weeks of page views from a few hundred made-up visitors (documentation addresses of
// RFC 5737), run through the real collector so they are reduced and counted like live visits.
import { addMs, DAY, iso } from '../clock.ts';
import type { AppContext } from '../context.ts';
import { StatsCollector } from '../features/webstats/collector.ts';
import type { ReverseDns } from '../features/webstats/reverse-dns.ts';
import * as repo from '../features/webstats/webstats.repository.ts';
import { rollOver } from '../features/webstats/webstats.service.ts';
import { existsDailyStats } from './demo.repository.ts';

const agents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
];
const pages: Array<[string, number]> = [
  ['/', 30],
  ['/catalog?q=gardening', 18],
  ['/catalog/record/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 14],
  ['/contact', 6],
  ['/privacy', 3],
  ['/account', 10],
  ['/ask', 4],
  ['/ask/faq', 2],
];
const referrers: Array<[string | undefined, number]> = [
  [undefined, 60],
  ['https://www.searchengine.example/search?q=library+hours', 20],
  ['https://riverton.example.gov/services', 8],
  ['https://social.example.net/post/123', 5],
];
const domains = [
  'xcompany.com',
  'yourschool.edu',
  'riverton.example.gov',
  'dsl-provider.net',
  'mobile-carrier.com',
];

/** A small deterministic generator, so the demo looks the same on every first run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

/** Adds simulated traffic when there are no website statistics yet; returns the views counted. */
export async function seedDemoTraffic(ctx: AppContext): Promise<number> {
  if (await existsDailyStats(ctx.db)) return 0;
  const rand = rng(20261128);
  const pick = <T>(list: Array<[T, number]>): T => {
    const total = list.reduce((n, [, w]) => n + w, 0);
    let r = rand() * total;
    for (const [v, w] of list) if ((r -= w) < 0) return v;
    return list[0]![0];
  };
  // Demo visitors' networks, answered without any lookup (no real addresses are involved).
  const fakeDns: ReverseDns = {
    lookup: (ip) => Promise.resolve(fakeDns.peek(ip) ?? null),
    peek: (ip) => domains[Number(ip.split('.').at(-1)) % domains.length] ?? null,
    stats: () => ({ hits: 0, misses: 0, timeouts: 0, errors: 0, inFlight: 0, cached: 0 }),
    close: () => undefined,
  };
  const collector = new StatsCollector(ctx, { mode: 'import', reverseDns: fakeDns });
  const now = ctx.clock.now();
  let views = 0;
  for (let d = 28; d >= 0; d--) {
    const dayStart = addMs(now, -d * DAY);
    const n = 40 + Math.floor(rand() * 60) + (dayStart.getUTCDay() % 6 === 0 ? -20 : 0);
    for (let i = 0; i < n; i++) {
      const at = new Date(dayStart.getTime() - Math.floor(rand() * 12) * 3_600_000);
      if (at > now) continue;
      const outcome = collector.record({
        at,
        ip: `${rand() < 0.5 ? '198.51.100' : '203.0.113'}.${1 + Math.floor(rand() * 200)}`,
        userAgent: agents[Math.floor(rand() * agents.length)],
        path: pick(pages),
        referrer: pick(referrers),
        site: null,
        source: 'carrel',
        optOut: rand() < 0.04,
      });
      if (outcome === 'counted') views++;
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.addCounts(trx, 'stats_hourly', collector.takeCounts());
    await repo.addCounts(
      trx,
      'stats_daily',
      collector
        .importedVisitors()
        .map((v) => ({ at: v.day, dimension: 'visitors', value: '', count: v.count })),
    );
    await repo.addCounts(trx, 'stats_daily', [
      {
        at: iso(addMs(now, -2 * DAY)).slice(0, 10),
        dimension: 'exit',
        value: 'ebooks.example.net',
        count: 14,
      },
    ]);
  });
  await rollOver(ctx);
  return views;
}
