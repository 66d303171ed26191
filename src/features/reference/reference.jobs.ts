// The hourly scrub of idle questions (R2): a question with no message either way for
// REFERENCE_IDLE_DAYS is closed and scrubbed, as if staff had closed it.
import { z } from 'zod';
import { defineJob } from '../../jobs/registry.ts';
import { scrubIdleQuestions } from './reference.service.ts';

export const scrubIdleQuestionsJob = defineJob({
  name: 'reference.scrub',
  payload: z.object({}),
  maxAttempts: 3,
  // Idempotent: a scrubbed question is never picked again, so a second run finds nothing.
  handler: async (ctx) => {
    const n = await scrubIdleQuestions(ctx);
    if (n > 0) {
      // The old texts must leave the database files too (G2), not wait for the next purge run.
      await ctx.database.ops.compactAfterPurge(ctx.db, ['questions', 'question_messages', 'question_notes']);
      ctx.logger.info({ scrubbedQuestions: n }, 'idle reference questions scrubbed');
    }
  },
});
