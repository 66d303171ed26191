// SQL for the waiting list, guest passes, wait times, the aggregates (pc_stats, pc_refusals) and
// the rollover's deletions.
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Db } from './pcs.repository.ts';
import type { PcPassTable, PcStatsTable, PcWaitlistTable } from './pcs.table.ts';

export type PcTicketRow = Selectable<PcWaitlistTable>;
export type PcPassRow = Selectable<PcPassTable>;

const LIST_LIMIT = 1000;

/** The next ticket number of a branch today (1, 2, …), counted in the database. */
export async function nextTicketNumber(db: Db, day: string, branch: string): Promise<number> {
  const key = `${day}|${branch}`;
  await db
    .insertInto('pc_ticket_counters')
    .values({ key, day, branch, last_number: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ last_number: sql`pc_ticket_counters.last_number + 1` }),
    )
    .execute();
  const row = await db
    .selectFrom('pc_ticket_counters')
    .select('last_number')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}

export async function insertTicket(
  db: Db,
  row: Omit<PcTicketRow, 'is_released' | 'is_claimed'>,
): Promise<void> {
  await db.insertInto('pc_waitlist').values(row).execute();
}

export function findTicket(db: Db, id: string): Promise<PcTicketRow | undefined> {
  return db.selectFrom('pc_waitlist').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTicketByCardKey(db: Db, cardKey: string): Promise<PcTicketRow | undefined> {
  return db.selectFrom('pc_waitlist').selectAll().where('card_key', '=', cardKey).executeTakeFirst();
}

export function findTicketForStation(db: Db, stationId: string): Promise<PcTicketRow | undefined> {
  return db
    .selectFrom('pc_waitlist')
    .selectAll()
    .where('called_station_id', '=', stationId)
    .executeTakeFirst();
}

/** Tickets of a group in the order they joined (called ones included). */
export function findGroupTickets(db: Db, groupId: string, limit = LIST_LIMIT): Promise<PcTicketRow[]> {
  return db
    .selectFrom('pc_waitlist')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('joined_at')
    .orderBy('number')
    .limit(limit)
    .execute();
}

export function findBranchTickets(db: Db, branch: string): Promise<PcTicketRow[]> {
  return db
    .selectFrom('pc_waitlist')
    .selectAll()
    .where('branch', '=', branch)
    .orderBy('joined_at')
    .orderBy('number')
    .limit(LIST_LIMIT)
    .execute();
}

export async function countGroupTickets(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('pc_waitlist')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Called tickets whose hold has run out. */
export function findExpiredHolds(db: Db, nowIso: string): Promise<PcTicketRow[]> {
  return db
    .selectFrom('pc_waitlist')
    .selectAll()
    .where('hold_until', '<=', nowIso)
    .where('is_released', '=', 0)
    .orderBy('hold_until')
    .limit(LIST_LIMIT)
    .execute();
}

export async function updateTicket(db: Db, id: string, patch: Updateable<PcWaitlistTable>): Promise<void> {
  await db.updateTable('pc_waitlist').set(patch).where('id', '=', id).execute();
}

export async function deleteTicket(db: Db, id: string): Promise<number> {
  const r = await db.deleteFrom('pc_waitlist').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertPasses(db: Db, rows: Array<Omit<PcPassRow, never>>): Promise<void> {
  await db.insertInto('pc_passes').values(rows).execute();
}

export function findPassByHash(db: Db, codeHash: string): Promise<PcPassRow | undefined> {
  return db.selectFrom('pc_passes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/** Marks a pass used; 0 when it was already used (a pass logs in once). */
export async function markPassUsed(db: Db, id: string, nowIso: string): Promise<number> {
  const r = await db
    .updateTable('pc_passes')
    .set({ used_at: nowIso })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertWait(
  db: Db,
  row: { id: string; day: string; hour: number; branch: string; group_id: string; seconds: number },
): Promise<void> {
  await db.insertInto('pc_waits').values(row).execute();
}

export function findWaits(
  db: Db,
  day: string,
): Promise<Array<{ hour: number; branch: string; group_id: string; seconds: number }>> {
  // A day's waits are bounded by its tickets; the limit only guards against runaway data.
  return db
    .selectFrom('pc_waits')
    .select(['hour', 'branch', 'group_id', 'seconds'])
    .where('day', '=', day)
    .limit(100_000)
    .execute();
}

export interface StatsDelta {
  day: string;
  hour: number;
  branch: string;
  group_id: string;
  sessions?: number;
  guest_sessions?: number;
  minutes_used?: number;
  passes_used?: number;
}

/** Adds to the counters of one day × hour × branch × group. */
export async function addStats(db: Db, d: StatsDelta): Promise<void> {
  const key = `${d.day}|${d.hour}|${d.branch}|${d.group_id}`;
  const v = {
    sessions: d.sessions ?? 0,
    guest_sessions: d.guest_sessions ?? 0,
    minutes_used: d.minutes_used ?? 0,
    passes_used: d.passes_used ?? 0,
  };
  await db
    .insertInto('pc_stats')
    .values({ key, day: d.day, hour: d.hour, branch: d.branch, group_id: d.group_id, ...v })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        sessions: sql`pc_stats.sessions + excluded.sessions`,
        guest_sessions: sql`pc_stats.guest_sessions + excluded.guest_sessions`,
        minutes_used: sql`pc_stats.minutes_used + excluded.minutes_used`,
        passes_used: sql`pc_stats.passes_used + excluded.passes_used`,
      }),
    )
    .execute();
}

/** Sets the wait figures of one day × hour × branch × group (at rollover, once). */
export async function setWaitStats(
  db: Db,
  d: {
    day: string;
    hour: number;
    branch: string;
    group_id: string;
    waits: number;
    median: number;
    longest: number;
  },
): Promise<void> {
  const key = `${d.day}|${d.hour}|${d.branch}|${d.group_id}`;
  const v = { waits: d.waits, median_wait_seconds: d.median, longest_wait_seconds: d.longest };
  await db
    .insertInto('pc_stats')
    .values({ key, day: d.day, hour: d.hour, branch: d.branch, group_id: d.group_id, ...v })
    .onConflict((oc) => oc.column('key').doUpdateSet(v))
    .execute();
}

export async function addRefusal(
  db: Db,
  d: { day: string; hour: number; branch: string; group_id: string; reason: string },
): Promise<void> {
  const key = `${d.day}|${d.hour}|${d.branch}|${d.group_id}|${d.reason}`;
  await db
    .insertInto('pc_refusals')
    .values({ key, ...d, count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`pc_refusals.count + 1` }))
    .execute();
}

export function findStats(
  db: Db,
  from: string,
  to: string,
  branch?: string,
): Promise<Array<Selectable<PcStatsTable>>> {
  let q = db.selectFrom('pc_stats').selectAll().where('day', '>=', from).where('day', '<=', to);
  if (branch) q = q.where('branch', '=', branch);
  return q.orderBy('day').orderBy('hour').limit(100_000).execute();
}

export function findRefusals(
  db: Db,
  from: string,
  to: string,
  branch?: string,
): Promise<Array<{ reason: string; branch: string; n: number }>> {
  let q = db
    .selectFrom('pc_refusals')
    .select(['reason', 'branch', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('day', '>=', from)
    .where('day', '<=', to);
  if (branch) q = q.where('branch', '=', branch);
  return q.groupBy(['reason', 'branch']).orderBy('reason').limit(LIST_LIMIT).execute();
}

const DAY_TABLES = [
  'pc_day_keys',
  'pc_usage',
  'pc_passes',
  'pc_waitlist',
  'pc_ticket_counters',
  'pc_waits',
] as const;
/** The tables a rollover empties of a finished day. */
export const dayTables: readonly string[] = DAY_TABLES;

/** Days before `today` that still have a key, usage, passes, tickets, counters or waits. */
export async function findDaysToRollOver(db: Db, today: string): Promise<string[]> {
  const days = new Set<string>();
  for (const t of DAY_TABLES) {
    const rows = await db
      .selectFrom(t)
      .select('day')
      .distinct()
      .where('day', '<', today)
      .limit(LIST_LIMIT)
      .execute();
    for (const r of rows) days.add(r.day);
  }
  return [...days].sort();
}

/** Deletes everything of a finished day from the day tables. */
export async function deleteDay(db: Db, day: string): Promise<void> {
  for (const t of DAY_TABLES) await db.deleteFrom(t).where('day', '=', day).execute();
}
