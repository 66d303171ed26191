// A covering index for the catalog's availability counts on SQLite (issue 3 performance). A results
// page counts copies per branch and status over its best 250 records (facets) and its 20 shown
// records (availability); items(bib_id, branch_code, status) answers both from index pages alone
// instead of one table row per copy: 1.8 instead of 2.9 ms for 250 random records at 1M records
// and 2M copies (bench/README.md, "search"). It replaces items(bib_id), which is its prefix.
//
// SQLite only. On PostgreSQL an index holding `status` would end heap-only (HOT) updates of items:
// every check-out and check-in changes the status, and would then add an entry to each of the
// table's indexes — a cost on the circulation desk's path to save a millisecond on search pages.
// Frozen in time like every migration.
import { PostgresAdapter, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  await db.schema
    .createIndex('items_bib_branch_status_idx')
    .on('items')
    .columns(['bib_id', 'branch_code', 'status'])
    .execute();
  await db.schema.dropIndex('items_bib_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) return;
  await db.schema.createIndex('items_bib_idx').on('items').column('bib_id').execute();
  await db.schema.dropIndex('items_bib_branch_status_idx').execute();
}
