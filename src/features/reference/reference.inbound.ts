// E-mailed questions (issue 4): what happens to one inbound message, and starting the receiver
// the configuration chooses (the built-in SMTP listener or IMAP polling). A reply joins a
// question only by the token in its address or subject, never by who sent it (R3). Logs carry
// outcomes only, never an address, subject, text or token (G4).
import type { AppContext } from '../../context.ts';
import { iso, localDay } from '../../clock.ts';
import { newId } from '../../ids.ts';
import { startImapPoller } from '../../mail/inbound/imap-poller.ts';
import { plusAddressToken, type InboundMessage } from '../../mail/inbound/inbound-message.ts';
import { startSmtpListener } from '../../mail/inbound/smtp-listener.ts';
import { isBounceToken, verifyBounceToken } from '../../mail/bounce.ts';
import { countMail, flagUndeliverableNow } from '../../mail/mail.repository.ts';
import { queueMail } from '../../mail/mail.service.ts';
import { refusedMail } from './reference.mail.tsx';
import * as repo from './reference.repository.ts';
import { MAX_TEXT } from './reference.schemas.ts';
import { createQuestion, referenceAddress, threadAddress } from './reference.service.ts';

export type InboundOutcome = 'created' | 'threaded' | 'refused' | 'ignored' | 'bounced';

/** The text kept of a message: a new question keeps its subject as the first line. */
function bodyOf(msg: InboundMessage, isNew: boolean): string {
  const subject = msg.subject.replace(/\[\s*Ref:[^\]]*\]/gi, '').trim();
  const text = msg.text.trim();
  const body = isNew && subject ? `Subject: ${subject}\n\n${text}` : text || subject;
  return (body || '(empty message)').slice(0, MAX_TEXT * 2);
}

/**
 * Handles one inbound "Ask a Librarian" message. Automatic mail (auto-replies, bounces) is
 * ignored; a message with attachments is refused with a polite automatic reply and nothing of it
 * is stored; a token of a question not yet scrubbed adds the message to that question (waiting or
 * answered → new); anything else starts a new question and is confirmed.
 */
export async function receiveInboundQuestion(ctx: AppContext, msg: InboundMessage): Promise<InboundOutcome> {
  // A delivery report for a notice (sent with a signed bounce address) is not a question.
  if (isBounceToken(msg.threadToken)) return receiveBounce(ctx, msg);
  if (msg.isAutoReply || !msg.from) return 'ignored';
  const from = msg.from;
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const found = msg.threadToken ? await repo.findQuestionByToken(trx, msg.threadToken) : undefined;
    const q = found && found.scrubbed_at === null ? found : undefined;
    if (msg.hasAttachments) {
      // The reply keeps the question's address, so the resent message joins it.
      const replyTo = q ? threadAddress(ctx, q.token).replyTo : ctx.config.reference.address;
      await queueMail(trx, ctx.clock, refusedMail(ctx.config.library, from, replyTo));
      return 'refused';
    }
    if (q) {
      const at = iso(now);
      await repo.insertMessage(trx, {
        id: newId(now.getTime()),
        question_id: q.id,
        direction: 'in',
        body: bodyOf(msg, false),
        staff_id: null,
        created_at: at,
      });
      // The patron has answered: the question needs the desk again (a closed one is reopened).
      const reopen = q.status === 'waiting' || q.status === 'answered' || q.status === 'closed';
      await repo.updateQuestion(trx, q.id, {
        status: reopen ? 'new' : q.status,
        closed_at: null,
        last_activity_at: at,
        updated_at: at,
      });
      return 'threaded';
    }
    await createQuestion(trx, ctx, {
      channel: 'email',
      replyTo: from,
      replyName: msg.fromName?.slice(0, 200) ?? null,
      region: null,
      zip: null,
      body: bodyOf(msg, true),
    });
    return 'created';
  });
}

/**
 * A report that a notice could not be delivered: a permanent failure flags the patron's address
 * and is counted (issue 4); a forged token, a delay report or anything else is ignored.
 */
async function receiveBounce(ctx: AppContext, msg: InboundMessage): Promise<InboundOutcome> {
  const patronId = verifyBounceToken(ctx.config.secret, msg.threadToken ?? '');
  if (!patronId || !msg.deliveryFailed) return 'ignored';
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (await flagUndeliverableNow(trx, patronId, iso(now)))
      await countMail(trx, localDay(now, ctx.config.library.timezone), 'notice', 'bounced');
  });
  return 'bounced';
}

/**
 * Starts receiving e-mailed questions as REFERENCE_INBOUND says: the SMTP listener ('smtp') or the
 * IMAP poller ('imap'); null when inbound mail is off. The caller stops it at shutdown.
 */
export async function startReferenceInbound(ctx: AppContext): Promise<{ stop(): Promise<void> } | null> {
  const cfg = ctx.config.reference;
  const { localPart, domain } = referenceAddress(ctx);
  const logger = ctx.logger.child({ component: 'reference-inbound' });
  const onMessage = async (msg: InboundMessage) => {
    const outcome = await receiveInboundQuestion(ctx, msg);
    logger.info({ outcome }, 'reference question received');
  };
  if (cfg.inbound === 'smtp') {
    const listener = await startSmtpListener({
      host: cfg.smtpHost,
      port: cfg.smtpPort,
      acceptDomains: [domain],
      localPart,
      maxBytes: cfg.maxBytes,
      logger,
      onMessage,
    });
    return { stop: () => listener.close() };
  }
  if (cfg.inbound === 'imap' && cfg.imapUrl) {
    const poller = startImapPoller({
      url: cfg.imapUrl,
      intervalMs: cfg.pollSeconds * 1000,
      maxBytes: cfg.maxBytes,
      tokenFromAddress: plusAddressToken({ localPart, domains: [domain] }),
      onMessage,
      logger,
    });
    return { stop: () => poller.stop() };
  }
  return null;
}
