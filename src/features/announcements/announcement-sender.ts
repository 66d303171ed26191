// Sending one announcement to its subscribers (N1): batched, throttled to the configured rate,
// over pooled SMTP connections, and resumable. Each recipient row is deleted in the transaction
// right after the mail server accepts that message, so a restart resumes with exactly the
// subscribers not yet sent to. The one unavoidable gap — the server accepted but the process died
// before the delete committed — is a few milliseconds per message; the Message-ID is stable per
// subscriber so a repeat can be recognised (measured with kill -9 in bench/announce.ts).
import { iso, localDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { newId } from '../../ids.ts';
import { countMail, flagUndeliverable, insertDevMail } from '../../mail/mail.repository.ts';
import { closePooledTransport, PermanentMailError, sendSmtp } from '../../mail/transport.ts';
import { renderAnnouncement, unsubscribeToken } from './announcement-content.tsx';
import * as repo from './announcements.repository.ts';

/** A job run sends for at most this long, then queues its continuation (jobs must stay short). */
export const SLICE_MS = 30_000;
const BATCH = 200;
const PLACEHOLDER = 'https://unsubscribe.invalid/CARREL-UNSUBSCRIBE-TOKEN';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the next slice of an announcement. Returns 'done' when every recipient is handled,
 * 'more' when the caller must queue a continuation. A temporary SMTP failure throws (the job
 * retries with back-off; the rows still waiting are the ones to resume).
 */
export async function sendAnnouncementSlice(
  ctx: AppContext,
  announcementId: string,
): Promise<'done' | 'more'> {
  const a = await repo.findAnnouncement(ctx.db, announcementId);
  if (!a || a.status !== 'sending') return 'done';
  const { config } = ctx;
  const smtpUrl = config.mail.smtpUrl;
  const tz = config.library.timezone;
  // Rendered once; each subscriber's own unsubscribe link replaces the placeholder.
  const template = renderAnnouncement(config.library, a, PLACEHOLDER);
  const fromDomain = config.mail.from.address.split('@')[1] ?? 'localhost';
  const gapMs = 60_000 / config.announcements.perMinute;
  const concurrency = smtpUrl ? config.mail.poolConnections : 1;
  const started = performance.now();
  let nextStart = performance.now();
  let failure: unknown = null;

  const finishOne = async (
    recipientId: string,
    outcome: 'sent' | 'failed' | 'skipped',
    flag?: { patronId: string; email: string },
  ) => {
    const now = ctx.clock.now();
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await repo.completeRecipient(trx, announcementId, recipientId, outcome))) return;
      if (outcome !== 'skipped')
        await countMail(
          trx,
          localDay(now, tz),
          'announcement',
          outcome === 'sent' ? (smtpUrl ? 'delivered' : 'dev-mailbox') : 'rejected',
        );
      if (flag) await flagUndeliverable(trx, flag.patronId, flag.email, iso(now));
    });
  };

  const sendOne = async (r: repo.PendingRecipient) => {
    if (!r.email) return finishOne(r.id, 'skipped');
    const url = new URL(
      `/unsubscribe/${unsubscribeToken(config.secret, r.patron_id)}`,
      config.publicUrl,
    ).toString();
    const msg = {
      to: r.email,
      subject: template.subject,
      text: template.text.replace(PLACEHOLDER, url),
      html: template.html.replaceAll(PLACEHOLDER, url),
      headers: { ...template.headers, 'List-Unsubscribe': `<${url}>` },
      messageId: `<${announcementId}.${r.patron_id}@${fromDomain}>`,
    };
    if (!smtpUrl) {
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await repo.completeRecipient(trx, announcementId, r.id, 'sent'))) return;
        await insertDevMail(trx, {
          id: newId(now.getTime()),
          kind: 'announcement',
          recipient: msg.to,
          subject: msg.subject,
          text_body: msg.text,
          html_body: msg.html,
          created_at: iso(now),
        });
        await countMail(trx, localDay(now, tz), 'announcement', 'dev-mailbox');
      });
      return;
    }
    try {
      await sendSmtp(config.mail, smtpUrl, msg, { pooled: true });
    } catch (err) {
      if (err instanceof PermanentMailError)
        return finishOne(r.id, 'failed', { patronId: r.patron_id, email: r.email });
      throw err;
    }
    await finishOne(r.id, 'sent');
  };

  for (;;) {
    const batch = await repo.findPendingRecipients(ctx.db, announcementId, BATCH);
    if (batch.length === 0) {
      const current = await repo.findAnnouncement(ctx.db, announcementId);
      if (current?.status === 'sending')
        await repo.updateAnnouncement(ctx.db, announcementId, {
          status: 'sent',
          finished_at: iso(ctx.clock.now()),
          updated_at: iso(ctx.clock.now()),
        });
      if (smtpUrl) closePooledTransport(config.mail);
      return 'done';
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (failure === null && next < batch.length) {
          const r = batch[next++]!;
          // Throttle: message starts are spaced gapMs apart across all connections.
          const now = performance.now();
          const wait = nextStart - now;
          nextStart = Math.max(nextStart, now) + gapMs;
          if (wait > 0) await sleep(wait);
          try {
            await sendOne(r);
          } catch (err) {
            failure ??= err;
          }
        }
      }),
    );
    if (failure !== null) throw failure;
    // Cancelled meanwhile: stop here (cancelling deleted the remaining rows).
    if ((await repo.findAnnouncement(ctx.db, announcementId))?.status !== 'sending') return 'done';
    if (performance.now() - started > SLICE_MS) return 'more';
  }
}
