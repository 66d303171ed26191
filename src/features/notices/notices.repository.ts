// SQL for service notices: who may be e-mailed, the titles a notice may name, and the loans a
// due-soon or overdue notice has not yet gone out for.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface NoticeRecipient {
  id: string;
  email: string | null;
  notice_email: number;
  notice_titles: number;
  email_undeliverable_at: string | null;
}

export async function findNoticeRecipient(
  db: Kysely<DB>,
  patronId: string,
): Promise<NoticeRecipient | undefined> {
  return db
    .selectFrom('patrons')
    .select(['id', 'email', 'notice_email', 'notice_titles', 'email_undeliverable_at'])
    .where('id', '=', patronId)
    .executeTakeFirst();
}

export async function findTitle(db: Kysely<DB>, bibId: string): Promise<string | undefined> {
  const r = await db.selectFrom('bib_records').select('title').where('id', '=', bibId).executeTakeFirst();
  return r?.title;
}

export interface DueLoan {
  id: string;
  patron_id: string;
  due_at: string;
  title: string;
}

/**
 * Loans due before `untilIso` whose notice of this kind has not gone out, oldest due first.
 * `afterIso` keeps due-soon notices to loans not yet overdue.
 */
export async function findLoansToNotify(
  db: Kysely<DB>,
  kind: 'due-soon' | 'overdue',
  afterIso: string | null,
  untilIso: string,
  limit: number,
): Promise<DueLoan[]> {
  const marker = kind === 'due-soon' ? 'loans.due_soon_notice_at' : 'loans.overdue_notice_at';
  let q = db
    .selectFrom('loans')
    .innerJoin('items', 'items.id', 'loans.item_id')
    .innerJoin('bib_records', 'bib_records.id', 'items.bib_id')
    .select(['loans.id', 'loans.patron_id', 'loans.due_at', 'bib_records.title'])
    .where(marker, 'is', null)
    .where('loans.due_at', '<', untilIso);
  if (afterIso) q = q.where('loans.due_at', '>=', afterIso);
  return q.orderBy('loans.due_at').orderBy('loans.id').limit(limit).execute();
}

export async function markLoansNotified(
  db: Kysely<DB>,
  kind: 'due-soon' | 'overdue',
  loanIds: string[],
  nowIso: string,
): Promise<void> {
  if (!loanIds.length) return;
  await db
    .updateTable('loans')
    .set(kind === 'due-soon' ? { due_soon_notice_at: nowIso } : { overdue_notice_at: nowIso })
    .where('id', 'in', loanIds)
    .execute();
}
