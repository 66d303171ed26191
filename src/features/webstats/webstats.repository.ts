// SQL for website statistics: adding to hourly and daily counts, the day's salt and visitor
// hashes, folding hours into days, and the figures the dashboard reads.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface CountDelta {
  /** "YYYY-MM-DDTHH" (UTC) for hourly rows, "YYYY-MM-DD" (library time) for daily ones. */
  at: string;
  dimension: string;
  value: string;
  count: number;
}

const CHUNK = 200;

/** Adds counts to stats_hourly or stats_daily, many rows per statement (one upsert each). */
export async function addCounts(
  db: Db,
  table: 'stats_hourly' | 'stats_daily',
  deltas: CountDelta[],
): Promise<void> {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const chunk = deltas.slice(i, i + CHUNK);
    if (table === 'stats_hourly')
      await db
        .insertInto('stats_hourly')
        .values(
          chunk.map((d) => ({
            key: `${d.at}|${d.dimension}|${d.value}`,
            hour: d.at,
            dimension: d.dimension,
            value: d.value,
            count: d.count,
          })),
        )
        .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`stats_hourly.count + excluded.count` }))
        .execute();
    else
      await db
        .insertInto('stats_daily')
        .values(
          chunk.map((d) => ({
            key: `${d.at}|${d.dimension}|${d.value}`,
            day: d.at,
            dimension: d.dimension,
            value: d.value,
            count: d.count,
          })),
        )
        .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`stats_daily.count + excluded.count` }))
        .execute();
  }
}

/** The salt of a day, created once; several instances agree through the primary key. */
export async function findOrCreateSalt(
  db: Db,
  day: string,
  candidate: string,
  nowIso: string,
): Promise<string> {
  await db
    .insertInto('stats_salts')
    .values({ day, salt: candidate, created_at: nowIso })
    .onConflict((oc) => oc.column('day').doNothing())
    .execute();
  const row = await db
    .selectFrom('stats_salts')
    .select('salt')
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  return row.salt;
}

export async function insertVisitors(db: Db, day: string, hashes: string[]): Promise<void> {
  for (let i = 0; i < hashes.length; i += CHUNK)
    await db
      .insertInto('stats_visitors')
      .values(hashes.slice(i, i + CHUNK).map((h) => ({ key: `${day}|${h}`, day })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
}

/** Days before `today` that still have visitor hashes or a salt: the ones to roll over. */
export async function findDaysToRollOver(db: Db, today: string): Promise<string[]> {
  const a = await db
    .selectFrom('stats_visitors')
    .select('day')
    .distinct()
    .where('day', '<', today)
    .limit(1000)
    .execute();
  const b = await db.selectFrom('stats_salts').select('day').where('day', '<', today).limit(1000).execute();
  return [...new Set([...a, ...b].map((r) => r.day))].sort();
}

export async function countVisitors(db: Db, day: string): Promise<number> {
  const r = await db
    .selectFrom('stats_visitors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Forgets a day's visitors and destroys its salt, so its hashes can never be recomputed. */
export async function deleteDayVisitorsAndSalt(db: Db, day: string): Promise<void> {
  await db.deleteFrom('stats_visitors').where('day', '=', day).execute();
  await db.deleteFrom('stats_salts').where('day', '=', day).execute();
}

/** Hourly rows older than `beforeHour` ("YYYY-MM-DDTHH"), at most `limit`. */
export async function findHourlyBefore(db: Db, beforeHour: string, limit: number) {
  return db
    .selectFrom('stats_hourly')
    .select(['key', 'hour', 'dimension', 'value', 'count'])
    .where('hour', '<', beforeHour)
    .orderBy('key')
    .limit(limit)
    .execute();
}

export async function deleteHourlyKeys(db: Db, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += CHUNK)
    await db
      .deleteFrom('stats_hourly')
      .where('key', 'in', keys.slice(i, i + CHUNK))
      .execute();
}

export interface DimensionCount {
  dimension: string;
  value: string;
  count: number;
}

/** Sums per dimension and value over days [fromDay, toDay] and hours [fromHour, toHour). */
export async function sumRange(
  db: Db,
  range: { fromDay: string; toDay: string; fromHour: string; toHour: string },
): Promise<DimensionCount[]> {
  const daily = await db
    .selectFrom('stats_daily')
    .select(['dimension', 'value', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('day', '>=', range.fromDay)
    .where('day', '<=', range.toDay)
    .groupBy(['dimension', 'value'])
    .limit(100_000)
    .execute();
  const hourly = await db
    .selectFrom('stats_hourly')
    .select(['dimension', 'value', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('hour', '>=', range.fromHour)
    .where('hour', '<', range.toHour)
    .groupBy(['dimension', 'value'])
    .limit(100_000)
    .execute();
  const sums = new Map<string, DimensionCount>();
  for (const r of [...daily, ...hourly]) {
    const key = `${r.dimension}\u0000${r.value}`;
    const c = sums.get(key) ?? { dimension: r.dimension, value: r.value, count: 0 };
    c.count += Number(r.n);
    sums.set(key, c);
  }
  return [...sums.values()];
}

/** Views per day in a range (daily rows) for the chart, by dimension 'views'. */
export async function findDailySeries(db: Db, dimension: string, fromDay: string, toDay: string) {
  return db
    .selectFrom('stats_daily')
    .select(['day', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('dimension', '=', dimension)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .groupBy('day')
    .limit(5000)
    .execute();
}

/** Hourly rows of one dimension in a range of hours, for days not folded yet. */
export async function findHourlySeries(db: Db, dimension: string, fromHour: string, toHour: string) {
  return db
    .selectFrom('stats_hourly')
    .select(['hour', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('dimension', '=', dimension)
    .where('hour', '>=', fromHour)
    .where('hour', '<', toHour)
    .groupBy('hour')
    .limit(100_000)
    .execute();
}

export async function findLogImport(db: Db, fingerprint: string) {
  return db
    .selectFrom('stats_log_imports')
    .selectAll()
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export async function insertLogImport(
  db: Db,
  row: { fingerprint: string; lines: number; bytes: number; imported_at: string },
) {
  await db.insertInto('stats_log_imports').values(row).execute();
}
