// Shared setup for the website statistics tests (webstats*.test.ts): a real DNS server on
// loopback for the PTR queries (the outside network is not used), the configuration they run
// with, an app with a live collector, and helpers to read the hourly counts.
import { after } from 'node:test';
import { buildApp } from '../../app/root.ts';
import type { App } from '../../http/types.ts';
import type { TestEnv } from '../../../test/support/env.ts';
import { startDnsServer, type DnsServer } from '../../../test/support/dns-server.ts';
import { StatsCollector } from './collector.ts';

export const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
export const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36';
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** Starts the loopback DNS server for this test file; it closes when the file's tests end. */
export async function startStatsDns(): Promise<DnsServer> {
  const dns = await startDnsServer({
    ptr: { '198.51.100.23': 'host-7.dsl.xcompany.com', '203.0.113.9': 'lab-3.cs.yourschool.edu' },
  });
  after(() => dns.close());
  return dns;
}

/** The configuration every website statistics test runs with (reverse DNS through `dns`). */
export function statsEnv(dns: DnsServer): Record<string, string> {
  return {
    STATS_REVERSE_DNS: 'true',
    STATS_DNS_SERVERS: dns.address,
    STATS_STAFF_NETWORKS: '10.99.0.0/16',
    STATS_LIBRARY_NETWORKS: '10.20.0.0/16',
    STATS_SITE_ORIGINS: 'https://www.library.example',
    EXTERNAL_LINK_HOSTS: 'library.example',
  };
}

export async function withApp(env: TestEnv, run: (app: App, collector: StatsCollector) => Promise<void>) {
  const collector = new StatsCollector(env.ctx, { mode: 'live' });
  const app = await buildApp(env.ctx, { statsCollector: collector });
  try {
    await run(app, collector);
  } finally {
    await collector.stop();
    await app.close();
  }
}

export const visit = (app: App, url: string, ip: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, remoteAddress: ip, headers: { 'user-agent': FIREFOX, ...headers } });

export async function hourlyRows(env: TestEnv) {
  return env.ctx.db.selectFrom('stats_hourly').selectAll().execute();
}
export const sumOf = (
  rows: Array<{ dimension: string; value: string; count: number }>,
  dim: string,
  value?: string,
) =>
  rows
    .filter((r) => r.dimension === dim && (value === undefined || r.value === value))
    .reduce((n, r) => n + Number(r.count), 0);
