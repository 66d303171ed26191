// Law-enforcement request case files (issue 15 items 1 and 6; L1, L6). Everything a visitor said
// or handed over is kept only as AES-256-GCM ciphertext under a key outside the database; the case
// log is append-only and hash-chained. Ciphertext is a BLOB on SQLite and bytea on PostgreSQL.
// Frozen in time like every migration.
import { PostgresAdapter, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = isPostgres(db) ? 'bytea' : 'blob';
  await db.schema
    .createTable('legal_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('details', bytes, (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('last_hash', 'text', (c) => c.notNull())
    // What the state machine needs besides the state (findings, who approved and confirmed, the
    // emergency's threat and decisions, what a warrant took): encrypted JSON, null until the first move.
    .addColumn('decisions', bytes)
    .execute();
  await db.schema.createIndex('legal_cases_closed_at').on('legal_cases').column('closed_at').execute();
  await db.schema
    .createTable('legal_case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_cases.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', bytes)
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('legal_case_events_case_seq', ['case_id', 'seq'])
    .execute();
  await db.schema
    .createTable('legal_case_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('legal_cases.id').onDelete('cascade'))
    .addColumn('name', bytes, (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('content', bytes, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('legal_case_attachments_case')
    .on('legal_case_attachments')
    .column('case_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('legal_case_attachments').execute();
  await db.schema.dropTable('legal_case_events').execute();
  await db.schema.dropTable('legal_cases').execute();
}
