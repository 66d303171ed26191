// Public-computer upkeep: the day's rollover (every 15 minutes, idempotent) and the minute check
// that ends or extends sessions whose time is up and skips tickets whose hold ran out.
import { z } from 'zod';
import { defineJob } from '../../jobs/registry.ts';
import { rollOverPcs, rolloverTables } from './pcs-rollover.service.ts';
import { settleAllSessions } from './pcs.service.ts';
import { expireHolds } from './pcs-waitlist.service.ts';

export const rollOverPcsJob = defineJob({
  name: 'pcs.rollover',
  payload: z.object({}),
  maxAttempts: 3,
  handler: async (ctx) => {
    const r = await rollOverPcs(ctx);
    if (r.days > 0) {
      // The destroyed day key and card keys must leave the database files too (G2, P3).
      await ctx.database.ops.compactAfterPurge(ctx.db, rolloverTables);
      ctx.logger.info(r, 'public computers rolled over');
    }
  },
});

export const settlePcsJob = defineJob({
  name: 'pcs.settle',
  payload: z.object({}),
  maxAttempts: 1,
  handler: async (ctx) => {
    const ended = await settleAllSessions(ctx);
    const skipped = await expireHolds(ctx);
    if (ended + skipped > 0) ctx.logger.debug({ ended, skipped }, 'public computer sessions settled');
  },
});
