// SQL for case files (issue 15; L1, L6). The case log is append-only: this file offers no UPDATE
// or DELETE of events. (The one sanctioned rewrite, re-encryption under a new key after the chain
// was verified, is in legal-rekey.repository.ts; retention deletes closed cases with their events.)
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DialectOps } from '../../db/dialects.ts';
import type { DB } from '../../db/schema.ts';
import type { LegalCaseAttachmentTable, LegalCaseEventTable, LegalCaseTable } from './legal.table.ts';

export type Db = Kysely<DB> | Transaction<DB>;
export type LegalCaseRow = Selectable<LegalCaseTable>;
export type LegalCaseEventRow = Selectable<LegalCaseEventTable>;
export type LegalCaseAttachmentRow = Selectable<LegalCaseAttachmentTable>;

/** More events than one case can sensibly have; a guard, not a page size. */
const EVENTS_LIMIT = 100_000;
const ATTACHMENTS_LIMIT = 1000;

export async function insertCase(db: Db, row: Insertable<LegalCaseTable>): Promise<void> {
  await db.insertInto('legal_cases').values(row).execute();
}

export function findCase(db: Db, id: string): Promise<LegalCaseRow | undefined> {
  return db.selectFrom('legal_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Case ids after `afterId` in id order, `limit` at a time (for walking every case). */
export async function findCaseIdsAfter(db: Db, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('legal_cases')
    .select('id')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The case, its row locked until the transaction ends (one move at a time per case). */
export function lockCase(db: Db, ops: DialectOps, id: string): Promise<LegalCaseRow | undefined> {
  return db
    .selectFrom('legal_cases')
    .selectAll()
    .where('id', '=', id)
    .modifyEnd(ops.forUpdate())
    .executeTakeFirst();
}

/** Stores the state machine's decisions (ciphertext) and the instrument after a move. */
export async function updateCaseDecisions(
  db: Db,
  id: string,
  set: { decisions: Buffer; instrument: string },
): Promise<void> {
  await db.updateTable('legal_cases').set(set).where('id', '=', id).execute();
}

/**
 * Moves the case's head after an appended event: its state, last hash and, when given, its
 * closing time.
 */
export async function updateCaseHead(
  db: Db,
  id: string,
  head: { state: string; last_hash: string; closed_at?: string | null },
): Promise<void> {
  await db.updateTable('legal_cases').set(head).where('id', '=', id).execute();
}

export async function insertEvent(db: Db, row: Insertable<LegalCaseEventTable>): Promise<void> {
  await db.insertInto('legal_case_events').values(row).execute();
}

/** A case's events in sequence order. */
export function findEvents(db: Db, caseId: string): Promise<LegalCaseEventRow[]> {
  return db
    .selectFrom('legal_case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .limit(EVENTS_LIMIT)
    .execute();
}

export async function insertAttachment(db: Db, row: Insertable<LegalCaseAttachmentTable>): Promise<void> {
  await db.insertInto('legal_case_attachments').values(row).execute();
}

export function findAttachments(db: Db, caseId: string): Promise<LegalCaseAttachmentRow[]> {
  return db
    .selectFrom('legal_case_attachments')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .limit(ATTACHMENTS_LIMIT)
    .execute();
}

/** The case's last event, or undefined when it has none. */
export function findLastEvent(db: Db, caseId: string): Promise<LegalCaseEventRow | undefined> {
  return db
    .selectFrom('legal_case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}
