// SQL for public computers: groups, stations, the day's key, usage per card key, live sessions and
// the narrow card look-up the login needs (pcs-queue.repository.ts has the rest).
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { NO_PERSONAL_OVERWRITE } from '../../db/wal-scrub.ts';
import type { PcGroupTable, PcSessionTable, PcStationTable } from './pcs.table.ts';

export type Db = Kysely<DB> | Transaction<DB>;
export type PcGroupRow = Selectable<PcGroupTable>;
export type PcStationRow = Selectable<PcStationTable>;
export type PcSessionRow = Selectable<PcSessionTable>;

const LIST_LIMIT = 1000;

/** What a login needs of a patron, and nothing more: no id, no name (P1). */
export interface PcsCard {
  card_number: string;
  pin_hash: string;
  age_band: string | null;
  card_expires_at: string;
  block_reason: string | null;
}

export function findCardForPcs(db: Db, cardNumber: string): Promise<PcsCard | undefined> {
  return db
    .selectFrom('patrons')
    .select(['card_number', 'pin_hash', 'age_band', 'card_expires_at', 'block_reason'])
    .where('card_number', '=', cardNumber)
    .executeTakeFirst();
}

export async function insertGroup(db: Db, row: Omit<PcGroupRow, never>): Promise<void> {
  await db.insertInto('pc_groups').values(row).execute();
}

export function findGroup(db: Db, id: string): Promise<PcGroupRow | undefined> {
  return db.selectFrom('pc_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findGroupByName(db: Db, branch: string, name: string): Promise<PcGroupRow | undefined> {
  return db
    .selectFrom('pc_groups')
    .selectAll()
    .where('branch', '=', branch)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function updateGroup(db: Db, id: string, patch: Updateable<PcGroupTable>): Promise<void> {
  await db.updateTable('pc_groups').set(patch).where('id', '=', id).execute();
}

export function findGroups(db: Db, branch: string): Promise<PcGroupRow[]> {
  return db
    .selectFrom('pc_groups')
    .selectAll()
    .where('branch', '=', branch)
    .orderBy('name')
    .limit(LIST_LIMIT)
    .execute();
}

export async function insertStation(db: Db, row: Omit<PcStationRow, 'is_kicked'>): Promise<void> {
  await db.insertInto('pc_stations').values(row).execute();
}

export function findStation(db: Db, id: string): Promise<PcStationRow | undefined> {
  return db.selectFrom('pc_stations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findStationByName(db: Db, branch: string, name: string): Promise<PcStationRow | undefined> {
  return db
    .selectFrom('pc_stations')
    .selectAll()
    .where('branch', '=', branch)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** The computers of that name at any branch (a name is unique within a branch only). */
export function findStationsNamed(db: Db, name: string): Promise<PcStationRow[]> {
  return db
    .selectFrom('pc_stations')
    .selectAll()
    .where('name', '=', name)
    .orderBy('branch')
    .limit(LIST_LIMIT)
    .execute();
}

export function findStations(db: Db, branch: string): Promise<PcStationRow[]> {
  return db
    .selectFrom('pc_stations')
    .selectAll()
    .where('branch', '=', branch)
    .orderBy('name')
    .limit(LIST_LIMIT)
    .execute();
}

/**
 * Approved, working, reservable stations of a group, heard from at or after `seenSince` (ISO), that
 * nobody uses and no ticket holds.
 */
export function findFreeStations(db: Db, groupId: string, seenSince: string): Promise<PcStationRow[]> {
  return db
    .selectFrom('pc_stations')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('last_seen_at', '>=', seenSince)
    .where('is_approved', '=', 1)
    .where('is_out_of_order', '=', 0)
    .where('is_reservable', '=', 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('pc_sessions')
            .select(sql`1`.as('x'))
            .whereRef('pc_sessions.station_id', '=', 'pc_stations.id'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('pc_waitlist')
            .select(sql`1`.as('x'))
            .whereRef('pc_waitlist.called_station_id', '=', 'pc_stations.id'),
        ),
      ),
    )
    .orderBy('name')
    .limit(LIST_LIMIT)
    .execute();
}

export async function updateStation(db: Db, id: string, patch: Updateable<PcStationTable>): Promise<void> {
  await db.updateTable('pc_stations').set(patch).where('id', '=', id).execute();
}

/**
 * Records when a computer last contacted Carrel. Not personal (the inventory says so), so it asks
 * for no WAL scrub: kiosks call every 10 s (NO_PERSONAL_OVERWRITE).
 */
export async function touchStation(db: Db, id: string, at: string): Promise<void> {
  await touchStationQuery(db, id, at).execute();
}

/** touchStation's statement, for its test. */
export const touchStationQuery = (db: Db, id: string, at: string) =>
  db
    .updateTable('pc_stations')
    .set({ last_seen_at: at })
    .where('id', '=', id)
    .modifyEnd(sql.raw(NO_PERSONAL_OVERWRITE));

/** Deletes a computer (its sessions and holds must be gone first). */
export async function deleteStation(db: Db, id: string): Promise<number> {
  const r = await db.deleteFrom('pc_stations').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The day's key, created once; several processes agree through the primary key. */
export async function findOrCreateDayKey(
  db: Db,
  day: string,
  candidate: string,
  nowIso: string,
): Promise<string> {
  await db
    .insertInto('pc_day_keys')
    .values({ day, key: candidate, created_at: nowIso })
    .onConflict((oc) => oc.column('day').doNothing())
    .execute();
  const row = await db
    .selectFrom('pc_day_keys')
    .select('key')
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  return row.key;
}

export async function findDayKey(db: Db, day: string): Promise<string | undefined> {
  const row = await db.selectFrom('pc_day_keys').select('key').where('day', '=', day).executeTakeFirst();
  return row?.key;
}

export async function findUsageMinutes(db: Db, day: string, cardKey: string): Promise<number> {
  const row = await db
    .selectFrom('pc_usage')
    .select('minutes')
    .where('key', '=', `${day}|${cardKey}`)
    .executeTakeFirst();
  return Number(row?.minutes ?? 0);
}

export async function addUsageMinutes(db: Db, day: string, cardKey: string, minutes: number): Promise<void> {
  await db
    .insertInto('pc_usage')
    .values({ key: `${day}|${cardKey}`, day, card_key: cardKey, minutes })
    .onConflict((oc) => oc.column('key').doUpdateSet({ minutes: sql`pc_usage.minutes + excluded.minutes` }))
    .execute();
}

export async function insertSession(
  db: Db,
  row: Omit<PcSessionRow, 'staff_minutes' | 'closing_warnings'>,
): Promise<void> {
  await db.insertInto('pc_sessions').values(row).execute();
}

export function findSession(db: Db, id: string): Promise<PcSessionRow | undefined> {
  return db.selectFrom('pc_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSessionByStation(db: Db, stationId: string): Promise<PcSessionRow | undefined> {
  return db.selectFrom('pc_sessions').selectAll().where('station_id', '=', stationId).executeTakeFirst();
}

export function findSessionByToken(db: Db, tokenHash: string): Promise<PcSessionRow | undefined> {
  return db.selectFrom('pc_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function findSessionByCardKey(db: Db, cardKey: string): Promise<PcSessionRow | undefined> {
  return db.selectFrom('pc_sessions').selectAll().where('card_key', '=', cardKey).executeTakeFirst();
}

/** Sessions in started order, for the periodic check of expiry. */
export function findSessions(db: Db, limit = LIST_LIMIT): Promise<PcSessionRow[]> {
  return db.selectFrom('pc_sessions').selectAll().orderBy('started_at').limit(limit).execute();
}

export async function updateSession(db: Db, id: string, patch: Updateable<PcSessionTable>): Promise<void> {
  await db.updateTable('pc_sessions').set(patch).where('id', '=', id).execute();
}

/** Clears a delivered message only if it is still the same one, so a newer message is not lost. */
export async function clearSessionMessage(db: Db, id: string, message: string): Promise<number> {
  const r = await db
    .updateTable('pc_sessions')
    .set({ message: null })
    .where('id', '=', id)
    .where('message', '=', message)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteSession(db: Db, id: string): Promise<number> {
  const r = await db.deleteFrom('pc_sessions').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** At rollover: sessions still running lose the day's card key (they keep their time). */
export async function forgetSessionCardKeys(db: Db, day: string): Promise<void> {
  await db.updateTable('pc_sessions').set({ card_key: null }).where('day', '<=', day).execute();
}

/** Marks a closing warning shown, only once: true for the one caller that moved it forward. */
export async function markClosingWarning(db: Db, id: string, level: number): Promise<boolean> {
  const r = await db
    .updateTable('pc_sessions')
    .set({ closing_warnings: level })
    .where('id', '=', id)
    .where('closing_warnings', '<', level)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Clears a station's "Kicked" mark once the client has been told; true for the one that cleared it. */
export async function clearKicked(db: Db, stationId: string): Promise<boolean> {
  const r = await db
    .updateTable('pc_stations')
    .set({ is_kicked: 0 })
    .where('id', '=', stationId)
    .where('is_kicked', '=', 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
