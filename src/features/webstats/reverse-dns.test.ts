// Reverse DNS for website statistics (issue 5 item 4; W2, G4), through a real DNS server on loopback
// rather than a mock of the resolver: names found and reduced, NXDOMAIN, SERVFAIL, silent and slow
// servers (callers never wait past the deadline), caching with TTLs and LRU bounds, one query for
// concurrent lookups, IPv6, and no IP or name ever reaching a log.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { arpaName, startDnsServer, type DnsServer } from '../../../test/support/dns-server.ts';
import {
  createReverseDns,
  normalizeIp,
  ptrNameFor,
  type ReverseDnsClock,
  type ReverseDnsOptions,
} from './reverse-dns.ts';

// Addresses from the documentation ranges (RFC 5737, RFC 3849), so no test depends on real DNS.
const PTR: Record<string, string | string[]> = {
  '192.0.2.7': 'host-7.dsl.xcompany.com',
  '192.0.2.8': ['xcompany', 'lab-8.cs.yourschool.edu.'], // first name unreducible, second used
  '192.0.2.20': 'HOST-20.Cable.Example.NET', // case and trailing-dot variants come back normalised
  '192.0.2.30': 'a.cached.example.org',
  '192.0.2.31': 'b.cached.example.org',
  '192.0.2.40': 'shared.example.com',
  '192.0.2.50': 'slow.example.com',
  '2001:db8::1': 'v6-host.net.example.com',
  '2001:db8:0:0:1::2': 'other.v6.example.org',
  '192.0.2.60': 'mapped.example.com',
  '192.0.2.99': 'secret-host.private-name.example',
};
for (let i = 1; i <= 6; i++) PTR[`198.51.100.${i}`] = `h${i}.lru${i}.example`;
for (let i = 1; i <= 3; i++) PTR[`198.51.100.${100 + i}`] = `h.ttl${i}.example`;

let server: DnsServer;
before(async () => {
  server = await startDnsServer({
    ptr: PTR,
    delayMs: { '192.0.2.50': 800 },
    servfail: ['192.0.2.66'],
    drop: ['192.0.2.77', '192.0.2.78'],
  });
});
after(() => server.close());

/** Keeps the last two labels: enough for the test names; production injects the PSL. */
const lastTwo = (name: string) => {
  const labels = name.split('.');
  return labels.length >= 2 ? labels.slice(-2).join('.') : null;
};

const make = (extra: Partial<ReverseDnsOptions> = {}) =>
  createReverseDns({
    servers: [server.address],
    timeoutMs: 300,
    cacheSize: 100,
    ttlMs: 60_000,
    reduce: lastTwo,
    ...extra,
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The cache's time, moved by hand: expiry and sweeping are tested without sleeping. */
class FakeClock implements ReverseDnsClock {
  private t = 1_000;
  private tasks = new Set<{ fn: () => void; ms: number; next: number }>();
  now(): number {
    return this.t;
  }
  every(fn: () => void, ms: number): () => void {
    const task = { fn, ms, next: this.t + ms };
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  }
  /** Moves time forward, running each periodic task whenever it falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.tasks].filter((k) => k.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.t = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.t = end;
  }
  get timers(): number {
    return this.tasks.size;
  }
}

test('a PTR name is found and reduced to its registrable domain', async () => {
  const dns = make();
  assert.equal(await dns.lookup('192.0.2.7'), 'xcompany.com');
  // Several PTR names: the first one the reducer accepts wins.
  assert.equal(await dns.lookup('192.0.2.8'), 'yourschool.edu');
  // The reducer sees lower case without the root dot.
  const seen: string[] = [];
  const spy = make({ reduce: (n) => (seen.push(n), lastTwo(n)) });
  assert.equal(await spy.lookup('192.0.2.20'), 'example.net');
  assert.deepEqual(seen, ['host-20.cable.example.net']);
  dns.close();
  spy.close();
});

test('NXDOMAIN gives null, and that answer is cached too', async () => {
  const dns = make();
  const ip = '192.0.2.200';
  assert.equal(await dns.lookup(ip), null);
  assert.equal(dns.peek(ip), null, 'cached as "no name", not merely absent');
  assert.equal(await dns.lookup(ip), null);
  assert.equal(server.queriesFor(ip), 1);
  assert.deepEqual(
    { ...dns.stats(), inFlight: 0 },
    { hits: 1, misses: 1, timeouts: 0, errors: 0, inFlight: 0, cached: 1 },
  );
  dns.close();
});

test('a reducer that rejects every name caches null', async () => {
  const dns = make({ reduce: () => null });
  assert.equal(await dns.lookup('192.0.2.7'), null);
  assert.equal(dns.peek('192.0.2.7'), null);
  dns.close();
});

test('SERVFAIL, a throwing reducer and an unusable address give null and count as errors, never reject', async () => {
  const dns = make();
  assert.equal(await dns.lookup('192.0.2.66'), null);
  assert.equal(await dns.lookup('not an ip'), null);
  assert.equal(await dns.lookup('fe80::1%eth0'), null, 'zoned link-local has no public name');
  const throwing = make({
    reduce: () => {
      throw new Error('boom');
    },
  });
  assert.equal(await throwing.lookup('192.0.2.7'), null);
  assert.equal(dns.stats().errors, 3);
  assert.equal(throwing.stats().errors, 1);
  dns.close();
  throwing.close();
});

test('a slow answer never delays the caller beyond timeoutMs', async () => {
  const timeoutMs = 300;
  const dns = make({ timeoutMs });
  for (const ip of ['192.0.2.50' /* answers after 800 ms */, '192.0.2.77' /* never answers */]) {
    const t0 = performance.now();
    assert.equal(await dns.lookup(ip), null);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= timeoutMs - 5, `waited ${elapsed.toFixed(0)} ms, so the query really was slow`);
    assert.ok(elapsed < timeoutMs + 200, `answered in ${elapsed.toFixed(0)} ms`);
    assert.equal(server.queriesFor(ip), 1);
  }
  assert.equal(dns.stats().timeouts, 2);
  // The silence is cached (negatively), so the next view does not wait again.
  const t0 = performance.now();
  assert.equal(await dns.lookup('192.0.2.50'), null);
  assert.ok(performance.now() - t0 < 50);
  assert.equal(server.queriesFor('192.0.2.50'), 1);
  dns.close();
});

test('the deadline is our own: three silent servers (c-ares alone would try each in turn) still cost timeoutMs', async () => {
  const silent = await Promise.all([1, 2, 3].map(() => startDnsServer({ ptr: {}, silent: true })));
  try {
    const timeoutMs = 300;
    const dns = make({ timeoutMs, servers: silent.map((s) => s.address) });
    const t0 = performance.now();
    assert.equal(await dns.lookup('192.0.2.79'), null);
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < timeoutMs + 200, `answered in ${elapsed.toFixed(0)} ms`);
    assert.equal(silent[0]?.queries, 1);
    assert.deepEqual(dns.stats(), { hits: 0, misses: 1, timeouts: 1, errors: 0, inFlight: 0, cached: 1 });
    dns.close();
  } finally {
    await Promise.all(silent.map((s) => s.close()));
  }
});

test('repeat lookups are served from the cache: the server sees no new query', async () => {
  const dns = make();
  assert.equal(await dns.lookup('192.0.2.30'), 'example.org');
  assert.equal(await dns.lookup('192.0.2.31'), 'example.org');
  const before = server.queries;
  for (let i = 0; i < 50; i++) {
    assert.equal(await dns.lookup('192.0.2.30'), 'example.org');
    assert.equal(dns.peek('192.0.2.31'), 'example.org');
  }
  assert.equal(server.queries, before);
  assert.equal(dns.stats().hits, 50);
  assert.equal(dns.stats().misses, 2);
  assert.equal(dns.peek('192.0.2.250'), undefined, 'peek on an unknown IP does no I/O');
  assert.equal(server.queries, before);
  dns.close();
});

test('ten concurrent lookups of one IP send one query', async () => {
  const dns = make();
  const results = Promise.all(Array.from({ length: 10 }, () => dns.lookup('192.0.2.40')));
  assert.equal(dns.stats().inFlight, 1);
  assert.deepEqual(await results, Array<string>(10).fill('example.com'));
  assert.equal(server.queriesFor('192.0.2.40'), 1);
  assert.deepEqual(
    { ...dns.stats(), cached: 0 },
    { hits: 9, misses: 1, timeouts: 0, errors: 0, inFlight: 0, cached: 0 },
  );
  dns.close();
});

test('IPv6, any spelling, and IPv4-mapped IPv6 addresses', async () => {
  assert.equal(ptrNameFor('2001:db8::1'), arpaName('2001:db8::1'));
  assert.equal(ptrNameFor('2001:db8:0:0:1::2'), arpaName('2001:db8:0:0:1::2'));
  assert.equal(ptrNameFor('192.0.2.7'), '7.2.0.192.in-addr.arpa');
  assert.equal(ptrNameFor('::ffff:192.0.2.7'), '7.2.0.192.in-addr.arpa');
  assert.equal(normalizeIp('2001:DB8:0000::1'), '2001:db8::1');

  const dns = make();
  assert.equal(await dns.lookup('2001:db8::1'), 'example.com');
  assert.equal(await dns.lookup('2001:0DB8:0:0:0:0:0:1'), 'example.com', 'another spelling hits the cache');
  assert.equal(server.queriesFor('2001:db8::1'), 1);
  assert.equal(await dns.lookup('2001:db8::1:0:0:2'), 'example.org');
  assert.equal(await dns.lookup('2001:db8::dead'), null, 'NXDOMAIN under ip6.arpa');
  // What a dual-stack socket reports for an IPv4 client: its PTR record lives under in-addr.arpa.
  assert.equal(await dns.lookup('::ffff:192.0.2.60'), 'example.com');
  assert.equal(dns.peek('192.0.2.60'), 'example.com');
  dns.close();
});

test('negative answers expire after negativeTtlMs, found names after ttlMs', async () => {
  const clock = new FakeClock();
  const dns = make({ ttlMs: 400, negativeTtlMs: 100, clock });
  assert.equal(await dns.lookup('192.0.2.201'), null);
  assert.equal(await dns.lookup('198.51.100.101'), 'ttl1.example');
  clock.advance(99);
  assert.equal(dns.peek('192.0.2.201'), null, 'negative entry still fresh just before negativeTtlMs');
  clock.advance(51);
  assert.equal(dns.peek('192.0.2.201'), undefined, 'negative entry expired');
  assert.equal(dns.peek('198.51.100.101'), 'ttl1.example', 'positive entry still fresh');
  assert.equal(await dns.lookup('192.0.2.201'), null);
  assert.equal(server.queriesFor('192.0.2.201'), 2);
  clock.advance(250);
  assert.equal(dns.peek('198.51.100.101'), undefined, 'positive entry expired');
  assert.equal(await dns.lookup('198.51.100.101'), 'ttl1.example');
  assert.equal(server.queriesFor('198.51.100.101'), 2);
  dns.close();
});

test('expired IPs leave memory even if nobody asks about them again', async () => {
  const clock = new FakeClock();
  const dns = make({ ttlMs: 60, negativeTtlMs: 60, clock });
  await dns.lookup('198.51.100.102');
  await dns.lookup('198.51.100.103');
  await dns.lookup('192.0.2.202');
  assert.equal(dns.stats().cached, 3);
  assert.equal(clock.timers, 1, 'one sweeper');
  clock.advance(250);
  assert.equal(dns.stats().cached, 0, 'swept without any further lookup');
  assert.equal(clock.timers, 0, 'the sweeper stops once the cache is empty');
  dns.close();
});

test('the cache holds at most cacheSize IPs, evicting the least recently used', async () => {
  const dns = make({ cacheSize: 3 });
  const ip = (i: number) => `198.51.100.${i}`;
  for (const i of [1, 2, 3]) await dns.lookup(ip(i));
  assert.equal(await dns.lookup(ip(1)), 'lru1.example'); // 1 is now the most recently used
  await dns.lookup(ip(4)); // evicts 2, the least recently used
  assert.equal(dns.stats().cached, 3);
  assert.equal(dns.peek(ip(2)), undefined);
  assert.equal(dns.peek(ip(1)), 'lru1.example');
  assert.equal(dns.peek(ip(3)), 'lru3.example');
  assert.equal(dns.peek(ip(4)), 'lru4.example');
  await dns.lookup(ip(2));
  assert.equal(server.queriesFor(ip(2)), 2, 'an evicted IP is asked again');
  assert.equal(server.queriesFor(ip(1)), 1);
  assert.equal(dns.stats().cached, 3);
  dns.close();

  const none = make({ cacheSize: 0 });
  await none.lookup(ip(5));
  await none.lookup(ip(5));
  assert.equal(server.queriesFor(ip(5)), 2, 'cacheSize 0 caches nothing');
  assert.equal(none.stats().cached, 0);
  none.close();
});

test('beyond maxConcurrent, lookups queue within their deadline and learn nothing if it passes', async () => {
  const dns = make({ maxConcurrent: 1, timeoutMs: 200 });
  const t0 = performance.now();
  const [silent, queued] = await Promise.all([dns.lookup('192.0.2.78'), dns.lookup('198.51.100.6')]);
  assert.ok(performance.now() - t0 < 200 + 200);
  assert.deepEqual([silent, queued], [null, null]);
  assert.equal(server.queriesFor('198.51.100.6'), 0, 'the queued lookup never went out');
  assert.equal(dns.peek('198.51.100.6'), undefined, 'and is not cached as "no name"');
  assert.equal(dns.peek('192.0.2.78'), null, 'the silent one is');
  dns.close();
});

test('close() forgets every IP and answers null afterwards', async () => {
  const dns = make();
  assert.equal(await dns.lookup('192.0.2.7'), 'xcompany.com');
  dns.close();
  assert.equal(dns.stats().cached, 0);
  assert.equal(dns.peek('192.0.2.7'), undefined);
  assert.equal(await dns.lookup('192.0.2.7'), null);
});

test('no IP or host name reaches any log or output (G4)', async () => {
  // The module takes no logger; it must not print either, on any path.
  const source = fs.readFileSync(new URL('./reverse-dns.ts', import.meta.url), 'utf8');
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may name loggers; code may not
  assert.doesNotMatch(
    code,
    /\bconsole\.|logger|pino|process\.(stdout|stderr)|node:fs|writeFile|\.(info|warn|debug|trace)\(/,
  );

  const written: string[] = [];
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return original(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original as typeof stream.write));
  }
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  for (const m of consoleMethods) {
    const original = console[m];
    console[m] = (...args: unknown[]) => {
      written.push(args.map(String).join(' '));
    };
    restore.push(() => (console[m] = original));
  }
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(String(w));
  process.on('warning', onWarning);
  const ips = ['192.0.2.99', '192.0.2.203', '192.0.2.66', '192.0.2.77', '2001:db8::99'];
  try {
    const dns = make({ timeoutMs: 150 });
    await Promise.all(ips.map((ip) => dns.lookup(ip)));
    await Promise.all(ips.map((ip) => dns.lookup(ip)));
    dns.close();
    await sleep(200); // let late resolver failures settle while still watching
  } finally {
    for (const r of restore) r();
    process.off('warning', onWarning);
  }
  const everything = [...written, ...warnings].join('\n');
  for (const needle of [...ips, 'secret-host', 'private-name', '99.2.0.192']) {
    assert.ok(!everything.includes(needle), `output mentions ${needle}`);
  }
});
