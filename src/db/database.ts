// Opens the database named by configuration: embedded SQLite by default, PostgreSQL for consortia.
// Both sit behind one Kysely<DB>; the few real differences live in DialectOps (dialects.ts).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Logger } from 'pino';
import { PipelinedPostgresDriver } from './pg-driver.ts';
import type { DatabaseConfig } from '../config.ts';
import type { DB } from './schema.ts';
import { dialectOps, type DialectOps } from './dialects.ts';
import { BUSY_TIMEOUT_MS, mayOverwrite, truncateWal, WalScrubber } from './wal-scrub.ts';

export interface Database {
  db: Kysely<DB>;
  ops: DialectOps;
  /** The SQLite file (with -wal/-shm siblings), for raw-byte checks; null on PostgreSQL. */
  sqliteFile: string | null;
  /**
   * Asks for deleted values to leave the database files soon (SQLite: a WAL checkpoint and
   * truncation within DatabaseConfig.scrubDelayMs, see wal-scrub.ts). SQLite connections call it
   * themselves for every statement that removes or overwrites values; nothing on PostgreSQL.
   */
  requestScrub(): void;
  close(): Promise<void>;
}

// PostgreSQL returns bigint (e.g. count(*)) as text by default; counts here always fit a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** Applies the pragmas Carrel relies on to a SQLite connection (see STYLE.md "SQLite discipline"). */
export function applySqlitePragmas(conn: Database.Database): void {
  conn.pragma('journal_mode = WAL');
  conn.pragma('foreign_keys = ON');
  // Writers wait instead of failing while another connection (a second process) holds the lock.
  conn.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // G2: deleted rows are overwritten with zeros, so a purged value does not linger in free pages.
  conn.pragma('secure_delete = ON');
  conn.pragma('synchronous = NORMAL');
  // A 64 MiB page cache (the default is 2 MiB): catalog search reads the same full-text index
  // pages and record rows again and again (bench/README.md, search).
  conn.pragma('cache_size = -65536');
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs about as much as running a
 * short query (bench/README.md, circulation). Kysely compiles the same SQL text for the same query
 * shape, so a small cache of prepared statements keyed by that text serves almost every request.
 * Statements are run to completion synchronously (all/run), never left half-iterated, so sharing
 * one is safe on the single connection. A statement that can remove or overwrite values calls
 * `onOverwrite` whenever it changed a row, so deleted data is scrubbed from the WAL (wal-scrub.ts).
 */
function withStatementCache(conn: Database.Database, onOverwrite: () => void, size = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => conn.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        // Refresh its place so the least recently used statement is the one dropped.
        cache.delete(sqlText);
      } else {
        const prepared = conn.prepare(sqlText);
        stmt = mayOverwrite(prepared, sqlText) ? reportingChanges(prepared, onOverwrite) : prepared;
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

/** A statement that calls `changed` after a run that deleted, updated or returned a row. */
function reportingChanges(stmt: Database.Statement, changed: () => void): SqliteStatement {
  return {
    reader: stmt.reader,
    all(params) {
      const rows = stmt.all(params);
      if (rows.length > 0) changed();
      return rows;
    },
    run(params) {
      const res = stmt.run(params);
      if (Number(res.changes) > 0) changed();
      return res;
    },
    iterate: (params) => stmt.iterate(params),
  };
}

export function openDatabase(cfg: DatabaseConfig, opts: { logger?: Logger } = {}): Database {
  if (cfg.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(cfg.location), { recursive: true });
    const conn = new Database(cfg.location);
    applySqlitePragmas(conn);
    const scrubber = new WalScrubber({
      checkpoint: () => truncateWal(db),
      delayMs: cfg.scrubDelayMs,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const requestScrub = () => scrubber.request();
    const db = new Kysely<DB>({
      dialect: new SqliteDialect({ database: withStatementCache(conn, requestScrub) }),
    });
    return {
      db,
      ops: dialectOps.sqlite,
      sqliteFile: cfg.location,
      requestScrub,
      async close() {
        await scrubber.close();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: cfg.location,
    max: cfg.poolSize,
    // pg's default closes a connection after 10 s idle, so a desk's first check-out after a lull
    // paid for a new one: a backend process and a SCRAM password exchange, tens of milliseconds
    // (bench/README.md, circulation). Idle connections are kept five minutes, two always.
    idleTimeoutMillis: 5 * 60_000,
    min: Math.min(2, cfg.poolSize),
    // Lets a transaction's BEGIN and COMMIT travel with its first and last statements (pg-driver.ts).
    pipeline: true,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PipelinedPostgresDialect(pool) });
  // Deleted rows leave PostgreSQL's files when the purge run vacuums their tables (dialects.ts).
  return {
    db,
    ops: dialectOps.postgres,
    sqliteFile: null,
    requestScrub: () => undefined,
    close: () => db.destroy(),
  };
}

/** Kysely's PostgreSQL dialect with the pipelining driver of pg-driver.ts. */
class PipelinedPostgresDialect extends PostgresDialect {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    super({ pool });
    this.#pool = pool;
  }
  override createDriver() {
    return new PipelinedPostgresDriver(this.#pool);
  }
}
