// SQL for outgoing e-mail: the outbox, the daily counts and the development mailbox.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DevMailboxTable, OutboxTable } from './mail.table.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type OutboxRow = Selectable<OutboxTable>;
export type DevMailboxRow = Selectable<DevMailboxTable>;
export type MailOutcome = 'delivered' | 'dev-mailbox' | 'rejected' | 'failed' | 'bounced';

export async function insertOutbox(db: Db, row: OutboxRow): Promise<void> {
  await db.insertInto('outbox').values(row).execute();
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Empties a message once it has left (or will never leave): recipient, subject and bodies are
 * gone at once (N3); the bare row remains for its age rule. Returns false when another run already did.
 */
export async function emptyOutbox(db: Db, id: string, sentAt: string | null): Promise<boolean> {
  const res = await db
    .updateTable('outbox')
    .set({
      recipient: null,
      subject: null,
      text_body: null,
      html_body: null,
      patron_id: null,
      reply_to: null,
      headers: null,
      sent_at: sentAt,
    })
    .where('id', '=', id)
    .where('recipient', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Adds one to the count of messages of a kind with an outcome on a day (N3). */
export async function countMail(db: Db, day: string, kind: string, outcome: MailOutcome): Promise<void> {
  await db
    .insertInto('mail_counts')
    .values({ key: `${day}|${kind}|${outcome}`, day, kind, outcome, count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`mail_counts.count + 1` }))
    .execute();
}

/** Marks a patron's current address as refused (a delivery report named them); false if already flagged. */
export async function flagUndeliverableNow(db: Db, patronId: string, nowIso: string): Promise<boolean> {
  const res = await db
    .updateTable('patrons')
    .set({ email_undeliverable_at: nowIso })
    .where('id', '=', patronId)
    .where('email', 'is not', null)
    .where('email_undeliverable_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Marks a patron's address as refused, if it is still the address the message went to. */
export async function flagUndeliverable(
  db: Db,
  patronId: string,
  address: string,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable('patrons')
    .set({ email_undeliverable_at: nowIso })
    .where('id', '=', patronId)
    .where('email', '=', address)
    .execute();
}

export interface MailCount {
  day: string;
  kind: string;
  outcome: string;
  count: number;
}

/** Daily counts between two days (inclusive), newest first; at most `limit` rows. */
export async function findMailCounts(
  db: Db,
  fromDay: string,
  toDay: string,
  limit = 2000,
): Promise<MailCount[]> {
  const rows = await db
    .selectFrom('mail_counts')
    .select(['day', 'kind', 'outcome', 'count'])
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day', 'desc')
    .orderBy('kind')
    .orderBy('outcome')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Messages still waiting for the relay (not yet emptied). */
export async function countOutboxWaiting(db: Db): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertDevMail(db: Db, row: DevMailboxRow): Promise<void> {
  await db.insertInto('dev_mailbox').values(row).execute();
}

export async function findDevMailList(
  db: Db,
  limit = 100,
): Promise<Array<Pick<DevMailboxRow, 'id' | 'kind' | 'recipient' | 'subject' | 'created_at'>>> {
  return db
    .selectFrom('dev_mailbox')
    .select(['id', 'kind', 'recipient', 'subject', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findDevMail(db: Db, id: string): Promise<DevMailboxRow | undefined> {
  return db.selectFrom('dev_mailbox').selectAll().where('id', '=', id).executeTakeFirst();
}
