// Website statistics upkeep and reading (issue 5): the daily rollover that counts a finished day's
// visitors and destroys its salt, folding hours into days after STATS_HOURLY_DAYS, and the
// figures of the webmaster's dashboard for a range of days compared with the period before.
import { addMs, DAY, iso, localDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canViewWebStats } from './webstats.policy.ts';
import { startOfDayIso } from '../patrons/patron.ts';
import * as repo from './webstats.repository.ts';

const FOLD_BATCH = 2000;

/**
 * For every day before today: adds its number of distinct visitors to the daily figures, then
 * deletes its visitor hashes and its salt (in one transaction), so nobody — not even with the
 * database — can recompute yesterday's hashes. Then folds old hours into days. Idempotent.
 */
export async function rollOver(ctx: AppContext): Promise<{ days: number; foldedHours: number }> {
  const now = ctx.clock.now();
  const tz = ctx.config.library.timezone;
  const today = localDay(now, tz);
  const days = await repo.findDaysToRollOver(ctx.db, today);
  for (const day of days)
    await ctx.db.transaction().execute(async (trx) => {
      const n = await repo.countVisitors(trx, day);
      if (n > 0)
        await repo.addCounts(trx, 'stats_daily', [{ at: day, dimension: 'visitors', value: '', count: n }]);
      await repo.deleteDayVisitorsAndSalt(trx, day);
    });
  // Hours are kept for STATS_HOURLY_DAYS, then summed into their (library-time) day.
  const beforeHour = iso(addMs(now, -ctx.config.webstats.hourlyDays * DAY)).slice(0, 13);
  let folded = 0;
  for (;;) {
    const rows = await repo.findHourlyBefore(ctx.db, beforeHour, FOLD_BATCH);
    if (!rows.length) break;
    const sums = new Map<string, repo.CountDelta>();
    for (const r of rows) {
      const day = localDay(new Date(`${r.hour}:00:00.000Z`), tz);
      const key = `${day}|${r.dimension}|${r.value}`;
      const s = sums.get(key);
      if (s) s.count += Number(r.count);
      else sums.set(key, { at: day, dimension: r.dimension, value: r.value, count: Number(r.count) });
    }
    await ctx.db.transaction().execute(async (trx) => {
      await repo.addCounts(trx, 'stats_daily', [...sums.values()]);
      await repo.deleteHourlyKeys(
        trx,
        rows.map((r) => r.key),
      );
    });
    folded += rows.length;
    if (rows.length < FOLD_BATCH) break;
  }
  return { days: days.length, foldedHours: folded };
}

export interface Range {
  from: string;
  to: string;
}

export interface Figures {
  visitors: number;
  views: number;
  optOut: number;
  byDimension: Record<string, Array<{ value: string; count: number }>>;
  perDay: Array<{ day: string; views: number }>;
}

export interface Dashboard {
  range: Range;
  previous: Range;
  current: Figures;
  before: Figures;
  k: number;
  reverseDns: boolean;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const dayAdd = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T12:00:00Z`) - Date.parse(`${a}T12:00:00Z`)) / DAY);

/** The dashboard's range: default the last 30 days; at most two years. */
export function parseRange(
  ctx: AppContext,
  q: { from?: string | undefined; to?: string | undefined },
): Range {
  const today = localDay(ctx.clock.now(), ctx.config.library.timezone);
  const to = q.to?.trim() || today;
  const from = q.from?.trim() || dayAdd(DAY_RE.test(to) ? to : today, -29);
  const fields: Record<string, string> = {};
  if (!DAY_RE.test(from) || Number.isNaN(Date.parse(from))) fields.from = 'Use a date like 2026-11-01.';
  if (!DAY_RE.test(to) || Number.isNaN(Date.parse(to))) fields.to = 'Use a date like 2026-11-30.';
  if (!fields.from && !fields.to && from > to) fields.to = 'The last day must not be before the first.';
  if (!fields.from && !fields.to && daysBetween(from, to) > 731) fields.to = 'Choose at most two years.';
  if (Object.keys(fields).length) throw new ValidationError('Please correct the dates.', fields);
  return { from, to };
}

async function figures(ctx: AppContext, range: Range): Promise<Figures> {
  const tz = ctx.config.library.timezone;
  // Hours not yet folded, from the first day's local midnight to the last day's end (hours are UTC;
  // a zone whose offset is not whole hours counts its boundary hour with the day it starts in).
  const fromHour = startOfDayIso(range.from, tz).slice(0, 13);
  const toHour = startOfDayIso(dayAdd(range.to, 1), tz).slice(0, 13);
  const rows = await repo.sumRange(ctx.db, { fromDay: range.from, toDay: range.to, fromHour, toHour });
  const inRange = (hour: string) => {
    const d = localDay(new Date(`${hour}:00:00.000Z`), tz);
    return d >= range.from && d <= range.to;
  };
  // Hourly rows need the exact local day, so they are re-read per hour for the series.
  const hourly = await repo.findHourlySeries(ctx.db, 'views', fromHour, toHour);
  const perDayMap = new Map<string, number>();
  for (const r of await repo.findDailySeries(ctx.db, 'views', range.from, range.to))
    perDayMap.set(r.day, (perDayMap.get(r.day) ?? 0) + Number(r.n));
  for (const r of hourly)
    if (inRange(r.hour)) {
      const d = localDay(new Date(`${r.hour}:00:00.000Z`), tz);
      perDayMap.set(d, (perDayMap.get(d) ?? 0) + Number(r.n));
    }
  const perDay: Figures['perDay'] = [];
  for (let d = range.from; d <= range.to; d = dayAdd(d, 1))
    perDay.push({ day: d, views: perDayMap.get(d) ?? 0 });

  const byDimension: Figures['byDimension'] = {};
  let visitors = 0;
  let views = 0;
  let optOut = 0;
  for (const r of rows) {
    if (r.dimension === 'visitors') visitors += r.count;
    else if (r.dimension === 'views') views += r.count;
    else if (r.dimension === 'opt-out') optOut += r.count;
    else (byDimension[r.dimension] ??= []).push({ value: r.value, count: r.count });
  }
  // Today's visitors are still hashes: count them live.
  const today = localDay(ctx.clock.now(), tz);
  if (today >= range.from && today <= range.to) visitors += await repo.countVisitors(ctx.db, today);
  for (const list of Object.values(byDimension))
    list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return { visitors, views: views, optOut, byDimension, perDay };
}

export async function getDashboard(
  ctx: AppContext,
  actor: Actor,
  q: { from?: string | undefined; to?: string | undefined },
): Promise<Dashboard> {
  if (!canViewWebStats(actor))
    throw new ForbiddenError('Website statistics are for the webmaster and administrators.');
  const range = parseRange(ctx, q);
  const len = daysBetween(range.from, range.to) + 1;
  const previous = { from: dayAdd(range.from, -len), to: dayAdd(range.from, -1) };
  return {
    range,
    previous,
    current: await figures(ctx, range),
    before: await figures(ctx, previous),
    k: ctx.config.statsK,
    reverseDns: ctx.config.webstats.reverseDns,
  };
}
