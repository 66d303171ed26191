// SQL for the case pages (issue 15 item 1; L1): the case list and the names of the staff members
// a case log names. Read-only; the case file itself is read in legal.repository.ts.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The newest cases first; a page size, the list says when more exist. */
export function findCaseList(db: Db, limit: number) {
  return db
    .selectFrom('legal_cases')
    .select(['id', 'opened_at', 'instrument', 'state', 'closed_at'])
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** User names of the staff members with these ids (ids of deleted accounts are left out). */
export async function findUsernames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'username']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.username]));
}
