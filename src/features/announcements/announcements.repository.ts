// SQL for announcements: the drafts and their counts, and the transient recipient list that is
// filled in one statement when sending starts and emptied row by row as messages leave.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AnnouncementTable } from './announcements.table.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type AnnouncementRow = Selectable<AnnouncementTable>;

export async function insertAnnouncement(db: Db, row: AnnouncementRow): Promise<void> {
  await db.insertInto('announcements').values(row).execute();
}

export async function findAnnouncement(db: Db, id: string): Promise<AnnouncementRow | undefined> {
  return db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAnnouncements(db: Db, limit = 100): Promise<AnnouncementRow[]> {
  return db.selectFrom('announcements').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}

export async function updateAnnouncement(
  db: Db,
  id: string,
  set: Partial<Omit<AnnouncementRow, 'id'>>,
): Promise<void> {
  await db.updateTable('announcements').set(set).where('id', '=', id).execute();
}

/** Subscribers with a working address now; the announcement goes to exactly these. */
export async function countSubscribers(db: Db): Promise<number> {
  const r = await db
    .selectFrom('patrons')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('announcements_consent_at', 'is not', null)
    .where('email', 'is not', null)
    .where('email_undeliverable_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Lists every current subscriber as a recipient of the announcement, in one statement. */
export async function insertRecipients(db: Db, announcementId: string, nowIso: string): Promise<number> {
  const res = await db
    .insertInto('announcement_recipients')
    .columns(['id', 'announcement_id', 'patron_id', 'created_at'])
    .expression(
      db
        .selectFrom('patrons')
        .select([
          // The row id is the pair itself: unique, and the same if the statement were repeated.
          sql<string>`${announcementId} || ':' || patrons.id`.as('id'),
          sql<string>`${announcementId}`.as('announcement_id'),
          'patrons.id as patron_id',
          sql<string>`${nowIso}`.as('created_at'),
        ])
        .where('announcements_consent_at', 'is not', null)
        .where('email', 'is not', null)
        .where('email_undeliverable_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

export interface PendingRecipient {
  id: string;
  patron_id: string;
  /** Null when the patron unsubscribed, lost their address or was deleted since sending began. */
  email: string | null;
}

export async function findPendingRecipients(
  db: Db,
  announcementId: string,
  limit: number,
): Promise<PendingRecipient[]> {
  return db
    .selectFrom('announcement_recipients as r')
    .leftJoin('patrons as p', (j) =>
      j
        .onRef('p.id', '=', 'r.patron_id')
        .on('p.announcements_consent_at', 'is not', null)
        .on('p.email_undeliverable_at', 'is', null),
    )
    .select(['r.id', 'r.patron_id', 'p.email'])
    .where('r.announcement_id', '=', announcementId)
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

/** Deletes one recipient row and counts the outcome; false when another run already did. */
export async function completeRecipient(
  db: Db,
  announcementId: string,
  recipientId: string,
  outcome: 'sent' | 'failed' | 'skipped',
): Promise<boolean> {
  const res = await db.deleteFrom('announcement_recipients').where('id', '=', recipientId).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) return false;
  if (outcome !== 'skipped')
    await db
      .updateTable('announcements')
      .set(outcome === 'sent' ? { sent: sql`sent + 1` } : { failed: sql`failed + 1` })
      .where('id', '=', announcementId)
      .execute();
  return true;
}

export async function deleteRecipients(db: Db, announcementId: string): Promise<void> {
  await db.deleteFrom('announcement_recipients').where('announcement_id', '=', announcementId).execute();
}

/** Withdraws a patron's consent to announcements (N1); false when there was none. */
export async function unsubscribe(db: Db, patronId: string, nowIso: string): Promise<boolean> {
  const res = await db
    .updateTable('patrons')
    .set({ announcements_consent_at: null, updated_at: nowIso })
    .where('id', '=', patronId)
    .where('announcements_consent_at', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
