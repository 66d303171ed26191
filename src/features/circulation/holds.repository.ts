// SQL for holds: the queue, the hold shelf and its pull list, and the record and copy lookups that
// placing a hold needs. Services own the transactions; a hold row is deleted when it ends (C4).
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { DialectOps } from '../../db/dialects.ts';
import type { DB } from '../../db/schema.ts';
import type { Write } from '../../db/writes.ts';
import type { ItemTable } from '../catalog/catalog.table.ts';
import type { HoldTable } from './circulation.table.ts';

export type HoldRow = Selectable<HoldTable>;
type ItemRow = Selectable<ItemTable>;

export async function insertHold(db: Kysely<DB>, hold: HoldRow): Promise<void> {
  await db.insertInto('holds').values(hold).execute();
}

export async function findHoldForUpdate(
  db: Kysely<DB>,
  ops: DialectOps,
  id: string,
): Promise<HoldRow | undefined> {
  const res = await sql<HoldRow>`SELECT * FROM holds WHERE id = ${id} ${ops.forUpdate()}`.execute(db);
  return res.rows[0];
}

export async function findHoldByTrappedItem(db: Kysely<DB>, itemId: string): Promise<HoldRow | undefined> {
  return db.selectFrom('holds').selectAll().where('trapped_item_id', '=', itemId).executeTakeFirst();
}

export async function countHoldsOfPatron(db: Kysely<DB>, patronId: string): Promise<number> {
  const r = await db
    .selectFrom('holds')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', patronId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function patronHasHoldOnRecord(
  db: Kysely<DB>,
  patronId: string,
  bibId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('holds')
    .select('id')
    .where('patron_id', '=', patronId)
    .where('bib_id', '=', bibId)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * The hold a copy should fill, oldest first (first come, first served), or — at a local-first
 * branch — holds for pickup at that branch before the others. Suspended holds whose pause has
 * ended count as waiting. Locked so two check-ins cannot trap the same hold.
 */
/** The next hold a copy may fill: first come, or the branch's own patrons first when it says so. */
export function nextHoldQuery(
  ops: DialectOps,
  item: { id: unknown; bib_id: unknown },
  opts: { nowIso: string; localBranch: string | null },
): RawBuilder<HoldRow> {
  const localFirst = opts.localBranch
    ? sql`CASE WHEN pickup_branch = ${opts.localBranch} THEN 0 ELSE 1 END,`
    : sql``;
  return sql<HoldRow>`
    SELECT * FROM holds
    WHERE bib_id = ${item.bib_id}
      AND (item_id IS NULL OR item_id = ${item.id})
      AND trapped_item_id IS NULL
      AND (status = 'waiting'
           OR (status = 'suspended' AND suspended_until IS NOT NULL AND suspended_until <= ${opts.nowIso}))
    ORDER BY ${localFirst} placed_at, id
    LIMIT 1 ${ops.forUpdate()}`;
}

export async function findNextHoldForItem(
  db: Kysely<DB>,
  ops: DialectOps,
  item: { id: string; bib_id: string },
  opts: { nowIso: string; localBranch: string | null },
): Promise<HoldRow | undefined> {
  const res = await nextHoldQuery(ops, item, opts).execute(db);
  return res.rows[0];
}

export async function updateHold(
  db: Kysely<DB>,
  id: string,
  set: Partial<Omit<HoldRow, 'id' | 'patron_id' | 'bib_id' | 'placed_at'>>,
): Promise<void> {
  await db.updateTable('holds').set(set).where('id', '=', id).execute();
}

export const deleteHoldWrite =
  (id: string): Write =>
  (qc) =>
    qc.deleteFrom('holds').where('id', '=', id);

export async function deleteHold(db: Kysely<DB>, id: string): Promise<void> {
  await deleteHoldWrite(id)(db).execute();
}

export interface HoldListing {
  id: string;
  bibId: string;
  title: string;
  author: string | null;
  format: string;
  itemBarcode: string | null;
  pickupBranch: string;
  placedAt: string;
  status: HoldRow['status'];
  suspendedUntil: string | null;
  shelfExpiresAt: string | null;
  pickupCode: string | null;
  /** 1 = next in line among holds not yet filled; null once a copy is caught. */
  position: number | null;
}

export async function findHoldsOfPatron(db: Kysely<DB>, patronId: string): Promise<HoldListing[]> {
  const res = await sql<HoldListing>`
    SELECT h.id AS "id", h.bib_id AS "bibId", b.title AS "title", b.author AS "author", b.format AS "format",
           i.barcode AS "itemBarcode", h.pickup_branch AS "pickupBranch", h.placed_at AS "placedAt",
           h.status AS "status", h.suspended_until AS "suspendedUntil",
           h.shelf_expires_at AS "shelfExpiresAt", h.pickup_code AS "pickupCode",
           CASE WHEN h.trapped_item_id IS NULL THEN
             (SELECT COUNT(*) FROM holds o
              WHERE o.bib_id = h.bib_id AND o.trapped_item_id IS NULL
                AND (o.placed_at < h.placed_at OR (o.placed_at = h.placed_at AND o.id < h.id))) + 1
           END AS "position"
    FROM holds h
    JOIN bib_records b ON b.id = h.bib_id
    LEFT JOIN items i ON i.id = h.item_id
    WHERE h.patron_id = ${patronId}
    ORDER BY h.placed_at
    LIMIT 1000`.execute(db);
  return res.rows.map((r) => ({ ...r, position: r.position === null ? null : Number(r.position) }));
}

/** Hold-shelf list for a branch: pickup code, title and expiry — never a name (C4). */
export async function findHoldShelf(
  db: Kysely<DB>,
  branch: string,
): Promise<
  Array<{
    pickupCode: string;
    title: string;
    barcode: string;
    callNumber: string | null;
    shelfExpiresAt: string;
  }>
> {
  const res = await sql<{
    pickupCode: string;
    title: string;
    barcode: string;
    callNumber: string | null;
    shelfExpiresAt: string;
  }>`
    SELECT h.pickup_code AS "pickupCode", b.title AS "title", i.barcode AS "barcode",
           i.call_number AS "callNumber", h.shelf_expires_at AS "shelfExpiresAt"
    FROM holds h
    JOIN items i ON i.id = h.trapped_item_id
    JOIN bib_records b ON b.id = h.bib_id
    WHERE h.status = 'ready' AND h.pickup_branch = ${branch}
    ORDER BY h.pickup_code
    LIMIT 2000`.execute(db);
  return res.rows;
}

/** Copies on a branch's hold shelf whose hold ended (cancelled or expired): to be checked in again. */
export async function findShelfItemsToClear(
  db: Kysely<DB>,
  branch: string,
): Promise<Array<{ barcode: string; title: string; callNumber: string | null }>> {
  const res = await sql<{ barcode: string; title: string; callNumber: string | null }>`
    SELECT i.barcode AS "barcode", b.title AS "title", i.call_number AS "callNumber"
    FROM items i JOIN bib_records b ON b.id = i.bib_id
    WHERE i.status = 'on_hold_shelf'
      AND COALESCE(i.transit_to, i.branch_code) = ${branch}
      AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.trapped_item_id = i.id)
    ORDER BY i.barcode
    LIMIT 2000`.execute(db);
  return res.rows;
}

/**
 * Pull list: waiting holds that an available copy on this branch's shelves could fill. Shows the
 * copy to fetch, never who asked.
 */
export async function findPullList(
  db: Kysely<DB>,
  branch: string,
  nowIso: string,
): Promise<Array<{ barcode: string; title: string; callNumber: string | null; location: string | null }>> {
  const res = await sql<{
    barcode: string;
    title: string;
    callNumber: string | null;
    location: string | null;
  }>`
    SELECT DISTINCT i.barcode AS "barcode", b.title AS "title", i.call_number AS "callNumber",
           i.location AS "location"
    FROM holds h
    JOIN bib_records b ON b.id = h.bib_id
    JOIN items i ON i.bib_id = h.bib_id AND (h.item_id IS NULL OR h.item_id = i.id)
    WHERE i.status = 'available' AND i.branch_code = ${branch}
      AND h.trapped_item_id IS NULL
      AND (h.status = 'waiting'
           OR (h.status = 'suspended' AND h.suspended_until IS NOT NULL AND h.suspended_until <= ${nowIso}))
    ORDER BY i.call_number, i.barcode
    LIMIT 2000`.execute(db);
  return res.rows;
}

export async function findExpiredShelfHolds(
  db: Kysely<DB>,
  nowIso: string,
  limit: number,
): Promise<HoldRow[]> {
  return db
    .selectFrom('holds')
    .selectAll()
    .where('status', '=', 'ready')
    .where('shelf_expires_at', '<=', nowIso)
    .orderBy('shelf_expires_at')
    .limit(limit)
    .execute();
}

export async function pickupCodeInUse(db: Kysely<DB>, code: string): Promise<boolean> {
  const r = await db.selectFrom('holds').select('id').where('pickup_code', '=', code).executeTakeFirst();
  return r !== undefined;
}
// ---- records and copies, as holds and the desk need them ---------------------------------------

export async function findItemByBarcode(
  db: Kysely<DB>,
  barcode: string,
): Promise<Pick<ItemRow, 'id' | 'bib_id'> | undefined> {
  return db.selectFrom('items').select(['id', 'bib_id']).where('barcode', '=', barcode).executeTakeFirst();
}

export async function findRecordFormat(
  db: Kysely<DB>,
  id: string,
): Promise<{ id: string; format: string } | undefined> {
  return db.selectFrom('bib_records').select(['id', 'format']).where('id', '=', id).executeTakeFirst();
}

export async function findRecordSummary(
  db: Kysely<DB>,
  id: string,
): Promise<{ id: string; title: string; author: string | null } | undefined> {
  return db
    .selectFrom('bib_records')
    .select(['id', 'title', 'author'])
    .where('id', '=', id)
    .executeTakeFirst();
}
