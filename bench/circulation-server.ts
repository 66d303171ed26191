// The Carrel server under test for bench/circulation.ts, in its own process so that it has an event
// loop (and a core) of its own, apart from the load generator. The real application: loadConfig with
// a clean environment (a temporary DATA_DIR; DATABASE_URL when the parent started PostgreSQL),
// createContext, migrateToLatest, buildApp on 127.0.0.1 port 0, web part only (no job worker or
// scheduler). Before it says it is ready it seeds, with Kysely directly (the rows
// test/support/circulation-fixtures.ts writes), a catalog, items and patrons, some standing loans of
// other patrons, and one circulation staff account per client (createStaff, as an administrator would).
//
// Items and patrons are split between the clients so that no two clients ever touch the same copy or
// patron; each client works at one branch and its copies belong there (so a check-in sends the copy
// back to the shelf, ready for the next check-out).
//
// Talks to its parent over IPC: sends {ready}, answers {cpu} with process.cpuUsage(), {verify} with
// the state of the tables, and shuts down on {stop} or when the parent goes away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { iso } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/root.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { ItemStatus } from '../src/features/catalog/catalog.table.ts';
import { createStaff } from '../src/features/staff/staff.service.ts';
import { buildApp } from '../src/app/root.ts';
import { newId } from '../src/ids.ts';

export interface SeedSettings {
  records: number;
  items: number;
  patrons: number;
  clients: number;
  /** DATABASE_POOL_SIZE for PostgreSQL; 0 keeps Carrel's default. */
  poolSize: number;
  logLevel: 'warn' | 'silent';
}

export interface ClientSetup {
  username: string;
  password: string;
  branch: string;
  /** Barcodes of the copies only this client lends (all at `branch`, all available). */
  barcodes: string[];
  /** Card numbers of the patrons only this client serves. */
  cards: string[];
}

export interface SeedStats {
  records: number;
  items: number;
  patrons: number;
  standingLoans: number;
  keepHistoryShare: number;
  seedMs: number;
}

export interface Verification {
  loans: number;
  /** Copies of the clients' pools that are not available (must be 0 between runs). */
  clientItemsNotAvailable: number;
  /** Sum of open_loans over the clients' patrons (must be 0 between runs). */
  clientOpenLoans: number;
  checkoutsCounted: number;
  checkinsCounted: number;
  accessLogRows: number;
  readingHistoryRows: number;
}

export type ToServer = { type: 'cpu' } | { type: 'verify' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; url: string; database: string; clients: ClientSetup[]; seed: SeedStats }
  | { type: 'cpu'; user: number; system: number }
  | { type: 'verify'; result: Verification };

const settings = JSON.parse(process.argv[2] ?? 'null') as SeedSettings | null;
if (!settings)
  throw new Error('usage: circulation-server.ts <settings JSON> (started by bench/circulation.ts)');
if (!process.send) throw new Error('circulation-server.ts must be started with an IPC channel');
const send = (m: FromServer) => process.send?.(m);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-circ-'));
const databaseUrl = process.env.BENCH_DATABASE_URL;
// A clean environment: nothing from the caller's shell (DATABASE_URL, LOG_LEVEL...) leaks in.
const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: settings.logLevel,
  DEMO_DATA: 'false',
  HOST: '127.0.0.1',
  ...(databaseUrl
    ? { DATABASE_URL: databaseUrl, CARREL_SECRET: 'carrel-bench-secret-'.padEnd(48, 'x') }
    : {}),
  ...(settings.poolSize ? { DATABASE_POOL_SIZE: String(settings.poolSize) } : {}),
});
const ctx = createContext(config);
await migrateToLatest(ctx.db);

const branches = config.library.branches.map((b) => b.code);
const clientItemCount = Math.floor(settings.items / 2);
const clientPatronCount = Math.floor(settings.patrons / 2);
const PASSWORD = 'correct horse battery staple';
const BATCH = 500;

async function insertBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

async function seed(): Promise<{ clients: ClientSetup[]; stats: SeedStats }> {
  const t0 = performance.now();
  const now = iso(ctx.clock.now());
  const clients: ClientSetup[] = Array.from({ length: settings!.clients }, (_, c) => ({
    username: `desk${String(c + 1).padStart(2, '0')}`,
    password: PASSWORD,
    branch: branches[c % branches.length]!,
    barcodes: [],
    cards: [],
  }));
  const recordIds = Array.from({ length: settings!.records }, () => newId());
  const formats = ['book', 'book', 'book', 'video', 'music-recording'];
  const bibRows = recordIds.map((id, i) => ({
    id,
    control_number: `bench${i}`,
    title: `Benchmark title ${i}: a novel of the circulation desk`,
    author: `Author ${i % 397}, A.`,
    format: formats[i % formats.length]!,
    language: 'eng',
    pub_year: 1950 + (i % 75),
    publisher: 'Bench Press',
    isbn: null,
    issn: null,
    subjects: `Libraries\nCirculation ${i % 50}`,
    series: null,
    notes: null,
    marc: JSON.stringify({ leader: '00000nam a2200000 a 4500', fields: [] }),
    created_at: now,
    updated_at: now,
  }));
  const materialFor = (k: number) => (k % 10 < 7 ? 'book' : k % 10 < 9 ? 'dvd' : 'magazine');
  const perRecord = Math.max(1, Math.ceil(settings!.items / settings!.records));
  // Item k is a copy of record floor(k / perRecord). The clients' copies are the first half, dealt
  // round-robin, so the copies of one title go to different desks (as at a real library).
  const itemRows = Array.from({ length: settings!.items }, (_, k) => {
    const client = k < clientItemCount ? clients[k % clients.length]! : null;
    const barcode = `3900${String(k).padStart(9, '0')}`;
    client?.barcodes.push(barcode);
    return {
      id: newId(),
      bib_id: recordIds[Math.floor(k / perRecord) % recordIds.length]!,
      barcode,
      call_number: `FIC B${k % 1000}`,
      branch_code: client?.branch ?? branches[k % branches.length]!,
      location: 'Adult fiction',
      material_type: materialFor(k),
      status: 'available' as ItemStatus,
      transit_to: null,
      created_at: now,
      updated_at: now,
    };
  });
  const patronRows = Array.from({ length: settings!.patrons }, (_, p) => {
    const card = `2100${String(p).padStart(10, '0')}`;
    if (p < clientPatronCount) clients[p % clients.length]!.cards.push(card);
    return {
      id: newId(),
      card_number: card,
      name: `Patron ${p}`,
      home_branch: branches[p % branches.length]!,
      email: null,
      phone: null,
      age_band: 'adult',
      pin_hash: '$argon2id$v=19$m=19456,t=2,p=1$fixture$fixture',
      pin_must_change: 0,
      card_expires_at: '2099-01-01T00:00:00.000Z',
      block_reason: null,
      blocked_at: null,
      // One patron in four keeps a reading history, so some check-ins write an entry (C3).
      keep_history: p % 4 === 0 ? 1 : 0,
      open_loans: 0,
      notice_email: 1,
      notice_titles: 0,
      email_undeliverable_at: null,
      announcements_consent_at: null,
      created_at: now,
      updated_at: now,
    };
  });
  // Standing loans: a quarter of the items, lent to the patrons no client serves.
  const others = patronRows.slice(clientPatronCount);
  const loanRows: Array<{
    id: string;
    item_id: string;
    patron_id: string;
    branch_code: string;
    checked_out_at: string;
    due_at: string;
    renewals: number;
    due_soon_notice_at: null;
    overdue_notice_at: null;
  }> = [];
  if (others.length)
    for (let k = clientItemCount; k < clientItemCount + Math.floor(settings!.items / 4); k++) {
      const item = itemRows[k]!;
      const patron = others[loanRows.length % others.length]!;
      item.status = 'on_loan';
      patron.open_loans++;
      loanRows.push({
        id: newId(),
        item_id: item.id,
        patron_id: patron.id,
        branch_code: item.branch_code,
        checked_out_at: now,
        due_at: '2099-01-01T05:59:59.999Z',
        renewals: 0,
        due_soon_notice_at: null,
        overdue_notice_at: null,
      });
    }

  await ctx.db.transaction().execute(async (trx) => {
    await insertBatches(bibRows, (b) => trx.insertInto('bib_records').values(b).execute());
    await insertBatches(itemRows, (b) => trx.insertInto('items').values(b).execute());
    await insertBatches(patronRows, (b) => trx.insertInto('patrons').values(b).execute());
    await insertBatches(loanRows, (b) => trx.insertInto('loans').values(b).execute());
  });
  await sql`ANALYZE`.execute(ctx.db);
  for (const c of clients)
    await createStaff(
      ctx,
      { kind: 'system' },
      { username: c.username, displayName: `Desk ${c.username}`, roles: ['circulation'], password: PASSWORD },
    );
  return {
    clients,
    stats: {
      records: bibRows.length,
      items: itemRows.length,
      patrons: patronRows.length,
      standingLoans: loanRows.length,
      keepHistoryShare: 0.25,
      seedMs: Math.round(performance.now() - t0),
    },
  };
}

async function verify(clients: ClientSetup[]): Promise<Verification> {
  const barcodes = clients.flatMap((c) => c.barcodes);
  const cards = clients.flatMap((c) => c.cards);
  let clientItemsNotAvailable = 0;
  let clientOpenLoans = 0;
  for (let i = 0; i < barcodes.length; i += BATCH) {
    const r = await ctx.db
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('barcode', 'in', barcodes.slice(i, i + BATCH))
      .where('status', '!=', 'available')
      .executeTakeFirstOrThrow();
    clientItemsNotAvailable += Number(r.n);
  }
  for (let i = 0; i < cards.length; i += BATCH) {
    const r = await ctx.db
      .selectFrom('patrons')
      .select((eb) => eb.fn.sum<number>('open_loans').as('n'))
      .where('card_number', 'in', cards.slice(i, i + BATCH))
      .executeTakeFirstOrThrow();
    clientOpenLoans += Number(r.n ?? 0);
  }
  const count = async (table: 'loans' | 'patron_access_log' | 'reading_history') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const counted = async (action: 'checkout' | 'checkin') =>
    Number(
      (
        await ctx.db
          .selectFrom('circulation_counts')
          .select((eb) => eb.fn.sum<number>('count').as('n'))
          .where('action', '=', action)
          .executeTakeFirstOrThrow()
      ).n ?? 0,
    );
  return {
    loans: await count('loans'),
    clientItemsNotAvailable,
    clientOpenLoans,
    checkoutsCounted: await counted('checkout'),
    checkinsCounted: await counted('checkin'),
    accessLogRows: await count('patron_access_log'),
    readingHistoryRows: await count('reading_history'),
  };
}

const seeded = await seed();
// The seed's pages go to disk before anything is measured; otherwise their writeback (and, on
// PostgreSQL, the checkpoint after a few thousand inserts) lands in the first round as commit stalls.
if (ctx.database.ops.name === 'postgres') await sql`CHECKPOINT`.execute(ctx.db);
else await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(ctx.db);
const app = await buildApp(ctx);
const url = await app.listen({ host: '127.0.0.1', port: 0 });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.close();
  await ctx.database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

process.on('message', (m: ToServer) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', user: u.user, system: u.system });
  } else if (m.type === 'verify') {
    void verify(seeded.clients).then((result) => send({ type: 'verify', result }));
  } else if (m.type === 'stop') void stop();
});
process.on('disconnect', () => void stop());
send({
  type: 'ready',
  url,
  database: ctx.database.ops.name,
  clients: seeded.clients,
  seed: seeded.stats,
});
