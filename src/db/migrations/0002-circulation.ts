// Catalog, patrons, circulation and holds (issue 3). Frozen in time like every migration.
// The patron↔item link lives only in `loans` and `holds` (and, by opt-in, `reading_history`); each
// is deleted by the event that ends it (C1, C3, C4). Counts survive in `circulation_counts` (C2).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bib_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('control_number', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('pub_year', 'integer')
    .addColumn('publisher', 'text')
    .addColumn('isbn', 'text')
    .addColumn('issn', 'text')
    .addColumn('subjects', 'text')
    .addColumn('series', 'text')
    .addColumn('notes', 'text')
    .addColumn('marc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bib_id', 'text', (c) => c.notNull().references('bib_records.id'))
    .addColumn('barcode', 'text', (c) => c.notNull().unique())
    .addColumn('call_number', 'text')
    .addColumn('branch_code', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('material_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('transit_to', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('items_bib_idx').on('items').column('bib_id').execute();

  await db.schema
    .createTable('patrons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('card_number', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('home_branch', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('age_band', 'text')
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('pin_must_change', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('card_expires_at', 'text', (c) => c.notNull())
    .addColumn('block_reason', 'text')
    .addColumn('blocked_at', 'text')
    .addColumn('keep_history', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('open_loans', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('patrons_open_loans', sql`open_loans >= 0`)
    .execute();
  await db.schema.createIndex('patrons_expires_idx').on('patrons').column('card_expires_at').execute();

  await db.schema
    .createTable('patron_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id').onDelete('cascade'))
    .addColumn('is_public_terminal', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('absolute_expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('patron_sessions_expires_idx')
    .on('patron_sessions')
    .column('expires_at')
    .execute();
  await db.schema
    .createIndex('patron_sessions_patron_idx')
    .on('patron_sessions')
    .column('patron_id')
    .execute();

  await db.schema
    .createTable('loans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().unique().references('items.id'))
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id'))
    .addColumn('branch_code', 'text', (c) => c.notNull())
    .addColumn('checked_out_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('renewals', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('loans_patron_idx').on('loans').column('patron_id').execute();
  await db.schema.createIndex('loans_due_idx').on('loans').column('due_at').execute();

  await db.schema
    .createTable('circulation_counts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('branch_code', 'text', (c) => c.notNull())
    .addColumn('material_type', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('circulation_counts_day_idx').on('circulation_counts').column('day').execute();

  await db.schema
    .createTable('reading_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id').onDelete('cascade'))
    .addColumn('bib_id', 'text', (c) => c.notNull().references('bib_records.id').onDelete('cascade'))
    .addColumn('returned_on', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reading_history_patron_idx')
    .on('reading_history')
    .column('patron_id')
    .execute();

  await db.schema
    .createTable('holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id').onDelete('cascade'))
    .addColumn('bib_id', 'text', (c) => c.notNull().references('bib_records.id'))
    .addColumn('item_id', 'text', (c) => c.references('items.id'))
    .addColumn('pickup_branch', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('suspended_until', 'text')
    .addColumn('trapped_item_id', 'text', (c) => c.unique().references('items.id'))
    .addColumn('trapped_at', 'text')
    .addColumn('shelf_expires_at', 'text')
    .addColumn('pickup_code', 'text')
    .execute();
  await db.schema.createIndex('holds_bib_idx').on('holds').columns(['bib_id', 'placed_at']).execute();
  await db.schema.createIndex('holds_patron_idx').on('holds').column('patron_id').execute();
  await db.schema
    .createIndex('holds_shelf_idx')
    .on('holds')
    .columns(['status', 'shelf_expires_at'])
    .execute();

  // Who overrode a loan rule, which rule, why — no patron and no item (staff accountability only).
  await db.schema
    .createTable('circulation_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('branch_code', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('patron_access_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('patron_id', 'text', (c) => c.notNull())
    .addColumn('viewed_at', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('patron_access_log_viewed_idx')
    .on('patron_access_log')
    .column('viewed_at')
    .execute();
  await db.schema
    .createIndex('patron_access_log_patron_idx')
    .on('patron_access_log')
    .column('patron_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'patron_access_log',
    'circulation_overrides',
    'holds',
    'reading_history',
    'circulation_counts',
    'loans',
    'patron_sessions',
    'patrons',
    'items',
    'bib_records',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
