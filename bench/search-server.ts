// The Carrel web app over an existing (generated) catalog database, for bench/search.ts: its own
// process, so that autocannon in the parent never shares its event loop. DATABASE_URL and DATA_DIR
// come from the parent; LOG_LEVEL=silent; no migrations, demo data, job worker or scheduler.
// Sends {ready, url} over IPC and stops on {stop} or when the parent goes away.
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/root.ts';
import { buildApp } from '../src/app/root.ts';

if (!process.send) throw new Error('search-server.ts must be started by bench/search.ts');
const dataDir = process.env.BENCH_DATA_DIR;
const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!dataDir || !databaseUrl) throw new Error('BENCH_DATA_DIR and BENCH_DATABASE_URL must be set');
const config = loadConfig({
  DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  CARREL_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  MIGRATE_ON_START: 'false',
  HOST: '127.0.0.1',
});
const ctx = createContext(config);
const app = await buildApp(ctx);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  await ctx.database.close();
  process.exit(0);
};
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') void stop();
});
process.on('disconnect', () => void stop());
process.send({ type: 'ready', url });
