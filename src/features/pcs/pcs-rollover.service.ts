// The day's end for public computers (P1, P3, G2): for each finished library day, today's wait
// times become count/median/longest in pc_stats, and the day's key, usage, passes, tickets,
// counters and waits are deleted; running sessions lose their card key. Then statistics to read,
// with small counts suppressed (G7).
import type { Actor } from '../../auth/actors.ts';
import type { AppContext } from '../../context.ts';
import { suppress, type Suppressed } from '../../stats/suppress.ts';
import { today } from './pcs.common.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';

/** The tables whose bytes must leave the database file after a rollover. */
export const rolloverTables = [...queue.dayTables, 'pc_sessions'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

/** Rolls every finished day over; idempotent (a second run finds nothing). Returns the days. */
export async function rollOverPcs(ctx: AppContext): Promise<{ days: number }> {
  const days = await queue.findDaysToRollOver(ctx.db, today(ctx));
  for (const day of days)
    await ctx.db.transaction().execute(async (trx) => {
      const groups = new Map<
        string,
        { day: string; hour: number; branch: string; group_id: string; s: number[] }
      >();
      for (const w of await queue.findWaits(trx, day)) {
        const k = `${w.hour}|${w.branch}|${w.group_id}`;
        const g = groups.get(k) ?? {
          day,
          hour: Number(w.hour),
          branch: w.branch,
          group_id: w.group_id,
          s: [],
        };
        g.s.push(Number(w.seconds));
        groups.set(k, g);
      }
      for (const g of groups.values())
        await queue.setWaitStats(trx, {
          ...g,
          waits: g.s.length,
          median: median(g.s),
          longest: Math.max(...g.s),
        });
      await queue.deleteDay(trx, day);
      await repo.forgetSessionCardKeys(trx, day);
    });
  return { days: days.length };
}

export interface PcStatsRow {
  branch: string;
  groupId: string;
  hour: number;
  sessions: Suppressed;
  guestSessions: Suppressed;
  passesUsed: Suppressed;
  waits: Suppressed;
  /** Minutes, median and longest wait are shown only where the sessions (or waits) count is above k. */
  minutesUsed: number | null;
  medianWaitSeconds: number | null;
  longestWaitSeconds: number | null;
}

/**
 * Statistics over days (inclusive), summed per branch × group × hour; counts from 1 to k are
 * suppressed, and so are the minutes and wait times of a cell whose count is suppressed (G7).
 */
export async function pcStatistics(
  ctx: AppContext,
  actor: Actor,
  range: { from: string; to: string; branch?: string },
): Promise<{
  k: number;
  rows: PcStatsRow[];
  refusals: Array<{ branch: string; reason: string; count: Suppressed }>;
}> {
  assertCanManagePcs(actor);
  const k = ctx.config.statsK;
  const sums = new Map<
    string,
    { branch: string; groupId: string; hour: number; n: number[]; longest: number; medians: number[] }
  >();
  for (const r of await queue.findStats(ctx.db, range.from, range.to, range.branch)) {
    const key = `${r.branch}|${r.group_id}|${r.hour}`;
    const s = sums.get(key) ?? {
      branch: r.branch,
      groupId: r.group_id,
      hour: Number(r.hour),
      n: [0, 0, 0, 0, 0],
      longest: 0,
      medians: [],
    };
    s.n[0]! += Number(r.sessions);
    s.n[1]! += Number(r.guest_sessions);
    s.n[2]! += Number(r.passes_used);
    s.n[3]! += Number(r.waits);
    s.n[4]! += Number(r.minutes_used);
    s.longest = Math.max(s.longest, Number(r.longest_wait_seconds));
    if (Number(r.waits) > 0) s.medians.push(Number(r.median_wait_seconds));
    sums.set(key, s);
  }
  const rows = [...sums.values()].map((s) => {
    const [sessions, guests, passes, waits, mins] = s.n as [number, number, number, number, number];
    const people = sessions + guests;
    return {
      branch: s.branch,
      groupId: s.groupId,
      hour: s.hour,
      sessions: suppress(sessions, k),
      guestSessions: suppress(guests, k),
      passesUsed: suppress(passes, k),
      waits: suppress(waits, k),
      minutesUsed: people === 0 || people > k ? mins : null,
      // The median of medians over days: an approximation, stated on the statistics page.
      medianWaitSeconds: waits > k ? median(s.medians) : null,
      longestWaitSeconds: waits > k ? s.longest : null,
    };
  });
  const refusals = (await queue.findRefusals(ctx.db, range.from, range.to, range.branch)).map((r) => ({
    branch: r.branch,
    reason: r.reason,
    count: suppress(Number(r.n), k),
  }));
  return { k, rows, refusals };
}
