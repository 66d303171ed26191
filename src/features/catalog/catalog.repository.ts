// SQL for bibliographic records and items (copies). Every write to bib_records goes through
// insertBibRecords / updateBibRecord: plain INSERT and UPDATE, so the search index that database
// triggers maintain on bib_records stays in step whatever the dialect.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { BibRecordTable, ItemStatus, ItemTable } from './catalog.table.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The columns an import or an edit writes (id and timestamps aside). */
export type BibValues = Omit<BibRecordTable, 'id' | 'created_at' | 'updated_at'>;
export type BibRow = BibRecordTable;
export type ItemRow = ItemTable;

/**
 * Rows per INSERT: fewer, larger statements are what makes a bulk import fast. SQLite allows
 * 32,766 bound values per statement and PostgreSQL 65,535; 16 columns × 1,000 rows stays inside.
 */
const INSERT_CHUNK = 1000;
/** Largest IN (…) list sent in one query. */
const LOOKUP_CHUNK = 500;

function* chunks<T>(values: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}

/** Ids of the records with these control numbers (absent ones are missing from the map). */
export async function findBibIdsByControlNumbers(
  db: Db,
  controlNumbers: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(controlNumbers)], LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom('bib_records')
      .select(['id', 'control_number'])
      .where('control_number', 'in', part)
      .execute();
    for (const r of rows) out.set(r.control_number, r.id);
  }
  return out;
}

export async function insertBibRecords(db: Db, rows: BibRecordTable[]): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK)) await db.insertInto('bib_records').values(part).execute();
}

export async function updateBibRecord(db: Db, id: string, values: BibValues, nowIso: string): Promise<void> {
  await db
    .updateTable('bib_records')
    .set({ ...values, updated_at: nowIso })
    .where('id', '=', id)
    .execute();
}

export async function findBibById(db: Db, id: string): Promise<BibRow | undefined> {
  return db.selectFrom('bib_records').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface BibSummary {
  id: string;
  controlNumber: string;
  title: string;
  author: string | null;
  format: string;
  pubYear: number | null;
  updatedAt: string;
}

const summaryColumns = [
  'id',
  'control_number',
  'title',
  'author',
  'format',
  'pub_year',
  'updated_at',
] as const;
const toSummary = (r: Pick<BibRow, (typeof summaryColumns)[number]>): BibSummary => ({
  id: r.id,
  controlNumber: r.control_number,
  title: r.title,
  author: r.author,
  format: r.format,
  pubYear: r.pub_year,
  updatedAt: r.updated_at,
});

/** The records most recently imported or changed, newest first. */
export async function findRecentBibs(db: Db, limit: number): Promise<BibSummary[]> {
  const rows = await db
    .selectFrom('bib_records')
    .select(summaryColumns)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toSummary);
}

/** Records whose control number is `term`, or that own a copy with barcode `term`. */
export async function findBibsByControlNumberOrBarcode(
  db: Db,
  term: string,
  limit: number,
): Promise<BibSummary[]> {
  const rows = await db
    .selectFrom('bib_records')
    .select(summaryColumns)
    .where((eb) =>
      eb.or([
        eb('control_number', '=', term),
        eb('id', 'in', eb.selectFrom('items').select('bib_id').where('barcode', '=', term)),
      ]),
    )
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toSummary);
}

export async function findItemsOfBib(db: Db, bibId: string, limit = 1000): Promise<ItemRow[]> {
  return db
    .selectFrom('items')
    .selectAll()
    .where('bib_id', '=', bibId)
    .orderBy('branch_code')
    .orderBy('barcode')
    .limit(limit)
    .execute();
}

export async function findItemById(db: Db, id: string): Promise<ItemRow | undefined> {
  return db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findItemByBarcode(db: Db, barcode: string): Promise<ItemRow | undefined> {
  return db.selectFrom('items').selectAll().where('barcode', '=', barcode).executeTakeFirst();
}

/** Ids of the items with these barcodes. */
export async function findItemIdsByBarcodes(db: Db, barcodes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(barcodes)], LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom('items')
      .select(['id', 'barcode'])
      .where('barcode', 'in', part)
      .execute();
    for (const r of rows) out.set(r.barcode, r.id);
  }
  return out;
}

export async function insertItems(db: Db, rows: ItemTable[]): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK)) await db.insertInto('items').values(part).execute();
}

/** What an import or a staff edit may change on a copy; status moves only as the caller decides. */
export interface ItemChanges {
  bib_id?: string;
  call_number?: string | null;
  branch_code?: string;
  location?: string | null;
  material_type?: string;
  status?: ItemStatus;
}

/**
 * Updates a copy; with `onlyIfStatusIn`, only while its status is one of those (checked in the same
 * statement, so a check-out at the same moment cannot slip between check and write).
 * Returns whether a row was changed.
 */
export async function updateItem(
  db: Db,
  id: string,
  changes: ItemChanges,
  nowIso: string,
  onlyIfStatusIn?: readonly ItemStatus[],
): Promise<boolean> {
  let q = db
    .updateTable('items')
    .set({ ...changes, updated_at: nowIso })
    .where('id', '=', id);
  if (onlyIfStatusIn) q = q.where('status', 'in', [...onlyIfStatusIn]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
