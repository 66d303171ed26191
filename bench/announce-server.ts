// The Carrel process under test for bench/announce.ts, in a child process of its own so that the
// parent (which runs the SMTP sink) survives a kill -9 of the sender and the sender's memory is its
// own. One mode per start:
//
//   seed      migrates a fresh database, inserts N opted-in patrons with distinct addresses (batched
//             multi-row INSERTs, one transaction), then createAnnouncement + sendAnnouncement as the
//             system actor — exactly what the staff "Send" button does: the recipients are listed
//             and the first `announcements.send` job is queued. Then it exits.
//   send      opens the same database and runs Carrel's job Worker (start()) until the announcement
//             is 'sent' (a restart after kill -9 is this same mode: the Worker re-queues the jobs of
//             the dead process at start-up), then reports the state of the tables and exits.
//   baseline  no Carrel: a bare nodemailer pooled transport (same pool size, same 1,000 messages per
//             connection) sends N prebuilt messages of the same size with the same concurrency.
//
// Config comes from a clean environment (loadConfig with only what the benchmark sets): DATA_DIR from
// the parent (SQLite file there), or DATABASE_URL when the parent started PostgreSQL; SMTP_URL to the
// parent's sink on loopback with SMTP_ALLOW_PLAIN=true; SMTP_POOL_CONNECTIONS; ANNOUNCEMENT_PER_MINUTE
// at its maximum (1,000,000, i.e. no throttling at the rates reached here); JOB_POLL_MS=100.
//
// Talks to its parent over IPC: {seeded}, {started}, {mem} every second (peak RSS and heap so far,
// sampled every 100 ms, so a killed process has reported its peak up to its last second), {done}.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { iso } from '../src/clock.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createContext } from '../src/app/root.ts';
import type { AppContext } from '../src/context.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { renderAnnouncement } from '../src/features/announcements/announcement-content.tsx';
import { createAnnouncement, sendAnnouncement } from '../src/features/announcements/announcements.service.ts';
import { newId } from '../src/ids.ts';
import { Worker } from '../src/jobs/worker.ts';

export interface ServerSettings {
  mode: 'seed' | 'send' | 'baseline';
  dataDir: string;
  /** Set when the parent started PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl: string | null;
  patrons: number;
  smtpPort: number;
  connections: number;
  /** Messages to send in baseline mode. */
  baselineMessages: number;
}

export interface Memory {
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** getrusage maxrss (the kernel's peak, in MB). */
  maxRssMb: number;
  samples: number;
}

export interface Verification {
  status: string;
  recipients: number;
  sent: number;
  failed: number;
  /** announcement_recipients rows left (must be 0). */
  recipientsLeft: number;
  /** announcements.send jobs by status. */
  jobs: Record<string, number>;
  /** mail_counts rows for announcements, summed. */
  mailCounted: number;
}

export type FromServer =
  | { type: 'seeded'; announcementId: string; recipients: number; seedMs: number; memory: Memory }
  | {
      type: 'started';
      pid: number;
      /** Jobs left 'running' by another (dead) worker when this process started. */
      orphanedJobs: number;
      recipientsPending: number;
      announcementId: string;
    }
  | { type: 'mem'; memory: Memory }
  | { type: 'done'; sendMs: number; memory: Memory; verification: Verification }
  | { type: 'baseline-done'; sendMs: number; messages: number; memory: Memory };

const settings = JSON.parse(process.argv[2] ?? 'null') as ServerSettings | null;
if (!settings) throw new Error('usage: announce-server.ts <settings JSON> (started by bench/announce.ts)');
if (!process.send) throw new Error('announce-server.ts must be started with an IPC channel');
const send = (m: FromServer) => {
  if (process.connected) process.send?.(m);
};

// ---- memory sampling ---------------------------------------------------------------------------

let peakRss = 0;
let peakHeap = 0;
let samples = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  samples++;
};
const memory = (): Memory => ({
  peakRssMb: Math.round(peakRss / 2 ** 20),
  peakHeapUsedMb: Math.round(peakHeap / 2 ** 20),
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  samples,
});
sample();
setInterval(sample, 100).unref();
setInterval(() => send({ type: 'mem', memory: memory() }), 1000).unref();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- configuration -----------------------------------------------------------------------------

function config(): Config {
  // A clean environment: nothing from the caller's shell (DATABASE_URL, SMTP_URL...) leaks in.
  return loadConfig({
    DATA_DIR: settings!.dataDir,
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'false',
    HOST: '127.0.0.1',
    SMTP_URL: `smtp://127.0.0.1:${settings!.smtpPort}`,
    SMTP_ALLOW_PLAIN: 'true',
    SMTP_POOL_CONNECTIONS: String(settings!.connections),
    ANNOUNCEMENT_PER_MINUTE: '1000000',
    JOB_POLL_MS: '100',
    ...(settings!.databaseUrl
      ? { DATABASE_URL: settings!.databaseUrl, CARREL_SECRET: 'carrel-bench-secret-'.padEnd(48, 'x') }
      : {}),
  });
}

const SUBJECT = 'Summer reading starts on Monday';
const BODY = [
  'Dear reader,',
  '',
  'Our summer reading programme starts on Monday at every branch. Children, teens and adults can',
  'sign up at the desk or online, pick up a reading log, and collect a small prize for every five',
  'books read. Story times run every Tuesday and Thursday morning, and the teen book club meets on',
  'Wednesday evenings in the community room.',
  '',
  'The library will be closed on Friday for staff training. Items due that day can be returned on',
  'Saturday without a fee.',
  '',
  'See you at the library!',
].join('\n');

const BATCH = 500;

async function seed(ctx: AppContext): Promise<void> {
  const t0 = performance.now();
  await migrateToLatest(ctx.db);
  const now = iso(ctx.clock.now());
  const branches = ctx.config.library.branches.map((b) => b.code);
  await ctx.db.transaction().execute(async (trx) => {
    for (let start = 0; start < settings!.patrons; start += BATCH) {
      const rows = [];
      for (let p = start; p < Math.min(settings!.patrons, start + BATCH); p++)
        rows.push({
          id: newId(),
          card_number: `2100${String(p).padStart(10, '0')}`,
          name: `Patron ${p}`,
          home_branch: branches[p % branches.length]!,
          email: `patron${p}@readers.example`,
          phone: null,
          age_band: 'adult',
          pin_hash: '$argon2id$v=19$m=19456,t=2,p=1$fixture$fixture',
          pin_must_change: 0,
          card_expires_at: '2099-01-01T00:00:00.000Z',
          block_reason: null,
          blocked_at: null,
          keep_history: 0,
          open_loans: 0,
          notice_email: 1,
          notice_titles: 0,
          email_undeliverable_at: null,
          announcements_consent_at: now,
          created_at: now,
          updated_at: now,
        });
      await trx.insertInto('patrons').values(rows).execute();
    }
  });
  const system = { kind: 'system' } as const;
  const id = await createAnnouncement(ctx, system, { subject: SUBJECT, body: BODY });
  const recipients = await sendAnnouncement(ctx, system, id);
  send({
    type: 'seeded',
    announcementId: id,
    recipients,
    seedMs: Math.round(performance.now() - t0),
    memory: memory(),
  });
}

async function verify(ctx: AppContext, id: string): Promise<Verification> {
  const a = await ctx.db
    .selectFrom('announcements')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const left = await ctx.db
    .selectFrom('announcement_recipients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const jobs = await ctx.db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('name', '=', 'announcements.send')
    .groupBy('status')
    .execute();
  const counted = await ctx.db
    .selectFrom('mail_counts')
    .select((eb) => eb.fn.sum<number>('count').as('n'))
    .where('kind', '=', 'announcement')
    .executeTakeFirstOrThrow();
  return {
    status: a.status,
    recipients: Number(a.recipients),
    sent: Number(a.sent),
    failed: Number(a.failed),
    recipientsLeft: Number(left.n),
    jobs: Object.fromEntries(jobs.map((j) => [j.status, Number(j.n)])),
    mailCounted: Number(counted.n ?? 0),
  };
}

async function runSender(ctx: AppContext): Promise<void> {
  const a = await ctx.db
    .selectFrom('announcements')
    .select(['id', 'status'])
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const orphaned = await ctx.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  const pending = await ctx.db
    .selectFrom('announcement_recipients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  send({
    type: 'started',
    pid: process.pid,
    orphanedJobs: Number(orphaned.n),
    recipientsPending: Number(pending.n),
    announcementId: a.id,
  });
  const t0 = performance.now();
  const worker = new Worker(ctx);
  worker.start();
  for (;;) {
    await sleep(200);
    const s = await ctx.db
      .selectFrom('announcements')
      .select('status')
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    if (s.status !== 'sending') break;
  }
  const sendMs = Math.round(performance.now() - t0);
  await worker.stop();
  send({ type: 'done', sendMs, memory: memory(), verification: await verify(ctx, a.id) });
}

async function baseline(cfg: Config): Promise<void> {
  // The same message as Carrel's (rendered once with Carrel's template), sent by nodemailer alone.
  const template = renderAnnouncement(
    cfg.library,
    { subject: SUBJECT, body: BODY },
    'https://unsubscribe.invalid/CARREL-UNSUBSCRIBE-TOKEN',
  );
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: settings!.connections,
    maxMessages: 1000,
    host: '127.0.0.1',
    port: settings!.smtpPort,
    secure: false,
    logger: false,
    debug: false,
  });
  const n = settings!.baselineMessages;
  const url =
    'http://localhost:3000/unsubscribe/00000000-0000-7000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: settings!.connections }, async () => {
      while (next < n) {
        const i = next++;
        await transport.sendMail({
          from: cfg.mail.from,
          to: `patron${i}@readers.example`,
          subject: template.subject,
          text: template.text.replace('https://unsubscribe.invalid/CARREL-UNSUBSCRIBE-TOKEN', url),
          html: template.html.replaceAll('https://unsubscribe.invalid/CARREL-UNSUBSCRIBE-TOKEN', url),
          messageId: `<baseline.${i}@bench.invalid>`,
          headers: {
            'Auto-Submitted': 'auto-generated',
            ...template.headers,
            'List-Unsubscribe': `<${url}>`,
          },
        });
      }
    }),
  );
  const sendMs = Math.round(performance.now() - t0);
  transport.close();
  send({ type: 'baseline-done', sendMs, messages: n, memory: memory() });
}

const cfg = config();
if (settings.mode === 'baseline') {
  await baseline(cfg);
} else {
  if (!settings.databaseUrl) fs.mkdirSync(path.dirname(cfg.database.location), { recursive: true });
  const ctx = createContext(cfg);
  if (settings.mode === 'seed') await seed(ctx);
  else await runSender(ctx);
  await ctx.database.close();
}
process.disconnect();
process.exit(0);
