// Configuration: the environment is read once, here, into one typed and defaulted object.
// Every problem is collected and reported together so an operator fixes them in one pass.
// Each variable is declared once, in its area's file, with its default, parser and description;
// `carrel --help` and the configuration tables in the README and docs/operators.md come from there.
import type { LibraryIdentity } from '../library.ts';
import {
  CARREL_SECRET,
  DATA_DIR,
  databaseSettings,
  DEMO_DATA,
  MIGRATE_ON_START,
  readDatabase,
  type DatabaseConfig,
} from './database.ts';
import { identitySettings, LIBRARY_CONFIG } from './identity.ts';
import {
  mailSettings,
  NOTICE_DUE_SOON_DAYS,
  readAnnouncements,
  readMail,
  type AnnouncementsConfig,
  type MailConfig,
  type NoticesConfig,
} from './mail.ts';
import { legalSettings, readLegal, type LegalConfig } from './legal.ts';
import { pcsSettings, readPcs, type PcsConfig } from './pcs.ts';
import { pcsSip2Settings } from './pcs-sip2.ts';
import { privacySettings, readPatrons, readPurge, STATS_K } from './privacy.ts';
import { readReference, referenceSettings, type ReferenceConfig } from './reference.ts';
import {
  BODY_LIMIT_KB,
  UPLOAD_IDLE_SECONDS,
  HOST,
  JOB_POLL_MS,
  LOG_LEVEL,
  PORT,
  PUBLIC_URL,
  readTls,
  serverSettings,
  TRUST_PROXY,
  type LogLevel,
} from './server.ts';
import { checkStaffSession, readPatronSession, readStaffSession, sessionSettings } from './sessions.ts';
import { EnvReader, type Env, type Setting } from './setting.ts';
import { readSip2, sip2Settings, type Sip2Config } from './sip2.ts';
import { readWebstats, statsSettings, type WebstatsConfig } from './stats.ts';

export type { DatabaseConfig } from './database.ts';
export type { AnnouncementsConfig, MailConfig, NoticesConfig } from './mail.ts';
export type { LegalConfig } from './legal.ts';
export type { PcsConfig } from './pcs.ts';
export type { PcsSip2Config } from './pcs-sip2.ts';
export type { ReferenceConfig } from './reference.ts';
export type { Sip2Config } from './sip2.ts';
export type { LogLevel } from './server.ts';
export type { WebstatsConfig } from './stats.ts';
export { checkPortFree } from './server.ts';

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
  pcs: PcsConfig;
  /** The SIP2 server for self-check machines (issue 14 item 8). */
  sip2: Sip2Config;
  /** Law-enforcement requests (issue 15): the case-file key, who is told, retention. */
  legal: LegalConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Carrel cannot start because of its configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once into a Config; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const r = new EnvReader(env);
  const dataDir = r.read(DATA_DIR);
  const port = r.read(PORT);
  const host = r.read(HOST);
  const publicUrl = r.read(PUBLIC_URL, { port });
  const database = readDatabase(r, dataDir);
  const tls = readTls(r);
  const library = r.read(LIBRARY_CONFIG);
  const config: Config = {
    port,
    host,
    publicUrl,
    dataDir,
    database,
    secret: '',
    library,
    trustProxy: r.read(TRUST_PROXY),
    tls,
    logLevel: r.read(LOG_LEVEL),
    migrateOnStart: r.read(MIGRATE_ON_START),
    demoData: r.read(DEMO_DATA),
    staffSession: readStaffSession(r),
    patronSession: readPatronSession(r),
    statsK: r.read(STATS_K),
    patrons: readPatrons(r),
    purge: readPurge(r),
    bodyLimitBytes: r.read(BODY_LIMIT_KB) * 1024,
    uploadIdleMs: r.read(UPLOAD_IDLE_SECONDS) * 1000,
    jobs: { pollMs: r.read(JOB_POLL_MS) },
    mail: readMail(r, library),
    notices: { dueSoonDays: r.read(NOTICE_DUE_SOON_DAYS) },
    announcements: readAnnouncements(r, publicUrl),
    reference: readReference(r, publicUrl),
    webstats: readWebstats(r),
    pcs: readPcs(r, library),
    sip2: readSip2(r, host),
    legal: readLegal(r, dataDir),
  };
  checkStaffSession(r, config.staffSession);
  // The secret file is only created once everything else is right.
  if (r.problems.length === 0) config.secret = r.read(CARREL_SECRET, { dataDir, dialect: database.dialect });
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** A variable as documented: name, default and one line, in Markdown. */
export type SettingDoc = Pick<Setting<unknown>, 'name' | 'default' | 'description'>;

/** Every variable, by area, in the order the documentation lists them. */
export const configAreas: ReadonlyArray<{ title: string; settings: readonly SettingDoc[] }> = [
  { title: 'Web server', settings: serverSettings },
  { title: 'Database and data folder', settings: databaseSettings },
  { title: 'Library identity', settings: identitySettings },
  { title: 'Sessions', settings: sessionSettings },
  { title: 'Retention and purging', settings: privacySettings },
  { title: 'E-mail, notices and announcements', settings: mailSettings },
  { title: 'Ask a Librarian', settings: referenceSettings },
  { title: 'Website statistics', settings: statsSettings },
  { title: 'Public computers', settings: pcsSettings },
  {
    title: 'Public computers: logins checked by another library system (SIP2 client)',
    settings: pcsSip2Settings,
  },
  { title: 'SIP2 (self-check machines)', settings: sip2Settings },
  { title: 'Law-enforcement requests', settings: legalSettings },
];

export const allSettings: readonly SettingDoc[] = configAreas.flatMap((a) => a.settings);

/** Markdown to terminal text: code spans lose their backticks. */
export const plainText = (markdown: string): string => markdown.replace(/`([^`]*)`/g, '$1');

/** One line per variable for `carrel --help`: name, default, meaning. */
export const configDocs: ReadonlyArray<[name: string, fallback: string, meaning: string]> = allSettings.map(
  (s) => [s.name, plainText(s.default), plainText(s.description)],
);
