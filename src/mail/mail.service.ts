// Queueing e-mail: callers pass their own transaction, so a rolled-back write sends nothing.
import type { Kysely, Transaction } from 'kysely';
import { iso, type Clock } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { sendMailJob } from './mail.jobs.ts';
import { insertOutbox } from './mail.repository.ts';

export interface MailToQueue {
  /** Kind of message for the daily counts, e.g. "pin-reset". */
  kind: string;
  to: string;
  /** Never a title (N2). */
  subject: string;
  text: string;
  /** Optional HTML part: no remote images, no tracking, links as written (N2). */
  html: string | null;
  /** The patron a service notice is for: a permanent refusal flags their address (issue 4). */
  patronId?: string | null;
  /** Where replies go (Ask a Librarian threads replies by a token in this address, R3). */
  replyTo?: string | null;
  /** Extra headers, e.g. List-Unsubscribe (RFC 8058). */
  headers?: Record<string, string> | null;
}

/** Stores the message in the outbox and queues its mail.send job, both in `trx`; returns the outbox id. */
export async function queueMail(
  trx: Kysely<DB> | Transaction<DB>,
  clock: Clock,
  msg: MailToQueue,
): Promise<string> {
  const now = clock.now();
  const id = newId(now.getTime());
  await insertOutbox(trx, {
    id,
    kind: msg.kind,
    recipient: msg.to,
    subject: msg.subject,
    text_body: msg.text,
    html_body: msg.html,
    created_at: iso(now),
    sent_at: null,
    patron_id: msg.patronId ?? null,
    reply_to: msg.replyTo ?? null,
    headers: msg.headers ? JSON.stringify(msg.headers) : null,
  });
  await enqueueJob(trx, clock, sendMailJob, { outboxId: id });
  return id;
}
