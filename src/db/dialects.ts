// The real differences between SQLite and PostgreSQL, one implementation per dialect, so that
// queries elsewhere never branch on the dialect inline.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from './schema.ts';
import { truncateWal } from './wal-scrub.ts';

export interface DialectOps {
  readonly name: 'sqlite' | 'postgres';
  /** Row-locking suffix for a queue claim: SKIP LOCKED on PostgreSQL; SQLite has one writer anyway. */
  skipLocked(): RawBuilder<unknown>;
  /** Row-locking suffix that serializes read-then-write sequences (FOR UPDATE on PostgreSQL;
   * SQLite transactions are serialized already). */
  forUpdate(): RawBuilder<unknown>;
  /** Like forUpdate, but locking only the rows of one table of a join (PostgreSQL FOR UPDATE OF). */
  forUpdateOf(table: string): RawBuilder<unknown>;
  /**
   * Makes deleted values unrecoverable from the database files (G2): SQLite checkpoints and
   * truncates its WAL (secure_delete already zeroed the pages); PostgreSQL vacuums the tables.
   */
  compactAfterPurge(db: Kysely<DB>, tables: string[]): Promise<void>;
  /** Names of the application's tables, for the inventory check and the value-search helper. */
  listTables(db: Kysely<DB>): Promise<string[]>;
  listColumns(db: Kysely<DB>, table: string): Promise<string[]>;
}

const sqlite: DialectOps = {
  name: 'sqlite',
  skipLocked: () => sql``,
  forUpdate: () => sql``,
  forUpdateOf: () => sql``,
  async compactAfterPurge(db) {
    // A reader in another process can keep the checkpoint from completing; try a few times without
    // blocking the event loop. The deletions have requested a scrub too, which keeps retrying.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await truncateWal(db)) return;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  },
  async listTables(db) {
    // Ordinary tables only: pragma_table_list types virtual tables (FTS5 search indexes) as
    // 'virtual' and their storage as 'shadow'; both are derived from tables listed here.
    const res = await sql<{ name: string }>`
      SELECT name FROM pragma_table_list
      WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'
      ORDER BY name`.execute(db);
    return res.rows.map((r) => r.name);
  },
  async listColumns(db, table) {
    const res = await sql<{
      name: string;
    }>`SELECT name FROM pragma_table_info(${table}) ORDER BY cid`.execute(db);
    return res.rows.map((r) => r.name);
  },
};

const postgres: DialectOps = {
  name: 'postgres',
  skipLocked: () => sql`FOR UPDATE SKIP LOCKED`,
  forUpdate: () => sql`FOR UPDATE`,
  forUpdateOf: (table) => sql`FOR UPDATE OF ${sql.table(table)}`,
  async compactAfterPurge(db, tables) {
    for (const t of tables) await sql`VACUUM ${sql.table(t)}`.execute(db);
  },
  async listTables(db) {
    const res = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'
      ORDER BY table_name`.execute(db);
    return res.rows.map((r) => r.name);
  },
  async listColumns(db, table) {
    const res = await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`.execute(db);
    return res.rows.map((r) => r.name);
  },
};

export const dialectOps = { sqlite, postgres } as const;
