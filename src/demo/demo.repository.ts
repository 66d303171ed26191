// SQL for the demo data (seed.ts, traffic.ts): whether a part is already there, and the copies
// the demo lends. Everything the demo writes goes through the features' own services.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** True when `table` has at least one row (a demo part is only added to an empty table). */
export const existsAnyRow = async (
  db: Kysely<DB>,
  table: 'bib_records' | 'patrons' | 'pc_groups',
): Promise<boolean> => (await db.selectFrom(table).select('id').limit(1).executeTakeFirst()) !== undefined;

/** True when the website statistics hold any daily count. */
export const existsDailyStats = async (db: Kysely<DB>): Promise<boolean> =>
  (await db.selectFrom('stats_daily').select('key').limit(1).executeTakeFirst()) !== undefined;

/** Available copies in barcode order, at most `limit`. */
export const findAvailableItems = (db: Kysely<DB>, limit: number) =>
  db
    .selectFrom('items')
    .select(['id', 'bib_id', 'barcode', 'branch_code'])
    .where('status', '=', 'available')
    .orderBy('barcode')
    .limit(limit)
    .execute();
