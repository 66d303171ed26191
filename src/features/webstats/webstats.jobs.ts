// The hourly statistics upkeep: roll finished days over (count visitors, destroy the salt) and
// fold old hours into days. Idempotent: a second run finds nothing left to do.
import { z } from 'zod';
import { defineJob } from '../../jobs/registry.ts';
import { rollOver } from './webstats.service.ts';

export const rollOverStatsJob = defineJob({
  name: 'webstats.rollover',
  payload: z.object({}),
  maxAttempts: 3,
  handler: async (ctx) => {
    const r = await rollOver(ctx);
    if (r.days + r.foldedHours > 0) {
      // Destroyed salts and hashes must leave the database files too (G2).
      await ctx.database.ops.compactAfterPurge(ctx.db, ['stats_salts', 'stats_visitors', 'stats_hourly']);
      ctx.logger.info(r, 'website statistics rolled over');
    }
  },
});
