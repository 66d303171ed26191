// The statistics collector (issue 5, W1–W3): each page view is reduced at once to the six items
// the policy names — the network's registrable domain, browser family and major version, OS
// family, the hour, the page path without its query string, the referring site's origin — and
// counted in memory; counts are added to the database every few seconds. Nothing about a single
// visit is ever written: the IP address lives only in this process, for the reverse-DNS lookup
// and the day's salted visitor hash, and the full user agent and referrer are dropped here.
import crypto from 'node:crypto';
import { iso, localDay } from '../../clock.ts';
import { scrubForLog } from '../../log-scrub.ts';
import type { AppContext } from '../../context.ts';
import { registrableDomain } from './domains.ts';
import { parseCidrList, type CidrMatcher } from './networks.ts';
import { normalizePath, referrerOrigin } from './paths.ts';
import { createReverseDns, type ReverseDns } from './reverse-dns.ts';
import { parseUserAgent } from './user-agent.ts';
import * as repo from './webstats.repository.ts';

export interface RawView {
  at: Date;
  /** In memory only (W2). */
  ip: string | null;
  userAgent: string | undefined;
  /** Path with query string as requested. */
  path: string;
  referrer: string | undefined;
  /** The other site's host for beacon hits; null for Carrel's own pages. */
  site: string | null;
  source: 'carrel' | 'beacon' | 'log';
  /** DNT: 1 or Sec-GPC: 1 (W3): counted only in one anonymous total per day. */
  optOut: boolean;
}

export type ViewOutcome = 'counted' | 'opted-out' | 'bot' | 'staff' | 'bad-path';

/** Dimensions shown on the dashboard; 'opt-out' is the anonymous DNT/GPC total. */
export const dimensions = [
  'views',
  'page',
  'referrer',
  'domain',
  'browser',
  'os',
  'location',
  'source',
] as const;

export interface CollectorOptions {
  /** 'live': the day's shared salt in the database; 'import': a salt of this run only, never stored. */
  mode: 'live' | 'import';
  reverseDns?: ReverseDns | null;
}

const HOUR_MS = 3_600_000;
const QUARTER_HOUR_MS = 900_000;

/** Counts of one hour: dimension → value → delta (nested maps: no composite key built per count). */
type HourCounts = Map<string, Map<string, repo.CountDelta>>;

// sha256 in one call (Node ≥ 20.12) rather than a Hash object and five update()s: the same digest,
// a third of the cost per view (bench/README.md, webstats).
const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : null;

export class StatsCollector {
  /** hour → dimension → value → delta. */
  private counts = new Map<string, HourCounts>();
  /** The last hour counted into, and its bucket: views come in long runs of the same hour. */
  private lastHour = '';
  private lastBucket: HourCounts | null = null;
  /** Memo of the last hour's text and the last quarter hour's local day (see hourOf, dayOf). */
  private hourNo = Number.NaN;
  private hourText = '';
  private quarterNo = Number.NaN;
  private dayText = '';
  /** Visitor hashes per day since the last flush (live), or for the whole run (import). */
  private visitors = new Map<string, Set<string>>();
  private salts = new Map<string, string>();
  private pendingSalt = new Map<string, Array<[string, string]>>();
  private readonly staff: CidrMatcher;
  private readonly library: CidrMatcher;
  private readonly ownHosts: string[];
  private readonly rdns: ReverseDns | null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** Lookups still running; flush() waits for them when asked to. */
  private lookups = new Set<Promise<void>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: CollectorOptions,
  ) {
    const cfg = ctx.config.webstats;
    this.staff = parseCidrList(cfg.staffNetworks.join(',')).list;
    this.library = parseCidrList(cfg.libraryNetworks.join(',')).list;
    this.ownHosts = [ctx.config.publicUrl.hostname, ...cfg.siteOrigins.map((o) => new URL(o).hostname)];
    this.rdns =
      opts.reverseDns !== undefined
        ? opts.reverseDns
        : cfg.reverseDns
          ? createReverseDns({
              ...(cfg.dnsServers.length ? { servers: cfg.dnsServers } : {}),
              // Live views never wait; an import fires thousands of lookups at once, and a
              // deadline counted from the call would expire for those queued behind the first.
              timeoutMs: opts.mode === 'import' ? 5000 : 500,
              cacheSize: 20_000,
              ttlMs: 6 * 3600_000,
              reduce: registrableDomain,
            })
          : null;
  }

  private add(hour: string, dimension: string, value: string, n = 1): void {
    let bucket = this.lastBucket;
    if (hour !== this.lastHour || !bucket) {
      bucket = this.counts.get(hour) ?? null;
      if (!bucket) this.counts.set(hour, (bucket = new Map()));
      this.lastHour = hour;
      this.lastBucket = bucket;
    }
    let values = bucket.get(dimension);
    if (!values) bucket.set(dimension, (values = new Map()));
    const c = values.get(value);
    if (c) c.count += n;
    else values.set(value, { at: hour, dimension, value, count: n });
  }

  /** The counts gathered so far, as deltas, leaving none behind. */
  private takeDeltas(): repo.CountDelta[] {
    const deltas: repo.CountDelta[] = [];
    for (const bucket of this.counts.values())
      for (const values of bucket.values()) for (const c of values.values()) deltas.push(c);
    this.counts = new Map();
    this.lastHour = '';
    this.lastBucket = null;
    return deltas;
  }

  /** "YYYY-MM-DDTHH" (UTC) of an instant; computed once per hour of views. */
  private hourOf(d: Date): string {
    const h = Math.floor(d.getTime() / HOUR_MS);
    if (h !== this.hourNo) {
      this.hourText = d.toISOString().slice(0, 13); // throws for an invalid date, as before
      this.hourNo = h;
    }
    return this.hourText;
  }

  /**
   * The library's local day of an instant, computed once per quarter hour of views: zones change
   * offset only on quarter-hour boundaries (the assumption clock.ts caches offsets by), so local
   * midnight never falls inside one.
   */
  private dayOf(d: Date): string {
    const q = Math.floor(d.getTime() / QUARTER_HOUR_MS);
    if (q !== this.quarterNo) {
      this.dayText = localDay(d, this.ctx.config.library.timezone);
      this.quarterNo = q;
    }
    return this.dayText;
  }

  /** Reduces and counts one view; synchronous so a response never waits for statistics. */
  record(v: RawView): ViewOutcome {
    const hour = this.hourOf(v.at);
    if (v.optOut) {
      this.add(hour, 'opt-out', '');
      return 'opted-out';
    }
    const ua = parseUserAgent(v.userAgent);
    if (ua.isBot) return 'bot';
    if (v.ip && this.staff.matches(v.ip)) return 'staff';
    const path = normalizePath(v.path, { allowedQueryKeys: this.ctx.config.webstats.queryKeys });
    if (path === null) return 'bad-path';
    this.add(hour, 'views', '');
    this.add(hour, 'page', v.site ? `${v.site}${path}` : path);
    const ref = referrerOrigin(v.referrer, this.ownHosts);
    if (ref) this.add(hour, 'referrer', ref);
    this.add(hour, 'browser', ua.browserMajor ? `${ua.browser} ${ua.browserMajor}` : ua.browser);
    this.add(hour, 'os', ua.os);
    this.add(hour, 'location', v.ip && this.library.matches(v.ip) ? 'in library' : 'remote');
    this.add(hour, 'source', v.source);
    if (v.ip) {
      this.countDomain(hour, v.ip);
      this.countVisitor(this.dayOf(v.at), v.ip, v.userAgent ?? '');
    }
    return 'counted';
  }

  /** A visitor followed a link to another site: counted by destination host only (W4). */
  recordExit(at: Date, host: string, optOut: boolean): void {
    if (!optOut) this.add(this.hourOf(at), 'exit', host.toLowerCase());
  }

  private countDomain(hour: string, ip: string): void {
    if (!this.rdns) return;
    const cached = this.rdns.peek(ip);
    if (cached !== undefined) {
      this.add(hour, 'domain', cached ?? 'unknown');
      return;
    }
    const p = this.rdns.lookup(ip).then(
      (d) => this.add(hour, 'domain', d ?? 'unknown'),
      () => this.add(hour, 'domain', 'unknown'),
    );
    this.lookups.add(p);
    void p.finally(() => this.lookups.delete(p));
  }

  private countVisitor(day: string, ip: string, ua: string): void {
    let salt = this.salts.get(day);
    if (!salt && this.opts.mode === 'import') {
      salt = crypto.randomBytes(32).toString('base64');
      this.salts.set(day, salt);
    }
    if (!salt) {
      // The day's shared salt is read at the next flush; until then the pair waits in memory.
      const list = this.pendingSalt.get(day) ?? [];
      list.push([ip, ua]);
      this.pendingSalt.set(day, list);
      return;
    }
    const input = `${salt}\0${ip}\0${ua}`;
    const hash = (
      oneShotHash
        ? oneShotHash('sha256', input, 'base64url')
        : crypto.createHash('sha256').update(input).digest('base64url')
    ).slice(0, 24);
    let set = this.visitors.get(day);
    if (!set) this.visitors.set(day, (set = new Set()));
    set.add(hash);
  }

  /** Waits for running reverse-DNS lookups (log import, tests). */
  async settle(): Promise<void> {
    while (this.lookups.size) await Promise.allSettled([...this.lookups]);
  }

  /** Adds the counts gathered since the last flush to the database, in one transaction. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const { ctx } = this;
    if (this.opts.mode === 'live' && this.pendingSalt.size) {
      const waiting = this.pendingSalt;
      this.pendingSalt = new Map();
      for (const [day, pairs] of waiting) {
        if (!this.salts.has(day)) {
          const candidate = crypto.randomBytes(32).toString('base64');
          this.salts.set(day, await repo.findOrCreateSalt(ctx.db, day, candidate, iso(ctx.clock.now())));
        }
        for (const [ip, ua] of pairs) this.countVisitor(day, ip, ua);
      }
      // A past day's salt is not needed in memory any more: forgetting it is part of the promise.
      const today = localDay(ctx.clock.now(), ctx.config.library.timezone);
      for (const day of this.salts.keys()) if (day < today) this.salts.delete(day);
    }
    const deltas = this.takeDeltas();
    const visitors = this.opts.mode === 'live' ? this.visitors : new Map<string, Set<string>>();
    if (this.opts.mode === 'live') this.visitors = new Map();
    if (!deltas.length && !visitors.size) return;
    await ctx.db.transaction().execute(async (trx) => {
      await repo.addCounts(trx, 'stats_hourly', deltas);
      for (const [day, set] of visitors) await repo.insertVisitors(trx, day, [...set]);
    });
  }

  /** Import mode: distinct visitors per day of this run (its salts are never stored). */
  importedVisitors(): Array<{ day: string; count: number }> {
    return [...this.visitors].map(([day, set]) => ({ day, count: set.size }));
  }

  /** Import mode: the pending counts, for the caller to write with its own bookkeeping. */
  takeCounts(): repo.CountDelta[] {
    return this.takeDeltas();
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => {
      this.flush().catch((err: unknown) =>
        this.ctx.logger.error(
          // Scrubbed like every logged error (G4): a database message may quote a counted value.
          { error: { message: scrubForLog(String((err as Error)?.message ?? err), 200) } },
          'statistics flush failed',
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
