// Configuration: the environment is read once, here, into one typed and defaulted object.
// Every problem is collected and reported together so an operator fixes them in one pass.
import fs from 'node:fs';
import path from 'node:path';
import dns from 'node:dns/promises';
import net from 'node:net';
import { libraryIdentitySchema, type LibraryIdentity } from './library.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface DatabaseConfig {
  /** `sqlite` (embedded file, the default) or `postgres` (consortia). */
  dialect: 'sqlite' | 'postgres';
  /** File path for SQLite, connection string for PostgreSQL. */
  location: string;
  /** Maximum connections in the PostgreSQL pool. */
  poolSize: number;
  /** SQLite: deleted values leave the -wal file this long after the write (WAL_SCRUB_SECONDS). */
  scrubDelayMs: number;
}

export interface Config {
  /** TCP port the web server listens on. */
  port: number;
  /** Interface the web server binds to. */
  host: string;
  /** The address patrons use to reach this site; used for absolute links in e-mail later on. */
  publicUrl: URL;
  /** Folder for the SQLite database and the generated secret. */
  dataDir: string;
  database: DatabaseConfig;
  /** Key for signing cookies and hashing throttle keys; never logged. */
  secret: string;
  /** The library's identity: name, branches, hours, contacts. */
  library: LibraryIdentity;
  /** Proxies whose X-Forwarded-* headers are believed (addresses, CIDRs or proxy-addr names). */
  trustProxy: string[];
  /** PEM files for serving HTTPS directly; both or neither. */
  tls: { certFile: string; keyFile: string } | null;
  logLevel: LogLevel;
  /** Apply pending migrations when `carrel serve` starts. */
  migrateOnStart: boolean;
  /** Seed demo data (staff accounts for each role) when the database is new. */
  demoData: boolean;
  staffSession: { idleMinutes: number; maxHours: number };
  /** Patron sessions (A4): a short idle time-out when the patron says the computer is public. */
  patronSession: { idleMinutes: number; publicIdleMinutes: number; maxHours: number };
  /** G7: counts from 1 to k are shown as "k or fewer" in every statistic Carrel shows or exports. */
  statsK: number;
  /** How long reading history, lapsed accounts and the staff access log are kept. */
  patrons: { lapsedAfterDays: number; accessLogDays: number };
  purge: { intervalMinutes: number; batchSize: number };
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimitBytes: number;
  /** A catalog upload whose sender sends nothing for this long is dropped, freeing its slot. */
  uploadIdleMs: number;
  jobs: { pollMs: number };
  mail: MailConfig;
  notices: NoticesConfig;
  announcements: AnnouncementsConfig;
  reference: ReferenceConfig;
  webstats: WebstatsConfig;
}

export interface MailConfig {
  /** smtp:// or smtps:// relay; null sends every message to the development mailbox instead. */
  smtpUrl: URL | null;
  /** Allow an SMTP connection without TLS (a relay on this machine); otherwise STARTTLS is required. */
  allowPlain: boolean;
  /** PEM file with a private CA to trust for the SMTP server, besides the system's CAs. */
  caFile: string | null;
  /** The sender every message carries, in the library's name. */
  from: { name: string; address: string };
  /** Optional DKIM signing of every outgoing message. */
  dkim: { domain: string; selector: string; keyFile: string } | null;
  /** Connections announcements keep open to the relay at once. */
  poolConnections: number;
}

/** Service notices (issue 4, N2). */
export interface NoticesConfig {
  /** A due-soon notice goes this many days before the due date (0: none). */
  dueSoonDays: number;
}

/** Announcements (issue 4, N1). */
export interface AnnouncementsConfig {
  /** Throttle: messages per minute handed to the relay. */
  perMinute: number;
  /** Hosts (and their subdomains) announcement links may point to; the site's own host always may. */
  linkHosts: string[];
}

/** Website statistics (issue 5, W1–W4). */
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

/** Ask a Librarian (issue 4, R1–R3). */
export interface ReferenceConfig {
  /** The reference desk's address; replies thread by a +token in it (ask+TOKEN@…). */
  address: string;
  /** How e-mailed questions arrive: a built-in SMTP listener, IMAP polling, or not at all. */
  inbound: 'off' | 'smtp' | 'imap';
  smtpHost: string;
  smtpPort: number;
  imapUrl: URL | null;
  pollSeconds: number;
  /** Largest inbound message accepted, in bytes. */
  maxBytes: number;
  /** Open questions with no activity for this many days are closed and scrubbed (R2). */
  idleDays: number;
  /** Questions one client may send through the web form per hour. */
  perClientPerHour: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Carrel cannot start because of its configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const boolWords: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

type Env = Record<string, string | undefined>;

/** Reads one variable with a parser; a parse failure becomes a problem line naming the variable. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name}=${JSON.stringify(v)} is not a whole number from ${min} to ${max}.`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const b = boolWords[v.toLowerCase()];
    if (b === undefined) {
      this.problems.push(`${name}=${JSON.stringify(v)} is not one of true/false, yes/no, on/off, 1/0.`);
      return fallback;
    }
    return b;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      this.problems.push(`${name}=${JSON.stringify(v)} is not one of: ${allowed.join(', ')}.`);
      return fallback;
    }
    return v as T;
  }
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseDatabase(r: EnvReader, dataDir: string): DatabaseConfig {
  const poolSize = r.int('DATABASE_POOL_SIZE', 10, 1, 200);
  const scrubDelayMs = r.int('WAL_SCRUB_SECONDS', 5, 1, 50) * 1000;
  const sqliteAt = (location: string): DatabaseConfig => ({
    dialect: 'sqlite',
    location,
    poolSize,
    scrubDelayMs,
  });
  const url = r.raw('DATABASE_URL');
  if (url === undefined) return sqliteAt(path.join(dataDir, 'carrel.db'));
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (file === '') r.problems.push('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:./data/carrel.db.');
    return sqliteAt(path.resolve(file));
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['postgres:', 'postgresql:'].includes(parsed.protocol) || parsed.hostname === '') {
    // The value may hold a password, so it is not echoed back.
    r.problems.push('DATABASE_URL is not a postgres://user:password@host:port/database URL or sqlite:FILE.');
    return sqliteAt(path.join(dataDir, 'carrel.db'));
  }
  return { dialect: 'postgres', location: url, poolSize, scrubDelayMs };
}

/** An IPv4/IPv6 address, or one with a prefix length (10.1.0.0/16, 2001:db8::/32). */
function isAddressOrCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  const family = net.isIP(addr ?? '');
  const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
  return family !== 0 && okBits && extra === undefined;
}

function parseTrustProxy(r: EnvReader): string[] {
  const v = r.raw('TRUST_PROXY');
  if (v === undefined || ['false', 'no', 'off', 'none'].includes(v.toLowerCase())) return [];
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entries) {
    if (!proxyNames.has(e) && !isAddressOrCidr(e)) {
      r.problems.push(
        `TRUST_PROXY entry ${JSON.stringify(e)} is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal.`,
      );
    }
  }
  return entries;
}

function readSecret(r: EnvReader, dataDir: string, dialect: DatabaseConfig['dialect']): string {
  const given = r.raw('CARREL_SECRET');
  if (given !== undefined) {
    if (given.length < 32) r.problems.push('CARREL_SECRET must be at least 32 characters long.');
    return given;
  }
  if (dialect === 'postgres') {
    // Several instances share one PostgreSQL database; each needs the same key.
    r.problems.push(
      'CARREL_SECRET must be set when DATABASE_URL points to PostgreSQL (every instance needs the same key).',
    );
    return '';
  }
  // The embedded default keeps a generated key beside its database, created once with owner-only access.
  const file = path.join(dataDir, 'secret.key');
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    if (!fs.existsSync(file)) {
      fs.writeFileSync(
        file,
        crypto.getRandomValues(new Uint8Array(32)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''),
        { mode: 0o600, flag: 'wx' },
      );
    }
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    r.problems.push(
      `DATA_DIR ${JSON.stringify(dataDir)} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'}); set DATA_DIR to a writable folder or set CARREL_SECRET.`,
    );
    return '';
  }
}

function readLibrary(r: EnvReader): LibraryIdentity {
  const file = path.resolve(
    r.string('LIBRARY_CONFIG', path.join(import.meta.dirname, '..', 'config', 'library.json')),
  );
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : 'cannot be read';
    r.problems.push(`LIBRARY_CONFIG file ${file} ${why}.`);
    return libraryIdentitySchema.parse(fallbackLibrary);
  }
  const parsed = libraryIdentitySchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      r.problems.push(
        `LIBRARY_CONFIG ${path.basename(file)}: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
      );
    return libraryIdentitySchema.parse(fallbackLibrary);
  }
  return parsed.data;
}

function parseMail(r: EnvReader, library: LibraryIdentity): MailConfig {
  let smtpUrl: URL | null = null;
  const url = r.raw('SMTP_URL');
  if (url !== undefined) {
    try {
      smtpUrl = new URL(url);
    } catch {
      smtpUrl = null;
    }
    if (!smtpUrl || !['smtp:', 'smtps:'].includes(smtpUrl.protocol) || smtpUrl.hostname === '') {
      // The value may hold a password, so it is not echoed back.
      r.problems.push('SMTP_URL is not an smtp://user:password@host:port or smtps://… URL.');
      smtpUrl = null;
    }
  }
  const caFile = r.raw('SMTP_CA_FILE') ?? null;
  if (caFile !== null && !fs.existsSync(caFile))
    r.problems.push(`SMTP_CA_FILE file ${caFile} does not exist.`);
  let from = { name: library.name, address: library.contacts.webmaster.email };
  const given = r.raw('MAIL_FROM');
  if (given !== undefined) {
    const m = /^(?:"?([^"<>]*?)"?\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))$/.exec(given);
    if (m) from = { name: m[1]?.trim() || library.name, address: (m[2] ?? m[3])! };
    else
      r.problems.push(
        `MAIL_FROM=${JSON.stringify(given)} is not an address like library@example.org or "Name <library@example.org>".`,
      );
  }
  let dkim: MailConfig['dkim'] = null;
  const dkimDomain = r.raw('DKIM_DOMAIN');
  const dkimSelector = r.raw('DKIM_SELECTOR');
  const dkimKey = r.raw('DKIM_PRIVATE_KEY_FILE');
  const dkimSet = [dkimDomain, dkimSelector, dkimKey].filter((v) => v !== undefined).length;
  if (dkimSet > 0 && dkimSet < 3)
    r.problems.push('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE must be set together (or none).');
  else if (dkimDomain && dkimSelector && dkimKey) {
    if (!fs.existsSync(dkimKey)) r.problems.push(`DKIM_PRIVATE_KEY_FILE file ${dkimKey} does not exist.`);
    dkim = { domain: dkimDomain, selector: dkimSelector, keyFile: dkimKey };
  }
  return {
    smtpUrl,
    allowPlain: r.bool('SMTP_ALLOW_PLAIN', false),
    caFile,
    from,
    dkim,
    poolConnections: r.int('SMTP_POOL_CONNECTIONS', 5, 1, 50),
  };
}

const emailLike = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function parseAnnouncements(r: EnvReader, publicUrl: URL): AnnouncementsConfig {
  const hosts = (r.raw('ANNOUNCEMENT_LINK_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const h of hosts)
    if (!/^[a-z0-9.-]+$/.test(h) || !h.includes('.'))
      r.problems.push(
        `ANNOUNCEMENT_LINK_HOSTS entry ${JSON.stringify(h)} is not a host name like example.org.`,
      );
  return {
    perMinute: r.int('ANNOUNCEMENT_PER_MINUTE', 600, 1, 1_000_000),
    linkHosts: [...new Set([publicUrl.hostname.toLowerCase(), ...hosts])],
  };
}

/** A comma-separated list; callers pass the raw value, so the docs test sees every variable read. */
const listOf = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseNetworks(r: EnvReader, name: string, raw: string | undefined): string[] {
  const entries = listOf(raw);
  for (const e of entries) {
    if (!isAddressOrCidr(e))
      r.problems.push(
        `${name} entry ${JSON.stringify(e)} is not an IP address or a CIDR range like 10.1.0.0/16.`,
      );
  }
  return entries;
}

function parseWebstats(r: EnvReader): WebstatsConfig {
  const siteOrigins = listOf(r.raw('STATS_SITE_ORIGINS')).map((o) => o.replace(/\/+$/, ''));
  for (const o of siteOrigins) {
    let ok = false;
    try {
      const u = new URL(o);
      ok = ['http:', 'https:'].includes(u.protocol) && u.origin === o;
    } catch {
      ok = false;
    }
    if (!ok)
      r.problems.push(
        `STATS_SITE_ORIGINS entry ${JSON.stringify(o)} is not an origin like https://www.library.org.`,
      );
  }
  const exitHosts = listOf(r.raw('EXTERNAL_LINK_HOSTS')).map((h) => h.toLowerCase());
  for (const h of exitHosts)
    if (!/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(h))
      r.problems.push(`EXTERNAL_LINK_HOSTS entry ${JSON.stringify(h)} is not a host name like example.org.`);
  const queryKeys = listOf(r.raw('STATS_QUERY_KEYS'));
  for (const k of queryKeys)
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(k))
      r.problems.push(`STATS_QUERY_KEYS entry ${JSON.stringify(k)} is not a query key like page.`);
  return {
    reverseDns: r.bool('STATS_REVERSE_DNS', true),
    dnsServers: listOf(r.raw('STATS_DNS_SERVERS')),
    staffNetworks: parseNetworks(r, 'STATS_STAFF_NETWORKS', r.raw('STATS_STAFF_NETWORKS')),
    libraryNetworks: parseNetworks(r, 'STATS_LIBRARY_NETWORKS', r.raw('STATS_LIBRARY_NETWORKS')),
    siteOrigins,
    queryKeys,
    hourlyDays: r.int('STATS_HOURLY_DAYS', 7, 1, 90),
    keepDays: r.int('STATS_KEEP_DAYS', 730, 30, 3650),
    exitHosts,
  };
}

function parseReference(r: EnvReader, publicUrl: URL): ReferenceConfig {
  const fallbackDomain = publicUrl.hostname.includes('.') ? publicUrl.hostname : 'library.example';
  const address = r.string('REFERENCE_ADDRESS', `ask@${fallbackDomain}`).toLowerCase();
  if (!emailLike.test(address) || address.split('@')[0]!.includes('+'))
    r.problems.push(
      `REFERENCE_ADDRESS=${JSON.stringify(address)} is not an address like ask@library.org (without +).`,
    );
  const inbound = r.oneOf('REFERENCE_INBOUND', 'off', ['off', 'smtp', 'imap'] as const);
  let imapUrl: URL | null = null;
  const iu = r.raw('REFERENCE_IMAP_URL');
  if (iu !== undefined) {
    try {
      imapUrl = new URL(iu);
      if (!['imap:', 'imaps:'].includes(imapUrl.protocol)) throw new Error('scheme');
    } catch {
      // May hold a password: not echoed.
      r.problems.push('REFERENCE_IMAP_URL is not an imaps://user:password@host:993/INBOX URL.');
      imapUrl = null;
    }
  }
  if (inbound === 'imap' && iu === undefined)
    r.problems.push('REFERENCE_INBOUND=imap needs REFERENCE_IMAP_URL.');
  return {
    address,
    inbound,
    smtpHost: r.string('REFERENCE_SMTP_HOST', '127.0.0.1'),
    smtpPort: r.int('REFERENCE_SMTP_PORT', 2525, 0, 65535),
    imapUrl,
    pollSeconds: r.int('REFERENCE_POLL_SECONDS', 60, 5, 3600),
    maxBytes: r.int('REFERENCE_MAX_KB', 1024, 16, 50 * 1024) * 1024,
    idleDays: r.int('REFERENCE_IDLE_DAYS', 30, 1, 365),
    perClientPerHour: r.int('REFERENCE_PER_CLIENT_PER_HOUR', 5, 1, 1000),
  };
}

const fallbackLibrary = {
  name: 'Library',
  timezone: 'UTC',
  branches: [
    {
      code: 'MAIN',
      name: 'Main',
      address: { street: '-', city: '-', region: '-', postalCode: '-' },
      hours: {},
    },
  ],
  contacts: {
    webmaster: { name: '-', email: 'webmaster@example.org' },
    headLibrarian: { name: '-', email: 'head@example.org' },
  },
};

/** Reads the environment once into a Config; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const r = new EnvReader(env);
  const dataDir = path.resolve(r.string('DATA_DIR', './data'));
  const port = r.int('PORT', 8080, 1, 65535);
  const host = r.string('HOST', 'localhost');
  let publicUrl = new URL(`http://localhost:${port}`);
  const pu = r.raw('PUBLIC_URL');
  if (pu !== undefined) {
    try {
      publicUrl = new URL(pu);
      if (!['http:', 'https:'].includes(publicUrl.protocol)) throw new Error('scheme');
    } catch {
      r.problems.push(`PUBLIC_URL=${JSON.stringify(pu)} is not an http:// or https:// URL.`);
    }
  }
  const database = parseDatabase(r, dataDir);
  const certFile = r.raw('TLS_CERT_FILE');
  const keyFile = r.raw('TLS_KEY_FILE');
  let tls: Config['tls'] = null;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    r.problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together (or neither).');
  } else if (certFile !== undefined && keyFile !== undefined) {
    for (const [name, f] of [
      ['TLS_CERT_FILE', certFile],
      ['TLS_KEY_FILE', keyFile],
    ] as const) {
      if (!fs.existsSync(f)) r.problems.push(`${name} file ${f} does not exist.`);
    }
    tls = { certFile, keyFile };
  }
  const library = readLibrary(r);
  const config: Config = {
    port,
    host,
    publicUrl,
    dataDir,
    database,
    secret: '',
    library,
    trustProxy: parseTrustProxy(r),
    tls,
    logLevel: r.oneOf('LOG_LEVEL', 'info', logLevels),
    migrateOnStart: r.bool('MIGRATE_ON_START', true),
    demoData: r.bool('DEMO_DATA', true),
    staffSession: {
      idleMinutes: r.int('STAFF_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      maxHours: r.int('STAFF_SESSION_MAX_HOURS', 10, 1, 24 * 7),
    },
    patronSession: {
      idleMinutes: r.int('PATRON_SESSION_IDLE_MINUTES', 20, 1, 24 * 60),
      publicIdleMinutes: r.int('PATRON_PUBLIC_IDLE_MINUTES', 5, 1, 60),
      maxHours: r.int('PATRON_SESSION_MAX_HOURS', 4, 1, 24 * 7),
    },
    statsK: r.int('STATS_K', 5, 1, 100),
    patrons: {
      lapsedAfterDays: r.int('PATRON_LAPSED_DAYS', 3 * 365, 30, 20 * 365),
      accessLogDays: r.int('ACCESS_LOG_DAYS', 365, 7, 10 * 365),
    },
    purge: {
      intervalMinutes: r.int('PURGE_INTERVAL_MINUTES', 60, 1, 24 * 60),
      batchSize: r.int('PURGE_BATCH_SIZE', 2000, 10, 100_000),
    },
    bodyLimitBytes: r.int('BODY_LIMIT_KB', 1024, 1, 1024 * 1024) * 1024,
    uploadIdleMs: r.int('UPLOAD_IDLE_SECONDS', 60, 1, 3600) * 1000,
    jobs: { pollMs: r.int('JOB_POLL_MS', 1000, 10, 60_000) },
    mail: parseMail(r, library),
    notices: { dueSoonDays: r.int('NOTICE_DUE_SOON_DAYS', 3, 0, 30) },
    announcements: parseAnnouncements(r, publicUrl),
    reference: parseReference(r, publicUrl),
    webstats: parseWebstats(r),
  };
  if (config.staffSession.idleMinutes > config.staffSession.maxHours * 60) {
    r.problems.push('STAFF_SESSION_IDLE_MINUTES must not exceed STAFF_SESSION_MAX_HOURS × 60.');
  }
  if (r.problems.length === 0) config.secret = readSecret(r, dataDir, database.dialect);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** Null when host:port can be bound on every address the host name resolves to; else a problem line. */
export async function checkPortFree(host: string, port: number): Promise<string | null> {
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `HOST ${JSON.stringify(host)} does not resolve to an address of this machine.`;
  }
  for (const address of addresses) {
    const problem = await new Promise<string | null>((resolve) => {
      const probe = net.createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => {
        resolve(
          err.code === 'EADDRINUSE'
            ? `PORT ${port} on ${host} is already in use; stop the other program or set PORT to a free port.`
            : `Cannot listen on ${host}:${port} (${err.code ?? 'error'}); check HOST and PORT.`,
        );
      });
      probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve(null)));
    });
    if (problem) return problem;
  }
  return null;
}

/** One line per variable for `carrel --help` and the README table. */
export const configDocs: ReadonlyArray<[name: string, fallback: string, meaning: string]> = [
  ['PORT', '8080', 'TCP port for the web server.'],
  [
    'HOST',
    'localhost',
    'Interface to bind (localhost: this machine only); use 0.0.0.0 or a proxy for other machines.',
  ],
  ['PUBLIC_URL', 'http://localhost:PORT', 'The address patrons use to reach the site (absolute links).'],
  ['DATA_DIR', './data', 'Folder for the SQLite database and the generated secret key.'],
  [
    'DATABASE_URL',
    '(SQLite at DATA_DIR/carrel.db)',
    'postgres://user:pass@host:5432/db for PostgreSQL, or sqlite:FILE.',
  ],
  ['DATABASE_POOL_SIZE', '10', 'Maximum PostgreSQL connections per instance.'],
  [
    'WAL_SCRUB_SECONDS',
    '5',
    'SQLite: seconds (1 to 50) after a deletion until the deleted data is gone from the WAL file too (G2).',
  ],
  [
    'CARREL_SECRET',
    '(generated into DATA_DIR/secret.key)',
    'At least 32 characters; signs cookies and keys throttles. Required with PostgreSQL; identical on every instance.',
  ],
  [
    'LIBRARY_CONFIG',
    './config/library.json',
    "JSON file with the library's name, time zone, branches, hours and contacts.",
  ],
  [
    'TRUST_PROXY',
    '(none)',
    'Comma-separated proxy addresses/CIDRs (or loopback) whose X-Forwarded-For/-Proto are believed.',
  ],
  ['TLS_CERT_FILE / TLS_KEY_FILE', '(unset)', 'PEM certificate and key to serve HTTPS directly.'],
  ['LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent.'],
  ['MIGRATE_ON_START', 'true', 'Apply pending database migrations when the server starts.'],
  ['DEMO_DATA', 'true', 'On a new, empty database, create demo staff accounts (credentials printed once).'],
  ['STAFF_SESSION_IDLE_MINUTES', '30', 'Staff sessions end after this much inactivity.'],
  ['STAFF_SESSION_MAX_HOURS', '10', 'Staff sessions end this long after login, active or not.'],
  ['PATRON_SESSION_IDLE_MINUTES', '20', 'Patron sessions end after this much inactivity.'],
  [
    'PATRON_PUBLIC_IDLE_MINUTES',
    '5',
    'Idle time-out when the patron ticked "I am on a public computer" (A4).',
  ],
  ['PATRON_SESSION_MAX_HOURS', '4', 'Patron sessions end this long after sign-in, active or not.'],
  [
    'PATRON_LAPSED_DAYS',
    '1095',
    'An account is deleted this long after its card expired, if nothing is out.',
  ],
  ['STATS_K', '5', 'Statistics show counts from 1 to this number as "k or fewer" (G7).'],
  [
    'ACCESS_LOG_DAYS',
    '365',
    'Entries of the staff access log (who opened which patron record) are kept this long.',
  ],
  ['PURGE_INTERVAL_MINUTES', '60', 'How often the purge engine applies every retention rule.'],
  [
    'PURGE_BATCH_SIZE',
    '2000',
    'Largest number of rows one purge transaction deletes (it shrinks itself to stay brief).',
  ],
  ['BODY_LIMIT_KB', '1024', 'Largest request body accepted; larger requests get 413.'],
  [
    'UPLOAD_IDLE_SECONDS',
    '60',
    'A catalog upload that sends nothing for this long is dropped (408), so a stalled one cannot hold an upload slot.',
  ],
  ['JOB_POLL_MS', '1000', 'How often an idle worker looks for queued jobs.'],
  [
    'SMTP_URL',
    '(unset: development mailbox)',
    'smtp://user:pass@host:587 or smtps://…:465 relay for outgoing e-mail; unset, messages go to the admin-only development mailbox.',
  ],
  [
    'SMTP_ALLOW_PLAIN',
    'false',
    'Allow an smtp:// relay without STARTTLS (only for a relay on this machine or a trusted network).',
  ],
  ['SMTP_CA_FILE', '(system CAs)', "PEM file of a private CA to trust for the SMTP relay's certificate."],
  [
    'MAIL_FROM',
    "(library name <webmaster's e-mail>)",
    'Sender of every e-mail: library@example.org or "Name <library@example.org>".',
  ],
  [
    'DKIM_DOMAIN / DKIM_SELECTOR / DKIM_PRIVATE_KEY_FILE',
    '(unset: no DKIM)',
    'Sign outgoing e-mail with DKIM: the signing domain, the selector and a PEM private key file.',
  ],
  ['SMTP_POOL_CONNECTIONS', '5', 'Connections to the relay an announcement run keeps open at once.'],
  ['NOTICE_DUE_SOON_DAYS', '3', 'Days before the due date the "due soon" notice goes (0: no such notice).'],
  ['ANNOUNCEMENT_PER_MINUTE', '600', 'Throttle: announcement messages handed to the relay per minute.'],
  [
    'ANNOUNCEMENT_LINK_HOSTS',
    '(the site’s own host)',
    'Comma-separated hosts announcements may link to (with subdomains); other links are refused.',
  ],
  [
    'REFERENCE_ADDRESS',
    '(ask@ the PUBLIC_URL host)',
    'Address of Ask a Librarian; replies thread by a token in ask+TOKEN@… (R3).',
  ],
  [
    'REFERENCE_INBOUND',
    'off',
    'How e-mailed questions arrive: off, smtp (built-in listener) or imap (polling).',
  ],
  [
    'REFERENCE_SMTP_HOST / REFERENCE_SMTP_PORT',
    '127.0.0.1 / 2525',
    'Where the built-in SMTP listener binds.',
  ],
  [
    'REFERENCE_IMAP_URL',
    '(unset)',
    'imaps://user:pass@host:993/INBOX mailbox to poll (messages are deleted after reading).',
  ],
  ['REFERENCE_POLL_SECONDS', '60', 'How often the IMAP mailbox is polled.'],
  ['REFERENCE_MAX_KB', '1024', 'Largest e-mailed question accepted.'],
  ['REFERENCE_IDLE_DAYS', '30', 'Open questions idle this long are closed and scrubbed (R2).'],
  ['REFERENCE_PER_CLIENT_PER_HOUR', '5', 'Questions one client may send through the web form per hour.'],
  [
    'STATS_REVERSE_DNS',
    'true',
    "Website statistics: look up the visitor network's domain by reverse DNS (the privacy page follows).",
  ],
  [
    'STATS_DNS_SERVERS',
    '(the system’s)',
    'Comma-separated DNS servers (host or host:port) for those lookups.',
  ],
  [
    'STATS_STAFF_NETWORKS',
    '(none)',
    'Comma-separated addresses/CIDRs of staff machines; their visits are not counted.',
  ],
  [
    'STATS_LIBRARY_NETWORKS',
    '(none)',
    'Comma-separated addresses/CIDRs of the branches; visits from them count as "in library".',
  ],
  [
    'STATS_SITE_ORIGINS',
    '(none)',
    "Origins of the library's other sites allowed to send beacon hits, e.g. https://www.library.org.",
  ],
  ['STATS_QUERY_KEYS', '(none)', 'Query-string keys kept in counted page paths; all others are dropped.'],
  ['STATS_HOURLY_DAYS', '7', 'Hourly figures are folded into daily ones after this many days.'],
  ['STATS_KEEP_DAYS', '730', 'Daily website figures are kept this many days.'],
  [
    'EXTERNAL_LINK_HOSTS',
    '(none)',
    'Hosts links may lead to without a signed link (the leaving notice still shows).',
  ],
];
