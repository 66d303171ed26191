// The purge job: what the schedule (and the admin page's "run now") queue.
import { z } from 'zod';
import { defineJob } from '../jobs/registry.ts';
import { runPurge } from './purge.ts';

export const purgeJob = defineJob({
  name: 'privacy.purge',
  payload: z.object({ trigger: z.enum(['schedule', 'manual']) }),
  maxAttempts: 3,
  // Idempotent by nature: a retention rule applied twice deletes nothing the second time.
  handler: async (ctx, payload) => {
    await runPurge(
      { db: ctx.db, ops: ctx.database.ops, clock: ctx.clock, inventory: ctx.inventory, logger: ctx.logger },
      { dryRun: false, trigger: payload.trigger, batchSize: ctx.config.purge.batchSize },
    );
  },
});
