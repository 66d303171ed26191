// Reference statistics (issue 4, G7): questions per month by channel, category, READ effort,
// status, state and ZIP3, from the questions themselves (scrubbed ones keep exactly these facts).
// Counts from 1 to k are suppressed wherever they are shown or exported: the charts do it, the CSV
// goes through suppressedCell, and totals are suppressed the same way.
import type { AppContext } from '../../context.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import { suppressedCell, toCsv } from '../../stats/csv.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canViewReferenceStats } from './reference.policy.ts';
import { localDay } from '../../clock.ts';
import { startOfDayIso } from '../patrons/patron.ts';
import { findStatsRows, type StatsRow } from './reference.repository.ts';
import { categories, categoryLabel, readScale, usStates } from './reference.schemas.ts';
import { questionStatuses } from './reference.table.ts';

export interface LabelledCount {
  label: string;
  value: number;
}

export type Dimension = 'channel' | 'category' | 'effort' | 'status' | 'state' | 'zip3';

export interface ReferenceStats {
  /** First and last month of the range, YYYY-MM. */
  from: string;
  to: string;
  k: number;
  months: string[];
  /** Questions per month for each channel, aligned with `months`. */
  perMonth: Array<{ name: string; values: number[] }>;
  /** Totals over the range per dimension, every possible value listed (zeros included). */
  totals: Record<Dimension, LabelledCount[]>;
  /** Month × dimension × value counts, for the CSV. */
  rows: Array<{ month: string; dimension: Dimension; value: string; count: number }>;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const monthOf = (d: Date): string => d.toISOString().slice(0, 7);
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(new Date(Date.UTC(y, m - 1 + n, 1)));
}

export const channelLabels: Record<string, string> = { web: 'Web form', email: 'E-mail' };
export const statusLabels: Record<string, string> = {
  new: 'New',
  claimed: 'Claimed',
  waiting: 'Waiting for the patron',
  answered: 'Answered',
  closed: 'Closed',
};
const stateName = (code: string | null) =>
  code === null ? 'Not given' : (usStates.find(([c]) => c === code)?.[1] ?? code);
const effortLabel = (e: number | null) => (e === null ? 'Not rated' : `Level ${e}`);

/** The label of each row's value in one dimension. */
const valueOf: Record<Dimension, (r: StatsRow) => string> = {
  channel: (r) => channelLabels[r.channel] ?? r.channel,
  category: (r) => categoryLabel(r.category),
  effort: (r) => effortLabel(r.effort),
  status: (r) => statusLabels[r.status] ?? r.status,
  state: (r) => stateName(r.region),
  zip3: (r) => r.zip3 ?? 'Not given',
};

/** Every value a dimension can take, in a fixed order, so zeros show and the order never hints. */
const fixedValues: Partial<Record<Dimension, string[]>> = {
  channel: Object.values(channelLabels),
  category: [...categories.map(([, l]) => l), 'Not categorized'],
  effort: [...readScale.map(([l]) => effortLabel(l)), 'Not rated'],
  status: questionStatuses.map((s) => statusLabels[s]!),
};

function parseRange(ctx: AppContext, range: { from?: string | undefined; to?: string | undefined }) {
  const current = localDay(ctx.clock.now(), ctx.config.library.timezone).slice(0, 7);
  const to = range.to?.trim() || current;
  const from = range.from?.trim() || addMonths(MONTH.test(to) ? to : current, -11);
  const fields: Record<string, string> = {};
  if (!MONTH.test(from)) fields.from = 'Use a month like 2026-01.';
  if (!MONTH.test(to)) fields.to = 'Use a month like 2026-12.';
  if (!fields.from && !fields.to && from > to) fields.to = 'The last month must not be before the first.';
  if (!fields.from && !fields.to && addMonths(from, 120) <= to) fields.to = 'Choose at most ten years.';
  if (Object.keys(fields).length) throw new ValidationError('Please correct the months.', fields);
  return { from, to };
}

export async function getReferenceStats(
  ctx: AppContext,
  actor: Actor,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<ReferenceStats> {
  if (!canViewReferenceStats(actor))
    throw new ForbiddenError('Reference statistics are for reference staff and administrators.');
  const { from, to } = parseRange(ctx, range);
  // Months of the library's time zone: a question asked late on the 31st in Chicago belongs to
  // that month, not to the next one in UTC. Rows come per UTC hour and are mapped here.
  const tz = ctx.config.library.timezone;
  const hourly = await findStatsRows(
    ctx.db,
    startOfDayIso(`${from}-01`, tz),
    startOfDayIso(`${addMonths(to, 1)}-01`, tz),
  );
  const data = hourly.map((r) => ({
    ...r,
    month: localDay(new Date(`${r.hour}:00:00.000Z`), tz).slice(0, 7),
  }));
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);

  const perMonth = ['web', 'email'].map((channel) => ({
    name: channelLabels[channel]!,
    values: months.map((m) =>
      data.filter((r) => r.month === m && r.channel === channel).reduce((n, r) => n + r.count, 0),
    ),
  }));

  const dimensions = Object.keys(valueOf) as Dimension[];
  const totals = {} as Record<Dimension, LabelledCount[]>;
  const rows: ReferenceStats['rows'] = [];
  for (const d of dimensions) {
    const sum = new Map<string, number>((fixedValues[d] ?? []).map((v) => [v, 0]));
    const perMonthValue = new Map<string, number>();
    for (const r of data) {
      const v = valueOf[d](r);
      sum.set(v, (sum.get(v) ?? 0) + r.count);
      const key = `${r.month}\u0000${v}`;
      perMonthValue.set(key, (perMonthValue.get(key) ?? 0) + r.count);
    }
    const entries = [...sum].map(([label, value]) => ({ label, value }));
    // Open-ended dimensions (states, ZIP3) in a stable order that says nothing about the counts.
    if (!fixedValues[d]) entries.sort((a, b) => a.label.localeCompare(b.label));
    totals[d] = entries;
    for (const [key, count] of perMonthValue) {
      const [month, value] = key.split('\u0000') as [string, string];
      rows.push({ month, dimension: d, value, count });
    }
  }
  rows.sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      dimensions.indexOf(a.dimension) - dimensions.indexOf(b.dimension) ||
      a.value.localeCompare(b.value),
  );
  return { from, to, k: ctx.config.statsK, months, perMonth, totals, rows };
}

/** The CSV export: one line per month, dimension and value, counts suppressed (G7). */
export function referenceStatsCsv(s: ReferenceStats): string {
  return toCsv(
    ['month', 'dimension', 'value', 'questions'],
    s.rows.map((r) => [r.month, r.dimension, r.value, suppressedCell(r.count, s.k)]),
  );
}
