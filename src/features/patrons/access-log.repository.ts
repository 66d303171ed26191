// SQL for the staff access log (A6): writing an entry, and reading the log a page at a time.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Write } from '../../db/writes.ts';
import { newId } from '../../ids.ts';
import type { AccessLogEntry, AccessLogFilter, LoggedPurpose } from './access-log.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The entry as a Write, for a service that sends it with its other writes (db/writes.ts). */
export const patronAccessWrite =
  (entry: { staffId: string; patronId: string; purpose: LoggedPurpose; at: string }): Write =>
  (qc) =>
    qc.insertInto('patron_access_log').values({
      id: newId(),
      staff_id: entry.staffId,
      patron_id: entry.patronId,
      viewed_at: entry.at,
      purpose: entry.purpose,
    });

export async function logPatronAccess(
  db: Db,
  entry: { staffId: string; patronId: string; purpose: LoggedPurpose; at: string },
): Promise<void> {
  await patronAccessWrite(entry)(db).execute();
}

/** One page of the access log, newest first; fetches one extra row to tell whether more follow. */
export async function findAccessLog(
  db: Db,
  filter: AccessLogFilter,
  page: { limit: number; offset: number },
): Promise<{ entries: AccessLogEntry[]; hasMore: boolean }> {
  let q = db
    .selectFrom('patron_access_log as l')
    .leftJoin('staff as s', 's.id', 'l.staff_id')
    .leftJoin('patrons as p', 'p.id', 'l.patron_id')
    .select([
      'l.id',
      'l.viewed_at',
      'l.purpose',
      'l.staff_id',
      'l.patron_id',
      's.display_name',
      's.username',
      'p.card_number',
    ]);
  if (filter.patronId) q = q.where('l.patron_id', '=', filter.patronId);
  if (filter.staffId) q = q.where('l.staff_id', '=', filter.staffId);
  if (filter.fromIso) q = q.where('l.viewed_at', '>=', filter.fromIso);
  if (filter.toIso) q = q.where('l.viewed_at', '<', filter.toIso);
  const rows = await q
    .orderBy('l.viewed_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  return {
    hasMore: rows.length > page.limit,
    entries: rows.slice(0, page.limit).map((r) => ({
      id: r.id,
      viewedAt: r.viewed_at,
      purpose: r.purpose,
      staffId: r.staff_id,
      staffName: r.display_name,
      staffUsername: r.username,
      patronId: r.patron_id,
      cardNumber: r.card_number,
    })),
  };
}
