// Public-computer statistics for staff (issue 14 items 6, 7; P1, G7): sessions, guest sessions,
// minutes, passes, waits and refusals per branch × group × day or hour over a date range, from
// the patron-free aggregates. Counts from 1 to k are suppressed, and so are the minutes and wait
// times of a row whose count is suppressed; the page and the CSV show the same cells.
import { z } from 'zod';
import type { Actor } from '../../auth/actors.ts';
import { localDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { suppress, type Suppressed } from '../../stats/suppress.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';

const dayRe = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string | undefined): v is string =>
  v !== undefined && dayRe.test(v) && !Number.isNaN(Date.parse(v));
const calendarDay = z
  .string()
  .max(20, 'Use YYYY-MM-DD.')
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isDay(v), 'Use YYYY-MM-DD.');
const endNotBeforeStart = 'The end must not be before the start.';
export const pcStatsSummary = 'Please correct the marked fields.';

/** The statistics form: a date range (default the last 30 days), a branch or all, per day or hour. */
export const pcStatsSchema = z
  .object({
    from: calendarDay,
    to: calendarDay,
    /** A branch code, or empty for every branch. */
    branch: z
      .string()
      .max(40)
      .optional()
      .transform((v) => v || undefined),
    /** Rows per day, or per hour of the day summed over the range. */
    by: z.enum(['day', 'hour'], { error: 'Choose per day or per hour.' }).optional().default('day'),
  })
  .refine((r) => !isDay(r.from) || !isDay(r.to) || r.from <= r.to, {
    path: ['to'],
    message: endNotBeforeStart,
  });
export type PcStatsQuery = z.output<typeof pcStatsSchema>;

export interface PcStatsLine {
  branch: string;
  groupName: string;
  /** "2026-03-02" per day, or "14:00" per hour. */
  when: string;
  sessions: Suppressed;
  guestSessions: Suppressed;
  passesUsed: Suppressed;
  waits: Suppressed;
  /** Null where the sessions in the row are suppressed (G7). */
  minutesUsed: number | null;
  /** Null where the waits are suppressed; per hour, the median of the days' medians. */
  medianWaitSeconds: number | null;
  longestWaitSeconds: number | null;
}

export interface PcStatsReport {
  from: string;
  to: string;
  branch: string | undefined;
  by: 'day' | 'hour';
  k: number;
  lines: PcStatsLine[];
  refusals: Array<{ branch: string; reason: string; count: Suppressed }>;
  /**
   * For the charts: sums per day or hour over the groups whose count is shown (0 or above k). A
   * suppressed row is left out, or the sum less the shown rows would give it away (G7); `partial`
   * says one was left out, so the page does not pass a sum of shown rows off as the whole.
   */
  chart: Array<{
    when: string;
    sessions: number;
    waits: number;
    partial: { sessions: boolean; waits: boolean };
  }>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

/** The report for a range; ValidationError when the range is wrong, ForbiddenError for other staff. */
export async function pcStatsReport(ctx: AppContext, actor: Actor, q: PcStatsQuery): Promise<PcStatsReport> {
  assertCanManagePcs(actor);
  const tz = ctx.config.library.timezone;
  const now = ctx.clock.now();
  const to = q.to ?? localDay(now, tz);
  const from = q.from ?? localDay(new Date(now.getTime() - 29 * 86_400_000), tz);
  if (from > to) throw new ValidationError(pcStatsSummary, { to: endNotBeforeStart });
  if (q.branch && !ctx.config.library.branches.some((b) => b.code === q.branch))
    throw new ValidationError(pcStatsSummary, { branch: 'Choose one of the branches listed.' });
  const k = ctx.config.statsK;
  const groupNames = new Map<string, string>();
  for (const b of ctx.config.library.branches)
    for (const g of await repo.findGroups(ctx.db, b.code)) groupNames.set(g.id, g.name);
  const cells = new Map<
    string,
    { branch: string; groupId: string; when: string; n: number[]; longest: number; medians: number[] }
  >();
  for (const r of await queue.findStats(ctx.db, from, to, q.branch)) {
    const when = q.by === 'day' ? r.day : `${String(r.hour).padStart(2, '0')}:00`;
    const key = `${r.branch}|${r.group_id}|${when}`;
    const c = cells.get(key) ?? {
      branch: r.branch,
      groupId: r.group_id,
      when,
      n: [0, 0, 0, 0, 0],
      longest: 0,
      medians: [],
    };
    const add = [r.sessions, r.guest_sessions, r.passes_used, r.waits, r.minutes_used].map(Number);
    add.forEach((v, i) => (c.n[i]! += v));
    c.longest = Math.max(c.longest, Number(r.longest_wait_seconds));
    if (Number(r.waits) > 0) c.medians.push(Number(r.median_wait_seconds));
    cells.set(key, c);
  }
  const lines = [...cells.values()].map((c) => {
    const [sessions, guests, passes, waits, minutes] = c.n as [number, number, number, number, number];
    const people = sessions + guests;
    return {
      branch: c.branch,
      groupName: groupNames.get(c.groupId) ?? 'A removed group',
      when: c.when,
      sessions: suppress(sessions, k),
      guestSessions: suppress(guests, k),
      passesUsed: suppress(passes, k),
      waits: suppress(waits, k),
      minutesUsed: people === 0 || people > k ? minutes : null,
      medianWaitSeconds: waits > k ? median(c.medians) : null,
      longestWaitSeconds: waits > k ? c.longest : null,
    };
  });
  lines.sort(
    (a, b) =>
      a.branch.localeCompare(b.branch) ||
      a.groupName.localeCompare(b.groupName) ||
      a.when.localeCompare(b.when),
  );
  const refusals = (await queue.findRefusals(ctx.db, from, to, q.branch)).map((r) => ({
    branch: r.branch,
    reason: r.reason,
    count: suppress(Number(r.n), k),
  }));
  const chart = new Map<string, PcStatsReport['chart'][number]>();
  const hidden = (n: number) => n >= 1 && n <= k;
  const shownValue = (n: number) => (hidden(n) ? 0 : n);
  for (const c of cells.values()) {
    const e = chart.get(c.when) ?? {
      when: c.when,
      sessions: 0,
      waits: 0,
      partial: { sessions: false, waits: false },
    };
    e.sessions += shownValue(c.n[0]!) + shownValue(c.n[1]!);
    e.waits += shownValue(c.n[3]!);
    if (hidden(c.n[0]!) || hidden(c.n[1]!)) e.partial.sessions = true;
    if (hidden(c.n[3]!)) e.partial.waits = true;
    chart.set(c.when, e);
  }
  const byWhen = [...chart.values()].sort((a, b) => a.when.localeCompare(b.when));
  return { from, to, branch: q.branch, by: q.by, k, lines, refusals, chart: byWhen };
}
