// One server under test for bench/pcs.ts, in its own process so that it has an event loop (and a
// core) of its own, apart from the load generator.
//
// `carrel`: the real application (loadConfig with a clean environment, a temporary DATA_DIR on
// SQLite, createContext, migrateToLatest, buildApp on 127.0.0.1, web part only) with --groups groups
// of --per-group computers, spread over the library's branches, created through the services as
// an administrator would (createGroup, createStation: each station gets its key), and --patrons
// patrons sharing one real argon2id PIN hash (hashing a PIN per patron would take minutes). The
// clock is the system clock moved to a Monday afternoon when every branch is open, so nothing is
// refused as CLOSED whatever the hour of the run; it runs at real speed.
// `bare`: Fastify with one route at the same path answering JSON shaped like Carrel's replies
// (the baseline).
//
// Talks to its parent over IPC: sends {ready}, answers {cpu} with process.cpuUsage() and the count
// of argon2id verifications this process ran (src/auth/passwords.ts), and shuts down on {stop} or
// when the parent goes away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';

export interface PcsSettings {
  groups: number;
  perGroup: number;
  patrons: number;
}

export interface StationSetup {
  name: string;
  branch: string;
  key: string;
}

export type ToServer = { type: 'cpu' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; url: string; stations: StationSetup[]; cards: string[]; pin: string; setupMs: number }
  | {
      type: 'cpu';
      user: number;
      system: number;
      verifications: number;
      pollCacheSize: number;
      sessions: number;
    };

const kind = process.argv[2];
const settings = JSON.parse(process.argv[3] ?? 'null') as PcsSettings | null;
if ((kind !== 'carrel' && kind !== 'bare') || !settings)
  throw new Error('usage: pcs-server.ts carrel|bare <settings JSON> (started by bench/pcs.ts)');
if (!process.send) throw new Error('pcs-server.ts must be started with an IPC channel (by bench/pcs.ts)');
const send = (m: FromServer) => process.send?.(m);

/** Monday 2 March 2026, 13:00 in Chicago: MAIN (09–20) and EAST (12–20) are open. */
const MONDAY_AFTERNOON = Date.parse('2026-03-02T19:00:00.000Z');
const PIN = '4817';

interface Running {
  url: string;
  stations: StationSetup[];
  cards: string[];
  setupMs: number;
  stats(): Promise<{ verifications: number; pollCacheSize: number; sessions: number }>;
  close(): Promise<void>;
}

async function startBare(): Promise<Running> {
  const app = Fastify({ logger: false });
  // The same shapes as Carrel's replies (src/features/pcs/libki.presenter.ts), chosen by action.
  app.get('/api/client/v1_0', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const body =
      q.action === 'get_user_data'
        ? { status: 'Logged in', units: 57, messages: [] }
        : q.action === 'login'
          ? { authenticated: 1, units: 60, hold_items_count: 0 }
          : q.action === 'logout'
            ? { logged_out: 1 }
            : { registered: 1, status: 'online', reserved_for: '', ClientBehavior: 'FCFS+RES' };
    return reply.code(200).header('cache-control', 'no-store').send(body);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    stations: [],
    cards: [],
    setupMs: 0,
    stats: async () => ({ verifications: 0, pollCacheSize: 0, sessions: 0 }),
    close: () => app.close(),
  };
}

async function startCarrel(s: PcsSettings): Promise<Running> {
  const t0 = performance.now();
  const { loadConfig } = await import('../src/config.ts');
  const { createContext, buildApp } = await import('../src/app/root.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { hashSecret, verifications } = await import('../src/auth/passwords.ts');
  const { createGroup, createStation } = await import('../src/features/pcs/pcs-stations.service.ts');
  const { pollCache } = await import('../src/features/pcs/pcs.keys.ts');
  const { iso } = await import('../src/clock.ts');
  const { newId } = await import('../src/ids.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-pcs-'));
  // A clean environment: nothing from the caller's shell (DATABASE_URL, LOG_LEVEL...) leaks in.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'false', HOST: '127.0.0.1' });
  const shift = MONDAY_AFTERNOON - Date.now();
  const ctx = createContext(config, { clock: { now: () => new Date(Date.now() + shift) } });
  await migrateToLatest(ctx.db);

  const system = { kind: 'system' } as const;
  const branches = config.library.branches.map((b) => b.code);
  const stations: StationSetup[] = [];
  for (let g = 0; g < s.groups; g++) {
    const branch = branches[g % branches.length]!;
    const groupId = await createGroup(ctx, system, {
      branch,
      name: `Internet ${g + 1}`,
      ticketPrefix: String.fromCharCode(65 + (g % 26)),
    });
    for (let i = 0; i < s.perGroup; i++) {
      const name = `PC-${String(g + 1).padStart(2, '0')}-${String(i + 1).padStart(3, '0')}`;
      const { stationKey } = await createStation(ctx, system, { branch, groupId, name });
      stations.push({ name, branch, key: stationKey });
    }
  }
  // One real hash shared by every patron: verifying it costs what any PIN's verification costs.
  const pinHash = await hashSecret(PIN);
  const now = iso(ctx.clock.now());
  const cards: string[] = [];
  const rows = Array.from({ length: s.patrons }, (_, p) => {
    const card = `2100${String(p).padStart(10, '0')}`;
    cards.push(card);
    return {
      id: newId(),
      card_number: card,
      name: `Patron ${p}`,
      home_branch: branches[p % branches.length]!,
      email: null,
      phone: null,
      age_band: 'adult',
      pin_hash: pinHash,
      pin_must_change: 0,
      card_expires_at: '2099-01-01T00:00:00.000Z',
      block_reason: null,
      blocked_at: null,
      keep_history: 0,
      open_loans: 0,
      notice_email: 1,
      notice_titles: 0,
      email_undeliverable_at: null,
      announcements_consent_at: null,
      created_at: now,
      updated_at: now,
    };
  });
  await ctx.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('patrons')
        .values(rows.slice(i, i + 500))
        .execute();
  });
  const app = await buildApp(ctx);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    stations,
    cards,
    setupMs: Math.round(performance.now() - t0),
    stats: async () => ({
      verifications: verifications.count,
      pollCacheSize: pollCache.size,
      sessions: Number(
        (
          await ctx.db
            .selectFrom('pc_sessions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    }),
    async close() {
      await app.close();
      await ctx.database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const running = kind === 'carrel' ? await startCarrel(settings) : await startBare();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running.close();
  process.exit(0);
}

process.on('message', (m: ToServer) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    void running.stats().then((st) => send({ type: 'cpu', user: u.user, system: u.system, ...st }));
  } else if (m.type === 'stop') void stop();
});
process.on('disconnect', () => void stop());
send({
  type: 'ready',
  url: running.url,
  stations: running.stations,
  cards: running.cards,
  pin: PIN,
  setupMs: running.setupMs,
});
