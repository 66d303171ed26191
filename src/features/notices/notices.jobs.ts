// The notices job: due-soon and overdue notices, every hour; each loan's notice goes once.
import { z } from 'zod';
import { defineJob } from '../../jobs/registry.ts';
import { sendDueNotices } from './notices.service.ts';

export const scanNoticesJob = defineJob({
  name: 'notices.scan',
  payload: z.object({}),
  maxAttempts: 3,
  // Idempotent: loans are marked in the transaction that queues their notice.
  handler: async (ctx) => {
    const n = await sendDueNotices(ctx);
    if (n.dueSoon + n.overdue > 0) ctx.logger.info(n, 'due-soon and overdue notices queued');
  },
});
