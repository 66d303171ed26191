// SQL for patron accounts. Services own the transactions; this module owns the queries.
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PatronTable } from './patrons.table.ts';

export type PatronRow = Selectable<PatronTable>;

export async function findPatronById(db: Kysely<DB>, id: string): Promise<PatronRow | undefined> {
  return db.selectFrom('patrons').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPatronByCard(db: Kysely<DB>, cardNumber: string): Promise<PatronRow | undefined> {
  return db.selectFrom('patrons').selectAll().where('card_number', '=', cardNumber).executeTakeFirst();
}
