// Test environments: a freshly migrated database on SQLite (a real file) or PostgreSQL (a new
// database on the test server), a context with a fake clock and captured log lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, before, after } from 'node:test';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.ts';
import { createContext, createLogger } from '../../src/app/root.ts';
import type { AppContext } from '../../src/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Clock } from '../../src/clock.ts';

export type Dialect = 'sqlite' | 'postgres';
export const dialects: Dialect[] = ['sqlite', 'postgres'];

export class FakeClock implements Clock {
  private t: number;
  constructor(start = '2026-03-02T15:00:00.000Z') {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(isoText: string): void {
    this.t = Date.parse(isoText);
  }
}

export interface TestEnv {
  dialect: Dialect;
  ctx: AppContext;
  clock: FakeClock;
  config: Config;
  /** Every log line written so far, as raw JSON text. */
  logs: string[];
  dataDir: string;
  cleanup(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set; run the tests with `npm test`.');
  return url;
}

/** Creates an empty PostgreSQL database on the test server; returns its URL and a drop function. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `carrel_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface EnvOptions {
  env?: Record<string, string>;
  migrate?: boolean;
}

export async function createTestEnv(dialect: Dialect, opts: EnvOptions = {}): Promise<TestEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-test-'));
  const pgDb = dialect === 'postgres' ? await createPgDatabase() : null;
  const config = loadConfig({
    DATA_DIR: dataDir,
    CARREL_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'debug',
    // No reverse-DNS lookups to the outside network; statistics tests start their own DNS server.
    STATS_REVERSE_DNS: 'false',
    ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(line);
      cb();
    },
  });
  const clock = new FakeClock();
  const database = openDatabase(config.database);
  const ctx = createContext(config, { database, clock, logger: createLogger(config, sink) });
  if (opts.migrate !== false) await migrateToLatest(ctx.db);
  return {
    dialect,
    ctx,
    clock,
    config,
    logs,
    dataDir,
    async cleanup() {
      await database.close();
      await pgDb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Declares a suite once per database; `env()` is a fresh, migrated environment for that suite. */
export function describeEachDialect(
  title: string,
  body: (env: () => TestEnv, dialect: Dialect) => void,
  opts: EnvOptions = {},
): void {
  for (const dialect of dialects) {
    describe(`${title} [${dialect}]`, () => {
      let env: TestEnv | undefined;
      before(async () => {
        env = await createTestEnv(dialect, opts);
      });
      after(async () => {
        await env?.cleanup();
      });
      body(() => {
        if (!env) throw new Error('test environment not ready');
        return env;
      }, dialect);
    });
  }
}
