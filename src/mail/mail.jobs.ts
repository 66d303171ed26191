// The mail.send job: one per message, queued in the transaction that caused the message.
import { z } from 'zod';
import { defineJob } from '../jobs/registry.ts';
import { deliverOutboxMessage, MAIL_MAX_ATTEMPTS } from './mail.delivery.ts';

export const sendMailJob = defineJob({
  name: 'mail.send',
  /** Only the outbox row's id: the message itself never sits in the job queue. */
  payload: z.object({ outboxId: z.uuid() }),
  maxAttempts: MAIL_MAX_ATTEMPTS,
  // Idempotent: a delivered message's row is empty, and a second run sends nothing.
  handler: (ctx, payload, meta) => deliverOutboxMessage(ctx, payload.outboxId, meta),
});
