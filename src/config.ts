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
  jobs: { pollMs: number };
  mail: MailConfig;
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
  const url = r.raw('DATABASE_URL');
  if (url === undefined) return { dialect: 'sqlite', location: path.join(dataDir, 'carrel.db'), poolSize };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (file === '') r.problems.push('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:./data/carrel.db.');
    return { dialect: 'sqlite', location: path.resolve(file), poolSize };
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
    return { dialect: 'sqlite', location: path.join(dataDir, 'carrel.db'), poolSize };
  }
  return { dialect: 'postgres', location: url, poolSize };
}

function parseTrustProxy(r: EnvReader): string[] {
  const v = r.raw('TRUST_PROXY');
  if (v === undefined || ['false', 'no', 'off', 'none'].includes(v.toLowerCase())) return [];
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const family = net.isIP(addr ?? '');
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!proxyNames.has(e) && (family === 0 || !okBits || extra !== undefined)) {
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
  return { smtpUrl, allowPlain: r.bool('SMTP_ALLOW_PLAIN', false), caFile, from };
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
    jobs: { pollMs: r.int('JOB_POLL_MS', 1000, 10, 60_000) },
    mail: parseMail(r, library),
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
];
