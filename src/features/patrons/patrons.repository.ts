// SQL for patron accounts and their sessions. Services own the transactions; this module owns the queries.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PatronSessionTable, PatronTable } from './patrons.table.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type PatronRow = Selectable<PatronTable>;
export type PatronSessionRow = Selectable<PatronSessionTable>;

export async function findPatronById(db: Db, id: string): Promise<PatronRow | undefined> {
  return db.selectFrom('patrons').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPatronByCard(db: Db, cardNumber: string): Promise<PatronRow | undefined> {
  return db.selectFrom('patrons').selectAll().where('card_number', '=', cardNumber).executeTakeFirst();
}

/** Patrons whose name starts with, or contains, `text` (case-insensitive), best matches first. */
export async function findPatronsByName(db: Db, text: string, limit = 20): Promise<PatronRow[]> {
  const needle = text.toLowerCase().replace(/[%_\\]/g, '\\$&');
  return db
    .selectFrom('patrons')
    .selectAll()
    .where(sql<boolean>`lower(name) LIKE ${`%${needle}%`} ESCAPE '\\'`)
    .orderBy(sql`CASE WHEN lower(name) LIKE ${`${needle}%`} ESCAPE '\\' THEN 0 ELSE 1 END`)
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function insertPatron(db: Db, row: PatronRow): Promise<void> {
  await db.insertInto('patrons').values(row).execute();
}

export async function updatePatron(
  db: Db,
  id: string,
  set: Partial<Omit<PatronRow, 'id' | 'created_at'>> & { updated_at: string },
): Promise<void> {
  await db.updateTable('patrons').set(set).where('id', '=', id).execute();
}

/** Deletes the account if nothing is out; holds, sessions and reading history cascade. Returns whether it went. */
export async function deletePatronWithoutLoans(db: Db, id: string): Promise<boolean> {
  const res = await db
    .deleteFrom('patrons')
    .where('id', '=', id)
    .where('open_loans', '=', 0)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function countLoansOf(db: Db, patronId: string): Promise<number> {
  const row = await db
    .selectFrom('loans')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', patronId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertPatronSession(db: Db, row: Insertable<PatronSessionTable>): Promise<void> {
  await db.insertInto('patron_sessions').values(row).execute();
}

/** The message waiting in a patron session for the next page (JSON), or undefined. */
export async function findPatronSessionFlash(db: Db, id: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('patron_sessions').select('flash').where('id', '=', id).executeTakeFirst();
  return row?.flash;
}

export async function updatePatronSessionFlash(db: Db, id: string, flash: string | null): Promise<void> {
  await db.updateTable('patron_sessions').set({ flash }).where('id', '=', id).execute();
}

export async function findPatronSession(db: Db, id: string): Promise<PatronSessionRow | undefined> {
  return db.selectFrom('patron_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function touchPatronSession(
  db: Db,
  id: string,
  nowIso: string,
  expiresAt: string,
): Promise<void> {
  await db
    .updateTable('patron_sessions')
    .set({ last_seen_at: nowIso, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}

export async function deletePatronSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('patron_sessions').where('id', '=', id).execute();
}

export async function deletePatronSessionsOf(db: Db, patronId: string, exceptId?: string): Promise<void> {
  let q = db.deleteFrom('patron_sessions').where('patron_id', '=', patronId);
  if (exceptId) q = q.where('id', '<>', exceptId);
  await q.execute();
}

export async function countPatronSessionsOf(db: Db, patronId: string): Promise<number> {
  const row = await db
    .selectFrom('patron_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', patronId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The given columns of every row of `table` whose `subjectColumn` is the patron: the generic
 * query behind "My data" (table and column names come from the data inventory, never from input).
 */
export async function findRowsOfSubject(
  db: Db,
  table: string,
  columns: readonly string[],
  subjectColumn: string,
  patronId: string,
  limit = 10_000,
): Promise<Array<Record<string, unknown>>> {
  if (columns.length === 0) return [];
  const res = await sql<Record<string, unknown>>`
    SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table)}
    WHERE ${sql.ref(subjectColumn)} = ${patronId}
    ORDER BY ${sql.ref(columns[0]!)}
    LIMIT ${limit}`.execute(db);
  return res.rows;
}

/** Titles of bibliographic records, by id, for readable exports. */
export async function findTitles(db: Db, bibIds: string[]): Promise<Map<string, string>> {
  if (bibIds.length === 0) return new Map();
  const rows = await db.selectFrom('bib_records').select(['id', 'title']).where('id', 'in', bibIds).execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}

/** Barcode and title of items, by id, for readable exports. */
export async function findItemLabels(db: Db, itemIds: string[]): Promise<Map<string, string>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('items')
    .innerJoin('bib_records', 'bib_records.id', 'items.bib_id')
    .select(['items.id', 'items.barcode', 'bib_records.title'])
    .where('items.id', 'in', itemIds)
    .execute();
  return new Map(rows.map((r) => [r.id, `${r.title} (copy ${r.barcode})`]));
}
