// Delivering one queued message: to the SMTP relay, or to the development mailbox when none is
// configured. Afterwards the outbox row keeps no recipient, subject or body, and one count per
// day, kind and outcome is all that remains (N3). Safe to run twice: an emptied row is skipped.
import { iso, localDay } from '../clock.ts';
import type { AppContext } from '../context.ts';
import { newId } from '../ids.ts';
import type { JobMeta } from '../jobs/registry.ts';
import {
  countMail,
  emptyOutbox,
  findOutbox,
  flagUndeliverable,
  insertDevMail,
  type MailOutcome,
} from './mail.repository.ts';
import { bounceAddress } from './bounce.ts';
import { PermanentMailError, sendSmtp } from './transport.ts';

/** Attempts of one message; with the worker's back-off (10 s doubling) this spans about 1.5 hours. */
export const MAIL_MAX_ATTEMPTS = 10;

export async function deliverOutboxMessage(ctx: AppContext, outboxId: string, meta: JobMeta): Promise<void> {
  const row = await findOutbox(ctx.db, outboxId);
  if (!row || row.recipient === null || row.subject === null || row.text_body === null) return;
  const msg = {
    to: row.recipient,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    replyTo: row.reply_to,
    headers: row.headers ? (JSON.parse(row.headers) as Record<string, string>) : null,
    // A notice's delivery reports come back to a signed address naming its patron (bounce.ts).
    envelopeFrom: row.patron_id ? bounceAddress(ctx.config, row.patron_id) : null,
  };
  const log = ctx.logger.child({ mailKind: row.kind, outboxId });

  /** Empties the row and counts the outcome, once, however often this runs. */
  const finish = async (sentAt: string | null, outcome: MailOutcome) => {
    const now = ctx.clock.now();
    await ctx.db.transaction().execute(async (trx) => {
      if (await emptyOutbox(trx, row.id, sentAt)) {
        await countMail(trx, localDay(now, ctx.config.library.timezone), row.kind, outcome);
        // A notice the server refuses for good marks the address, so staff and the patron see
        // it and further notices wait for a corrected address (issue 4).
        if (outcome === 'rejected' && row.patron_id)
          await flagUndeliverable(trx, row.patron_id, msg.to, iso(now));
      }
    });
  };

  const smtpUrl = ctx.config.mail.smtpUrl;
  if (!smtpUrl) {
    const now = ctx.clock.now();
    await ctx.db.transaction().execute(async (trx) => {
      // Claim the row first: a second run finds it empty and writes nothing.
      if (!(await emptyOutbox(trx, row.id, iso(now)))) return;
      await insertDevMail(trx, {
        id: newId(now.getTime()),
        kind: row.kind,
        recipient: msg.to,
        subject: msg.subject,
        text_body: msg.text,
        html_body: msg.html,
        created_at: iso(now),
      });
      await countMail(trx, localDay(now, ctx.config.library.timezone), row.kind, 'dev-mailbox');
    });
    log.info('mail placed in the development mailbox');
    return;
  }

  try {
    await sendSmtp(ctx.config.mail, smtpUrl, msg);
  } catch (err) {
    if (err instanceof PermanentMailError) {
      await finish(null, 'rejected');
      log.warn({ responseCode: err.responseCode }, 'mail refused permanently by the SMTP server');
      return;
    }
    // Out of attempts: the body goes anyway, and the loss is counted; the job is marked failed.
    if (meta.attempt >= MAIL_MAX_ATTEMPTS) await finish(null, 'failed');
    throw err;
  }
  await finish(iso(ctx.clock.now()), 'delivered');
  log.info('mail delivered to the SMTP server');
}
