// The announcements.send job: sends one slice of an announcement and, if subscribers remain,
// queues its own continuation. Only one job per announcement exists at a time (sending starts
// one; each queues the next only as it ends), so no two runs send the same announcement at once.
import { z } from 'zod';
import { enqueueJob } from '../../jobs/queue.ts';
import { defineJob } from '../../jobs/registry.ts';
import { sendAnnouncementSlice } from './announcement-sender.ts';

export const sendAnnouncementJob = defineJob({
  name: 'announcements.send',
  payload: z.object({ announcementId: z.uuid() }),
  // Temporary SMTP failures back off (10 s doubling, capped at an hour): about a day of retries.
  maxAttempts: 30,
  handler: async (ctx, payload) => {
    const outcome = await sendAnnouncementSlice(ctx, payload.announcementId);
    if (outcome === 'more') await enqueueJob(ctx.db, ctx.clock, sendAnnouncementJob, payload);
  },
});
