// The day's end for public computers (P1, P3, G2): for each finished library day, today's wait
// times become count/median/longest in pc_stats, and the day's key, usage, passes, tickets,
// counters and waits are deleted; running sessions lose their card key. The statistics are read
// through pcs-stats.service.ts (small counts suppressed, G7).
import type { AppContext } from '../../context.ts';
import { today } from './pcs.common.ts';
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
