// The hold-shelf expiry job: deletes holds whose pickup time ran out (C4), every hour.
import { z } from 'zod';
import { defineJob } from '../../jobs/registry.ts';
import { expireShelfHolds } from './holds.service.ts';

export const expireHoldsJob = defineJob({
  name: 'holds.expire',
  payload: z.object({}),
  maxAttempts: 3,
  // Idempotent: a second run finds no expired hold left.
  handler: async (ctx) => {
    const n = await expireShelfHolds(ctx);
    if (n > 0) ctx.logger.info({ expiredHolds: n }, 'hold-shelf holds expired');
  },
});
