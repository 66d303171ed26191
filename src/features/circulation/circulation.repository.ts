// SQL for loans, items, reading history, overrides and circulation counts (holds: holds.repository.ts). Services own the transactions.
import crypto from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DialectOps } from '../../db/dialects.ts';
import { keepPrepared } from '../../db/pg-driver.ts';
import type { DB } from '../../db/schema.ts';
import type { Write } from '../../db/writes.ts';
import type { ItemTable } from '../catalog/catalog.table.ts';
import type { PatronTable } from '../patrons/patrons.table.ts';
import type { CirculationAction, LoanTable } from './circulation.table.ts';
import { nextHoldQuery, type HoldRow } from './holds.repository.ts';

export type ItemRow = Selectable<ItemTable>;
export type LoanRow = Selectable<LoanTable>;

/** Reads a patron row and, on PostgreSQL, locks it, so limit checks and counters serialize. */
export async function lockPatron(
  db: Kysely<DB>,
  ops: DialectOps,
  id: string,
): Promise<Selectable<PatronTable> | undefined> {
  const res = await sql<
    Selectable<PatronTable>
  >`SELECT * FROM patrons WHERE id = ${id} ${ops.forUpdate()}`.execute(db);
  return res.rows[0];
}

/** The patron holding a card, locked like lockPatron: one round trip for the desk's check-out. */
export async function lockPatronByCard(
  db: Kysely<DB>,
  ops: DialectOps,
  cardNumber: string,
): Promise<Selectable<PatronTable> | undefined> {
  const res = await sql<Selectable<PatronTable>>`
    SELECT * FROM patrons WHERE card_number = ${cardNumber} ${ops.forUpdate()}`.execute(db);
  return res.rows[0];
}

/**
 * The desk's check-out reads: the patron (by card or id) and the copy with its title, both locked
 * as lockPatron and findItemByBarcodeForUpdate lock them, patron first. On PostgreSQL in one round
 * trip (two locking sub-SELECTs, rows as JSON); SQLite, in-process, simply runs both.
 *
 * On PostgreSQL the same statement also counts the patron's loans of the copy's material type, for a
 * loan rule with a per-type limit (a fourth round trip for every such check-out otherwise). That
 * count comes from the statement's snapshot, taken before the patron's lock was granted; it is
 * returned only when the patron's row did not change in between (the locked row's version, xmin,
 * equals the one in the snapshot). Every loan made or ended changes the patron's row (open_loans),
 * so an equal version means no loan of theirs changed either; otherwise `loansOfType` is undefined
 * and the caller counts again under the lock.
 */
export async function lockPatronAndItem(
  db: Kysely<DB>,
  ops: DialectOps,
  who: { cardNumber: string } | { patronId: string },
  barcode: string,
): Promise<{
  patron: Selectable<PatronTable> | undefined;
  item: (ItemRow & { title: string }) | undefined;
  /** The patron's loans of the copy's material type, when read consistently (PostgreSQL). */
  loansOfType: number | undefined;
}> {
  if (ops.name !== 'postgres') {
    const patron =
      'cardNumber' in who
        ? await lockPatronByCard(db, ops, who.cardNumber)
        : await lockPatron(db, ops, who.patronId);
    const item = patron ? await findItemByBarcodeForUpdate(db, ops, barcode) : undefined;
    return { patron, item, loansOfType: undefined };
  }
  const patronWhere = 'cardNumber' in who ? sql`card_number = ${who.cardNumber}` : sql`id = ${who.patronId}`;
  const query = sql<{
    patron: (Selectable<PatronTable> & { row_version: string }) | null;
    item: (ItemRow & { title: string }) | null;
    seen_version: string | null;
    loans_of_type: number;
  }>`
    SELECT (SELECT row_to_json(p) FROM (
              SELECT *, xmin::text AS row_version FROM patrons WHERE ${patronWhere} FOR UPDATE) p) AS patron,
           (SELECT row_to_json(i) FROM (
              SELECT items.*, bib_records.title AS title
              FROM items JOIN bib_records ON bib_records.id = items.bib_id
              WHERE items.barcode = ${barcode} FOR UPDATE OF items) i) AS item,
           (SELECT xmin::text FROM patrons WHERE ${patronWhere}) AS seen_version,
           (SELECT count(*) FROM loans JOIN items of_type ON of_type.id = loans.item_id
            WHERE loans.patron_id = (SELECT id FROM patrons WHERE ${patronWhere})
              AND of_type.material_type = (SELECT material_type FROM items WHERE barcode = ${barcode})
           )::int AS loans_of_type`.compile(db);
  // Kept prepared: parsing and planning were most of this statement's time (db/pg-driver.ts).
  const row = (await db.executeQuery(keepPrepared(query))).rows[0];
  if (!row?.patron) return { patron: undefined, item: row?.item ?? undefined, loansOfType: undefined };
  const { row_version: lockedVersion, ...patron } = row.patron;
  return {
    patron,
    item: row.item ?? undefined,
    loansOfType: lockedVersion === row.seen_version ? row.loans_of_type : undefined,
  };
}

// ---- items ----------------------------------------------------------------------------------

export async function findItemByBarcodeForUpdate(
  db: Kysely<DB>,
  ops: DialectOps,
  barcode: string,
): Promise<(ItemRow & { title: string }) | undefined> {
  // Locks the copy alone (FOR UPDATE OF items): locking its record too would make desks that
  // handle other copies of the same title wait for each other on PostgreSQL.
  const res = await sql<ItemRow & { title: string }>`
    SELECT items.*, bib_records.title AS title
    FROM items JOIN bib_records ON bib_records.id = items.bib_id
    WHERE items.barcode = ${barcode} ${ops.forUpdateOf('items')}`.execute(db);
  return res.rows[0];
}

export type ItemForCheckin = ItemRow & {
  title: string;
  loan_id: string | null;
  loan_patron_id: string | null;
  loan_keep_history: number | null;
  /**
   * PostgreSQL only: the hold the copy would go to (findNextHoldForItem, locked), or null for none;
   * undefined where it was not looked up, as on SQLite, where a second query costs no round trip.
   */
  next_hold?: HoldRow | null;
};

/** A copy (locked, as above) with its open loan, if any, and the borrower's history choice — and on
 * PostgreSQL the next hold in line for it — in one round trip, where check-in used to make three. */
export async function findItemForCheckin(
  db: Kysely<DB>,
  ops: DialectOps,
  barcode: string,
  next: { nowIso: string; localBranch: string | null },
): Promise<ItemForCheckin | undefined> {
  const nextHold =
    ops.name === 'postgres'
      ? sql`, (SELECT row_to_json(h) FROM (${nextHoldQuery(
          ops,
          { id: sql.ref('items.id'), bib_id: sql.ref('items.bib_id') },
          next,
        )}) h) AS next_hold`
      : sql``;
  const query = sql<ItemForCheckin>`
    SELECT items.*, bib_records.title AS title, loans.id AS loan_id, loans.patron_id AS loan_patron_id,
           patrons.keep_history AS loan_keep_history${nextHold}
    FROM items JOIN bib_records ON bib_records.id = items.bib_id
    LEFT JOIN loans ON loans.item_id = items.id
    LEFT JOIN patrons ON patrons.id = loans.patron_id
    WHERE items.barcode = ${barcode} ${ops.forUpdateOf('items')}`.compile(db);
  // Kept prepared on PostgreSQL: planning this join was 0.9 ms of its 1 ms there (db/pg-driver.ts).
  return (await db.executeQuery(keepPrepared(query))).rows[0];
}

export async function findItemById(db: Kysely<DB>, id: string): Promise<ItemRow | undefined> {
  return db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
}

export const itemStatusWrite =
  (id: string, status: ItemRow['status'], transitTo: string | null, nowIso: string): Write =>
  (qc) =>
    qc.updateTable('items').set({ status, transit_to: transitTo, updated_at: nowIso }).where('id', '=', id);

export async function updateItemStatus(
  db: Kysely<DB>,
  id: string,
  status: ItemRow['status'],
  transitTo: string | null,
  nowIso: string,
): Promise<void> {
  await itemStatusWrite(id, status, transitTo, nowIso)(db).execute();
}

export async function findItemsOfRecord(db: Kysely<DB>, bibId: string): Promise<ItemRow[]> {
  return db
    .selectFrom('items')
    .selectAll()
    .where('bib_id', '=', bibId)
    .orderBy('barcode')
    .limit(500)
    .execute();
}

// ---- loans ----------------------------------------------------------------------------------

export async function findLoanByItem(db: Kysely<DB>, itemId: string): Promise<LoanRow | undefined> {
  return db.selectFrom('loans').selectAll().where('item_id', '=', itemId).executeTakeFirst();
}

export async function findLoanById(db: Kysely<DB>, id: string): Promise<LoanRow | undefined> {
  return db.selectFrom('loans').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface LoanListing {
  id: string;
  itemId: string;
  barcode: string;
  bibId: string;
  title: string;
  author: string | null;
  materialType: string;
  branchCode: string;
  checkedOutAt: string;
  dueAt: string;
  renewals: number;
}

export async function findLoansOfPatron(db: Kysely<DB>, patronId: string): Promise<LoanListing[]> {
  return db
    .selectFrom('loans')
    .innerJoin('items', 'items.id', 'loans.item_id')
    .innerJoin('bib_records', 'bib_records.id', 'items.bib_id')
    .select([
      'loans.id as id',
      'items.id as itemId',
      'items.barcode as barcode',
      'bib_records.id as bibId',
      'bib_records.title as title',
      'bib_records.author as author',
      'items.material_type as materialType',
      'loans.branch_code as branchCode',
      'loans.checked_out_at as checkedOutAt',
      'loans.due_at as dueAt',
      'loans.renewals as renewals',
    ])
    .where('loans.patron_id', '=', patronId)
    .orderBy('loans.due_at')
    .limit(1000)
    .execute();
}

export async function countLoansOfPatronByType(
  db: Kysely<DB>,
  patronId: string,
  materialType: string,
): Promise<number> {
  const r = await db
    .selectFrom('loans')
    .innerJoin('items', 'items.id', 'loans.item_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('loans.patron_id', '=', patronId)
    .where('items.material_type', '=', materialType)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function patronHasLoanOfRecord(
  db: Kysely<DB>,
  patronId: string,
  bibId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('loans')
    .innerJoin('items', 'items.id', 'loans.item_id')
    .select('loans.id')
    .where('loans.patron_id', '=', patronId)
    .where('items.bib_id', '=', bibId)
    .executeTakeFirst();
  return r !== undefined;
}

export const insertLoanWrite =
  (loan: LoanRow): Write =>
  (qc) =>
    qc.insertInto('loans').values(loan);

export const deleteLoanWrite =
  (id: string): Write =>
  (qc) =>
    qc.deleteFrom('loans').where('id', '=', id);

export async function deleteLoan(db: Kysely<DB>, id: string): Promise<void> {
  await deleteLoanWrite(id)(db).execute();
}

export async function updateLoanDue(
  db: Kysely<DB>,
  id: string,
  dueAt: string,
  renewals: number,
): Promise<void> {
  // A new due date earns new due-soon and overdue notices.
  await db
    .updateTable('loans')
    .set({ due_at: dueAt, renewals, due_soon_notice_at: null, overdue_notice_at: null })
    .where('id', '=', id)
    .execute();
}

/** Keeps patrons.open_loans in step with the loans table, in the same transaction. */
export const openLoansWrite =
  (patronId: string, by: 1 | -1, nowIso: string): Write =>
  (qc) =>
    qc
      .updateTable('patrons')
      .set((eb) => ({ open_loans: eb('open_loans', '+', by), updated_at: nowIso }))
      .where('id', '=', patronId);

export async function adjustOpenLoans(
  db: Kysely<DB>,
  patronId: string,
  by: 1 | -1,
  nowIso: string,
): Promise<void> {
  await openLoansWrite(patronId, by, nowIso)(db).execute();
}

// ---- counts (C2) ----------------------------------------------------------------------------

const COUNTER_SHARDS = 8;

export const countWrite =
  (c: { day: string; branchCode: string; materialType: string; action: CirculationAction }): Write =>
  (qc) => {
    // Each counter is split over a few rows picked at random: on PostgreSQL every desk's check-out
    // of the day would otherwise update one row, and its lock (held until commit, through the
    // commit's fsync) made all desks wait in a single line (bench/README.md, circulation). Reports
    // add the rows up, so the split is invisible outside this function.
    const key = `${c.day}|${c.branchCode}|${c.materialType}|${c.action}|${crypto.randomInt(COUNTER_SHARDS)}`;
    return qc
      .insertInto('circulation_counts')
      .values({
        key,
        day: c.day,
        branch_code: c.branchCode,
        material_type: c.materialType,
        action: c.action,
        count: 1,
      })
      .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`circulation_counts.count + 1` }));
  };

export async function incrementCount(
  db: Kysely<DB>,
  c: { day: string; branchCode: string; materialType: string; action: CirculationAction },
): Promise<void> {
  await countWrite(c)(db).execute();
}

export interface CountRow {
  day: string;
  branchCode: string;
  materialType: string;
  action: string;
  count: number;
}

export async function findCounts(db: Kysely<DB>, fromDay: string, toDay: string): Promise<CountRow[]> {
  const rows = await db
    .selectFrom('circulation_counts')
    .select(['day', 'branch_code as branchCode', 'material_type as materialType', 'action', 'count'])
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day')
    .orderBy('branch_code')
    .orderBy('material_type')
    .orderBy('action')
    .limit(50_000)
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

// ---- reading history (C3) -------------------------------------------------------------------

export const historyWrite =
  (e: { id: string; patronId: string; bibId: string; returnedOn: string }): Write =>
  (qc) =>
    qc
      .insertInto('reading_history')
      .values({ id: e.id, patron_id: e.patronId, bib_id: e.bibId, returned_on: e.returnedOn });

export async function findHistoryOfPatron(
  db: Kysely<DB>,
  patronId: string,
  limit: number,
  offset: number,
): Promise<Array<{ id: string; bibId: string; title: string; author: string | null; returnedOn: string }>> {
  return db
    .selectFrom('reading_history')
    .innerJoin('bib_records', 'bib_records.id', 'reading_history.bib_id')
    .select([
      'reading_history.id as id',
      'bib_records.id as bibId',
      'bib_records.title as title',
      'bib_records.author as author',
      'reading_history.returned_on as returnedOn',
    ])
    .where('reading_history.patron_id', '=', patronId)
    .orderBy('reading_history.returned_on', 'desc')
    .orderBy('reading_history.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countHistoryOfPatron(db: Kysely<DB>, patronId: string): Promise<number> {
  const r = await db
    .selectFrom('reading_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', patronId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function deleteHistoryEntry(db: Kysely<DB>, patronId: string, id: string): Promise<number> {
  const r = await db
    .deleteFrom('reading_history')
    .where('id', '=', id)
    .where('patron_id', '=', patronId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteHistoryOfPatron(db: Kysely<DB>, patronId: string): Promise<number> {
  const r = await db.deleteFrom('reading_history').where('patron_id', '=', patronId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function setKeepHistory(
  db: Kysely<DB>,
  patronId: string,
  keep: boolean,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable('patrons')
    .set({ keep_history: keep ? 1 : 0, updated_at: nowIso })
    .where('id', '=', patronId)
    .execute();
}

export async function insertOverride(
  db: Kysely<DB>,
  o: { id: string; staffId: string; branchCode: string; rule: string; reason: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('circulation_overrides')
    .values({
      id: o.id,
      staff_id: o.staffId,
      branch_code: o.branchCode,
      rule: o.rule,
      reason: o.reason,
      created_at: o.createdAt,
    })
    .execute();
}
