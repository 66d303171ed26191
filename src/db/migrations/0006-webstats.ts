// Website statistics (issue 5, W1–W4): aggregates only. No table holds a visit: views are reduced
// at ingest and counted per hour and dimension; unique visitors are salted hashes kept for the day
// only, with a salt that is deleted when the day ends. Frozen in time like every migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stats_salts')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stats_visitors')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stats_visitors_day_idx').on('stats_visitors').column('day').execute();

  for (const [table, unit] of [
    ['stats_hourly', 'hour'],
    ['stats_daily', 'day'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn(unit, 'text', (c) => c.notNull())
      .addColumn('dimension', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(`${table}_${unit}_idx`).on(table).columns([unit, 'dimension']).execute();
  }

  await db.schema
    .createTable('stats_log_imports')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['stats_log_imports', 'stats_daily', 'stats_hourly', 'stats_visitors', 'stats_salts'])
    await db.schema.dropTable(t).execute();
}
