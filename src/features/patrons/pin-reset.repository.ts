// SQL for PIN reset links: only the SHA-256 of a link's secret is stored.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PinResetTokenTable } from './patrons.table.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type PinResetTokenRow = Selectable<PinResetTokenTable>;

export async function insertPinResetToken(db: Db, row: PinResetTokenRow): Promise<void> {
  await db.insertInto('pin_reset_tokens').values(row).execute();
}

export async function findPinResetToken(db: Db, id: string): Promise<PinResetTokenRow | undefined> {
  return db.selectFrom('pin_reset_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes one link; false when it was already gone (used by a concurrent request). */
export async function deletePinResetToken(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('pin_reset_tokens').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function deletePinResetTokensOf(db: Db, patronId: string): Promise<void> {
  await db.deleteFrom('pin_reset_tokens').where('patron_id', '=', patronId).execute();
}
