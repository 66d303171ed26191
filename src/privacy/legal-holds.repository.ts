// SQL for legal holds. The law-enforcement feature (cases, preservation requests) will create and
// release holds through a service; the purge engine reads them through heldPredicate() in purge.repository.ts.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { newId } from '../ids.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface NewLegalHold {
  caseRef: string;
  reason: string;
  subject?: { kind: 'patron' | 'staff'; id: string };
  tableName?: string;
  fromAt?: string;
  toAt?: string;
  createdBy?: string;
  createdAt: string;
  expiresAt?: string;
}

export async function insertLegalHold(db: Db, h: NewLegalHold): Promise<string> {
  const id = newId();
  await db
    .insertInto('legal_holds')
    .values({
      id,
      case_ref: h.caseRef,
      reason: h.reason,
      subject_kind: h.subject?.kind ?? null,
      subject_id: h.subject?.id ?? null,
      table_name: h.tableName ?? null,
      from_at: h.fromAt ?? null,
      to_at: h.toAt ?? null,
      created_by: h.createdBy ?? null,
      created_at: h.createdAt,
      expires_at: h.expiresAt ?? null,
      released_at: null,
    })
    .execute();
  return id;
}

export async function releaseLegalHold(db: Db, id: string, releasedAt: string): Promise<void> {
  await db.updateTable('legal_holds').set({ released_at: releasedAt }).where('id', '=', id).execute();
}

export async function countActiveLegalHolds(db: Db, nowIso: string): Promise<number> {
  const row = await db
    .selectFrom('legal_holds')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('released_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
