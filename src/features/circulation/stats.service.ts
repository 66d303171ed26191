// Circulation statistics (C2, G7): patron-free counts per day, branch, material type and action,
// summed over a date range; small counts are suppressed where they are shown.
import { z } from 'zod';
import { localDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canViewCirculationCounts } from './circulation.policy.ts';
import * as repo from './circulation.repository.ts';

export interface CirculationStats {
  from: string;
  to: string;
  k: number;
  /** Summed over the range per branch × material type × action; counts 1..k are suppressed on display. */
  rows: Array<{ branchCode: string; materialType: string; action: string; count: number }>;
  /** Totals per action over the range; shown with the same suppression as every other count. */
  totals: Record<string, number>;
}

const dayRe = /^\d{4}-\d{2}-\d{2}$/;
const DATES_SUMMARY = 'Please correct the dates.';
const isDay = (v: string | undefined): v is string =>
  v !== undefined && dayRe.test(v) && !Number.isNaN(Date.parse(v));
const calendarDay = z
  .string()
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isDay(v), 'Use YYYY-MM-DD.');
const endNotBeforeStart = 'The end must not be before the start.';

/** The statistics' date range as typed (empty for the default: the last 30 days). */
export const statsRangeSchema = z
  .object({ from: calendarDay, to: calendarDay })
  // Compared only when both are days (zod runs this even after a field was refused).
  .refine((r) => !isDay(r.from) || !isDay(r.to) || r.from <= r.to, {
    path: ['to'],
    message: endNotBeforeStart,
  });
export const statsRangeSummary = DATES_SUMMARY;
export type StatsRange = z.output<typeof statsRangeSchema>;

/** Patron-free circulation counts for a date range (days in the library's time zone). */
export async function getCirculationStats(
  ctx: AppContext,
  actor: Actor,
  range: StatsRange,
): Promise<CirculationStats> {
  if (!canViewCirculationCounts(actor))
    throw new ForbiddenError(
      'Circulation statistics are for circulation staff, administrators and the privacy officer.',
    );
  const tz = ctx.config.library.timezone;
  const now = ctx.clock.now();
  const to = range.to ?? localDay(now, tz);
  const from = range.from ?? localDay(new Date(now.getTime() - 29 * 86_400_000), tz);
  // The schema compares two typed days; a default day depends on today, so it is compared here.
  if (from > to) throw new ValidationError(DATES_SUMMARY, { to: endNotBeforeStart });
  const byKey = new Map<
    string,
    { branchCode: string; materialType: string; action: string; count: number }
  >();
  const totals: Record<string, number> = {};
  for (const r of await repo.findCounts(ctx.db, from, to)) {
    const key = `${r.branchCode}|${r.materialType}|${r.action}`;
    const row = byKey.get(key) ?? {
      branchCode: r.branchCode,
      materialType: r.materialType,
      action: r.action,
      count: 0,
    };
    row.count += r.count;
    byKey.set(key, row);
    totals[r.action] = (totals[r.action] ?? 0) + r.count;
  }
  return { from, to, k: ctx.config.statsK, rows: [...byKey.values()], totals };
}
