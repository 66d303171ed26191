// Website statistics (issue 5, W1–W4): reverse DNS, which networks count how, what is kept how long,
// and the external links that need no signed leaving notice.
import { boolSetting, EnvReader, intSetting, listOf, networksSetting, type Setting } from './setting.ts';

export interface WebstatsConfig {
  /** Look up the visitor network's domain by reverse DNS (W2); off removes it from the privacy page. */
  reverseDns: boolean;
  /** DNS servers for those lookups (host or host:port); empty: the system's. */
  dnsServers: string[];
  /** Requests from these networks (addresses or CIDRs) are not counted: the library's own staff. */
  staffNetworks: string[];
  /** Requests from these networks are labelled "in library", all others "remote". */
  libraryNetworks: string[];
  /** Origins of the library's other sites allowed to send beacon hits (CORS). */
  siteOrigins: string[];
  /** Query-string keys kept in page paths; everything else after "?" is dropped. */
  queryKeys: string[];
  /** Hours stay hourly this many days, then are folded into days. */
  hourlyDays: number;
  /** Daily figures are kept this many days. */
  keepDays: number;
  /** Hosts an external link may go to without a signature (the notice page still shows). */
  exitHosts: string[];
}

export const STATS_REVERSE_DNS = boolSetting('STATS_REVERSE_DNS', {
  default: true,
  description:
    "Website statistics: look up the visitor network's domain by reverse DNS; switching it off also changes the privacy page.",
});

export const STATS_DNS_SERVERS: Setting<string[]> = {
  name: 'STATS_DNS_SERVERS',
  default: "the system's",
  description: 'Comma-separated DNS servers (`host` or `host:port`) for those lookups.',
  parse: (v) => listOf(v),
};

export const STATS_STAFF_NETWORKS = networksSetting('STATS_STAFF_NETWORKS', {
  default: 'none',
  description: 'Comma-separated addresses/CIDRs of staff machines; their visits are not counted.',
});

export const STATS_LIBRARY_NETWORKS = networksSetting('STATS_LIBRARY_NETWORKS', {
  default: 'none',
  description: 'Comma-separated addresses/CIDRs of the branches; visits from them count as "in library".',
});

export const STATS_SITE_ORIGINS: Setting<string[]> = {
  name: 'STATS_SITE_ORIGINS',
  default: 'none',
  description:
    "Origins of the library's other sites allowed to send beacon hits, e.g. `https://www.library.org`.",
  parse(v, r) {
    const siteOrigins = listOf(v).map((o) => o.replace(/\/+$/, ''));
    for (const o of siteOrigins) {
      let ok = false;
      try {
        const u = new URL(o);
        ok = ['http:', 'https:'].includes(u.protocol) && u.origin === o;
      } catch {
        ok = false;
      }
      if (!ok)
        r.problem(
          `STATS_SITE_ORIGINS entry ${JSON.stringify(o)} is not an origin like https://www.library.org.`,
        );
    }
    return siteOrigins;
  },
};

export const STATS_QUERY_KEYS: Setting<string[]> = {
  name: 'STATS_QUERY_KEYS',
  default: 'none',
  description: 'Query-string keys kept in counted page paths; all others are dropped.',
  parse(v, r) {
    const queryKeys = listOf(v);
    for (const k of queryKeys)
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(k))
        r.problem(`STATS_QUERY_KEYS entry ${JSON.stringify(k)} is not a query key like page.`);
    return queryKeys;
  },
};

export const STATS_HOURLY_DAYS = intSetting('STATS_HOURLY_DAYS', {
  default: 7,
  min: 1,
  max: 90,
  description: 'Hourly website figures are folded into daily ones after this many days.',
});

export const STATS_KEEP_DAYS = intSetting('STATS_KEEP_DAYS', {
  default: 730,
  min: 30,
  max: 3650,
  description: 'Daily website figures are kept this many days.',
});

export const EXTERNAL_LINK_HOSTS: Setting<string[]> = {
  name: 'EXTERNAL_LINK_HOSTS',
  default: 'none',
  description: 'Hosts links may lead to without a signed link (the leaving notice still shows).',
  parse(v, r) {
    const exitHosts = listOf(v).map((h) => h.toLowerCase());
    for (const h of exitHosts)
      if (!/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(h))
        r.problem(`EXTERNAL_LINK_HOSTS entry ${JSON.stringify(h)} is not a host name like example.org.`);
    return exitHosts;
  },
};

export function readWebstats(r: EnvReader): WebstatsConfig {
  // Read in this order so problems are listed as before: origins, link hosts, keys, then the rest.
  const siteOrigins = r.read(STATS_SITE_ORIGINS);
  const exitHosts = r.read(EXTERNAL_LINK_HOSTS);
  const queryKeys = r.read(STATS_QUERY_KEYS);
  return {
    reverseDns: r.read(STATS_REVERSE_DNS),
    dnsServers: r.read(STATS_DNS_SERVERS),
    staffNetworks: r.read(STATS_STAFF_NETWORKS),
    libraryNetworks: r.read(STATS_LIBRARY_NETWORKS),
    siteOrigins,
    queryKeys,
    hourlyDays: r.read(STATS_HOURLY_DAYS),
    keepDays: r.read(STATS_KEEP_DAYS),
    exitHosts,
  };
}

export const statsSettings = [
  STATS_REVERSE_DNS,
  STATS_DNS_SERVERS,
  STATS_STAFF_NETWORKS,
  STATS_LIBRARY_NETWORKS,
  STATS_SITE_ORIGINS,
  STATS_QUERY_KEYS,
  STATS_HOURLY_DAYS,
  STATS_KEEP_DAYS,
  EXTERNAL_LINK_HOSTS,
];
