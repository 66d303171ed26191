// SQL for the SIP2 server (issue 14 item 8): its accounts, and the one item read of 17 Item
// Information. Loans, holds and patrons are read through the circulation and patrons repositories.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Sip2AccountTable } from './sip2.table.ts';

export type Sip2AccountRow = Selectable<Sip2AccountTable>;

export async function insertSip2Account(db: Kysely<DB>, row: Insertable<Sip2AccountTable>): Promise<void> {
  await db.insertInto('sip2_accounts').values(row).execute();
}

export async function findSip2AccountByLogin(
  db: Kysely<DB>,
  login: string,
): Promise<Sip2AccountRow | undefined> {
  return db.selectFrom('sip2_accounts').selectAll().where('login', '=', login).executeTakeFirst();
}

export async function listSip2Accounts(db: Kysely<DB>): Promise<Sip2AccountRow[]> {
  return db.selectFrom('sip2_accounts').selectAll().orderBy('login').execute();
}

/** Disables an account; false when there is none by that login. */
export async function disableSip2Account(db: Kysely<DB>, login: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('sip2_accounts')
    .set({ is_disabled: 1, updated_at: at })
    .where('login', '=', login)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A copy by barcode with its title and, when on loan, its due date (never who has it). */
export async function findItemInfo(db: Kysely<DB>, barcode: string) {
  return db
    .selectFrom('items')
    .innerJoin('bib_records', 'bib_records.id', 'items.bib_id')
    .leftJoin('loans', 'loans.item_id', 'items.id')
    .select([
      'items.barcode as barcode',
      'items.status as status',
      'items.branch_code as branch',
      'items.material_type as materialType',
      'bib_records.title as title',
      'loans.due_at as dueAt',
    ])
    .where('items.barcode', '=', barcode)
    .executeTakeFirst();
}
