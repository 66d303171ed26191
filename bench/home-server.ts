// One server under test for bench/home.ts, in its own process so that it has an event loop (and a
// core) of its own, separate from the load generator. `carrel`: the real application on a fresh,
// migrated SQLite database in a temporary DATA_DIR, LOG_LEVEL=silent, web part only (no job worker
// or scheduler). `bare`: Fastify with one JSON route, the baseline.
// Talks to its parent over IPC: sends {ready, url}, answers {cpu} with process.cpuUsage(), and
// shuts down on {stop} or when the parent goes away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';

export type ServerKind = 'carrel' | 'bare';

export type ToServer = { type: 'cpu' } | { type: 'stop' };
export type FromServer = { type: 'ready'; url: string } | { type: 'cpu'; user: number; system: number };

const kind = process.argv[2] as ServerKind | undefined;
if (kind !== 'carrel' && kind !== 'bare') throw new Error('usage: home-server.ts carrel|bare');
if (!process.send) throw new Error('home-server.ts must be started with an IPC channel (by bench/home.ts)');
const send = (m: FromServer) => process.send?.(m);

interface Running {
  url: string;
  close(): Promise<void>;
}

async function startBare(): Promise<Running> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

async function startCarrel(): Promise<Running> {
  const { loadConfig } = await import('../src/config.ts');
  const { createContext } = await import('../src/app/root.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { buildApp } = await import('../src/app/root.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-home-'));
  // A clean environment: nothing from the caller's shell (DATABASE_URL, LOG_LEVEL...) leaks in.
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    HOST: '127.0.0.1',
  });
  const ctx = createContext(config);
  await migrateToLatest(ctx.db);
  const app = await buildApp(ctx);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    async close() {
      await app.close();
      await ctx.database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const running = kind === 'carrel' ? await startCarrel() : await startBare();

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
    send({ type: 'cpu', user: u.user, system: u.system });
  } else if (m.type === 'stop') void stop();
});
process.on('disconnect', () => void stop());
send({ type: 'ready', url: running.url });
