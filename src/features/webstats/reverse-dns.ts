// Reverse DNS for website statistics (issue 5 item 4, PRIVACY.md W2 and G4): turns a visitor's IP
// into the registrable domain of their network ("host-7.dsl.xcompany.com" → "xcompany.com"), which
// is the "Internet domain" the policy says is collected. Nothing here may delay a page view or a log
// import by more than `timeoutMs`, so every lookup races a hard deadline, concurrent lookups of one
// IP share a single query, and answers (including "no name") are cached.
//
// Where the IP lives (W2: "the IP is held in memory only for the lookup and the visitor hash"):
// - in this module's in-memory cache (IP → domain or null) and in-flight map, and nowhere else;
// - never on disk: nothing here writes files, and the cache is a plain Map that dies with the process;
// - never in logs (G4): this module takes no logger, never logs, and `lookup` never rejects, so
//   no resolver error (c-ares messages name the IP, e.g. "queryPtr ENOTFOUND 192.0.2.7") can reach
//   a caller's logger;
// - for a bounded time: entries expire after `ttlMs` (names) or `negativeTtlMs` (no name), are
//   swept even when nobody asks again, and the least recently used are evicted beyond `cacheSize`;
//   `close()` drops everything.
// The PTR name itself is reduced by the injected `reduce` before caching, so the host name (which
// often embeds the IP or a customer id) is not kept either: only the reduced domain is.
//
// Privacy note for operators: a PTR query discloses the visitor's IP to whichever DNS server
// answers it. Pointing `servers` at a resolver the library runs keeps that first party (G5).
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ReverseDnsOptions {
  /** DNS servers as `host` or `host:port` (e.g. `['127.0.0.1:5353']`); default: the system's. */
  servers?: string[];
  /** Longest a caller ever waits for `lookup`, in milliseconds (e.g. 300). */
  timeoutMs: number;
  /** Most IPs kept in the cache (least recently used go first); 0 disables caching. */
  cacheSize: number;
  /** How long a found domain is cached, in milliseconds (e.g. one hour). */
  ttlMs: number;
  /**
   * How long "no domain" (NXDOMAIN, time-out, failure, unreducible name) is cached. Default: the
   * smaller of `ttlMs` and 10 minutes, so a passing failure does not hide a domain for long, while
   * a slow or silent server is not asked again on every page view.
   */
  negativeTtlMs?: number;
  /**
   * Most queries outstanding at once (default 128). Further lookups wait their turn, within their
   * own deadline, so a burst of new visitors or a log import cannot flood the DNS server.
   */
  maxConcurrent?: number;
  /** PTR name → registrable domain (e.g. with the Public Suffix List), or null to keep none. */
  reduce: (ptrName: string) => string | null;
  /** Time for the cache's expiry and sweeping; default: the monotonic system clock. Tests pass a fake. */
  clock?: ReverseDnsClock;
}

/** The time the cache lives by: expiry of entries and the sweeper that drops them. */
export interface ReverseDnsClock {
  /** Monotonic milliseconds: a change of the wall clock must not keep or drop entries. */
  now(): number;
  /** Calls `fn` every `ms` milliseconds, never keeping the process alive; returns a function that stops it. */
  every(fn: () => void, ms: number): () => void;
}

export const systemReverseDnsClock: ReverseDnsClock = {
  now: () => performance.now(),
  every(fn, ms) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface ReverseDnsStats {
  /** Lookups answered without a new query: from the cache, or by joining one already in flight. */
  hits: number;
  /** Lookups that started a query (or waited for a slot to start one). */
  misses: number;
  /** Lookups that hit the deadline (on the wire, or still queued for a slot) or c-ares' time-out. */
  timeouts: number;
  /** Other failures: SERVFAIL, refused, unusable address, a reducer that threw. */
  errors: number;
  /** Distinct IPs being looked up right now (queued or on the wire). */
  inFlight: number;
  /** IPs held in the cache right now. */
  cached: number;
}

export interface ReverseDns {
  /** The reduced domain of the IP's network, or null; never rejects, never takes longer than timeoutMs. */
  lookup(ip: string): Promise<string | null>;
  /** The cached result without any I/O: a domain, null (known to have none), or undefined (not cached). */
  peek(ip: string): string | null | undefined;
  stats(): ReverseDnsStats;
  /** Cancels outstanding queries and forgets every cached IP; later lookups answer null. */
  close(): void;
}

/**
 * The one spelling of an IP used as a cache key, or null when it cannot have a public PTR record:
 * IPv6 is canonicalised (so "2001:DB8:0::1" and "2001:db8::1" share an entry), IPv4-mapped IPv6
 * ("::ffff:192.0.2.7", what a dual-stack socket reports) becomes plain IPv4 because that is where
 * its PTR record lives, and zoned link-local addresses ("fe80::1%eth0") are refused.
 */
export function normalizeIp(ip: string): string | null {
  if (ip.includes('%')) return null;
  const family = net.isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return null;
  const canonical = new net.SocketAddress({ address: ip, family: 'ipv6' }).address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(canonical);
  return mapped?.[1] ?? canonical;
}

/** The reverse-DNS name queried for an IP (`7.2.0.192.in-addr.arpa`, nibbles under `ip6.arpa`), or null. */
export function ptrNameFor(ip: string): string | null {
  const n = normalizeIp(ip);
  if (n === null) return null;
  if (net.isIPv4(n)) return `${n.split('.').reverse().join('.')}.in-addr.arpa`;
  const [head = '', tail = ''] = n.split('::');
  const h = head ? head.split(':') : [];
  const t = n.includes('::') && tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa`;
}

interface Waiter {
  grant(): void;
  cancel(): void;
}

interface Entry {
  value: string | null;
  expires: number;
}

const TIMED_OUT = Symbol('timed out');
const NOT_STARTED = Symbol('not started');
/** c-ares codes that mean "this address has no name", an answer rather than a failure. */
const NO_NAME = new Set(['ENOTFOUND', 'ENODATA']);

export function createReverseDns(opts: ReverseDnsOptions): ReverseDns {
  const { timeoutMs, cacheSize, ttlMs, reduce } = opts;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError('timeoutMs must be positive');
  if (!(cacheSize >= 0)) throw new RangeError('cacheSize must be 0 or more');
  if (!(ttlMs >= 0)) throw new RangeError('ttlMs must be 0 or more');
  const negativeTtlMs = opts.negativeTtlMs ?? Math.min(ttlMs, 10 * 60_000);
  const maxConcurrent = Math.max(1, opts.maxConcurrent ?? 128);

  // One try per server with our time-out as c-ares' starting per-try time-out, so it does not retry
  // in the background (Node's default is 4 tries). This is not a bound: c-ares 1.34 (Node 20) adapts
  // its time-out to the latencies it has seen, and Node 20 exposes no maximum, hence the hard
  // deadline in resolve().
  const resolver = new Resolver({ timeout: Math.ceil(timeoutMs), tries: 1 });
  if (opts.servers) resolver.setServers(opts.servers);

  // Map iteration order is insertion order: re-inserting on use makes the first key the least
  // recently used, so eviction is O(1) without a linked list.
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<string | null>>();
  // Waiting for a query slot; a Set so a waiter whose deadline passes can leave in O(1).
  const waiting = new Set<Waiter>();
  let active = 0;
  let closed = false;
  let stopSweeper: (() => void) | undefined;
  const counts = { hits: 0, misses: 0, timeouts: 0, errors: 0 };
  const clock = opts.clock ?? systemReverseDnsClock;
  const now = () => clock.now();

  function fresh(key: string): Entry | undefined {
    const e = cache.get(key);
    if (!e) return undefined;
    cache.delete(key);
    if (e.expires <= now()) return undefined;
    cache.set(key, e);
    return e;
  }

  function remember(key: string, value: string | null): void {
    const ttl = value === null ? negativeTtlMs : ttlMs;
    if (closed || cacheSize <= 0 || ttl <= 0) return;
    cache.delete(key);
    cache.set(key, { value, expires: now() + ttl });
    while (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done) break;
      cache.delete(oldest.value);
    }
    startSweeper();
  }

  // Expired entries are dropped on access, but an IP nobody asks about again must not stay in memory
  // until evicted by size; this timer removes it within one period after expiry. It is unref'd (never
  // keeps the process alive) and stops whenever the cache is empty.
  function startSweeper(): void {
    if (stopSweeper) return;
    const period = Math.min(60_000, Math.max(50, Math.min(ttlMs, negativeTtlMs)));
    stopSweeper = clock.every(sweep, period);
  }
  function sweep(): void {
    const t = now();
    for (const [key, e] of cache) if (e.expires <= t) cache.delete(key);
    if (cache.size === 0 && stopSweeper) {
      stopSweeper();
      stopSweeper = undefined;
    }
  }

  /**
   * Takes a query slot, or queues for one. The returned cancel lets the deadline withdraw a waiter
   * (a plain callback, not an AbortSignal: EventTarget listeners cost ~50 µs each, which showed in a
   * burst of 2,000 lookups).
   */
  function acquire(): { granted: Promise<boolean>; cancel: () => void } {
    if (active < maxConcurrent) {
      active++;
      return { granted: Promise.resolve(true), cancel: () => {} };
    }
    let waiter!: Waiter;
    const granted = new Promise<boolean>((resolve) => {
      waiter = {
        grant: () => resolve(true),
        cancel: () => {
          waiting.delete(waiter); // no-op once granted, and resolving again has no effect
          resolve(false);
        },
      };
    });
    waiting.add(waiter);
    return { granted, cancel: waiter.cancel };
  }
  function release(): void {
    const next = waiting.values().next();
    if (next.done) active--;
    else {
      waiting.delete(next.value); // the slot passes straight to the next waiter
      next.value.grant();
    }
  }

  function reduced(names: string[]): string | null {
    for (const raw of names) {
      const name = raw.toLowerCase().replace(/\.$/, '');
      if (!name) continue;
      try {
        const domain = reduce(name);
        if (domain) return domain;
      } catch {
        counts.errors++;
        return null;
      }
    }
    return null;
  }

  async function resolve(key: string): Promise<string | null> {
    const slot = acquire();
    let sent = false;
    const work = (async (): Promise<string[] | typeof NOT_STARTED> => {
      if (!(await slot.granted)) return NOT_STARTED;
      sent = true;
      try {
        // resolvePtr rather than reverse(): reverse() goes through c-ares' gethostbyaddr, which reports
        // every failure (SERVFAIL, time-out) as ENOTFOUND; queryPtr keeps them apart for stats().
        return await resolver.resolvePtr(ptrNameFor(key) ?? '');
      } finally {
        release();
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<typeof TIMED_OUT>((res) => {
      timer = setTimeout(() => {
        slot.cancel(); // a lookup still waiting for a slot gives up without sending
        res(TIMED_OUT);
      }, timeoutMs);
    });
    let outcome: string[] | typeof NOT_STARTED | typeof TIMED_OUT;
    try {
      // After our deadline the query runs on (c-ares cannot cancel one query) until c-ares gives up,
      // which can be a few times timeoutMs (adaptive time-out, one try per server); it keeps its slot
      // meanwhile, so a silent server cannot be flooded. Its late answer is ignored, and Promise.race
      // has subscribed to it, so a late failure is not an unhandled rejection.
      outcome = await Promise.race([work, expired]);
    } catch (e) {
      if (closed) return null;
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'ETIMEOUT') counts.timeouts++;
      else if (!NO_NAME.has(code)) counts.errors++;
      remember(key, null);
      return null;
    } finally {
      clearTimeout(timer);
    }
    if (closed) return null;
    if (outcome === TIMED_OUT || outcome === NOT_STARTED) {
      counts.timeouts++;
      // Remember the silence only if a query went out: a lookup that never got a slot learnt
      // nothing about this address, so it must not hide its domain for negativeTtlMs.
      if (sent) remember(key, null);
      return null;
    }
    const domain = reduced(outcome);
    remember(key, domain);
    return domain;
  }

  return {
    lookup(ip) {
      const key = normalizeIp(ip);
      if (key === null) {
        counts.errors++;
        return Promise.resolve(null);
      }
      if (closed) return Promise.resolve(null);
      const cached = fresh(key);
      if (cached) {
        counts.hits++;
        return Promise.resolve(cached.value);
      }
      const pending = inFlight.get(key);
      if (pending) {
        counts.hits++;
        return pending;
      }
      counts.misses++;
      const p = resolve(key).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    peek(ip) {
      const key = normalizeIp(ip);
      return key === null ? undefined : fresh(key)?.value;
    },
    stats: () => ({ ...counts, inFlight: inFlight.size, cached: cache.size }),
    close() {
      closed = true;
      resolver.cancel();
      cache.clear();
      for (const waiter of [...waiting]) waiter.cancel();
      stopSweeper?.();
      stopSweeper = undefined;
    },
  };
}
