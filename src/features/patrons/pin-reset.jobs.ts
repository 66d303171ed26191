// The patrons.pin-reset job: the work behind "Forgot your PIN?", done after the answer. The request
// only queues this job, the same one for every card (issue 12 item 5, A2), so neither the answer
// nor how long it takes can tell whether the card exists or has an e-mail address.
import { z } from 'zod';
import { addMs, iso, MINUTE } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { newToken, sha256 } from '../../ids.ts';
import { defineJob } from '../../jobs/registry.ts';
import { queueMail } from '../../mail/mail.service.ts';
import * as repo from './patrons.repository.ts';
import * as tokens from './pin-reset.repository.ts';
import { pinResetMail } from './pin-reset.mail.tsx';

/** How long a PIN reset link works. */
export const PIN_RESET_MINUTES = 30;

/** The link for a token: PUBLIC_URL (with any path prefix) + /account/pin-reset/<id>.<secret>. */
export function pinResetLink(ctx: AppContext, token: string): string {
  const base = ctx.config.publicUrl.href.replace(/\/+$/, '');
  return `${base}/account/pin-reset/${token}`;
}

/**
 * When the patron exists and has an e-mail address, creates link `linkId` and queues its e-mail in
 * one transaction; otherwise does nothing. Runs once per link id: a second run finds the link.
 */
export async function mailPinResetLink(
  ctx: AppContext,
  patronId: string | null,
  linkId: string,
): Promise<void> {
  const patron = patronId ? await repo.findPatronById(ctx.db, patronId) : undefined;
  if (!patron?.email) return;
  const email = patron.email;
  const now = ctx.clock.now();
  const secret = newToken();
  await ctx.db.transaction().execute(async (trx) => {
    if (await tokens.findPinResetToken(trx, linkId)) return;
    // Only the newest link works: asking again makes the earlier ones useless.
    await tokens.deletePinResetTokensOf(trx, patron.id);
    await tokens.insertPinResetToken(trx, {
      id: linkId,
      patron_id: patron.id,
      token_hash: sha256(secret),
      created_at: iso(now),
      expires_at: iso(addMs(now, PIN_RESET_MINUTES * MINUTE)),
    });
    await queueMail(
      trx,
      ctx.clock,
      pinResetMail(ctx.config.library, email, pinResetLink(ctx, `${linkId}.${secret}`), PIN_RESET_MINUTES),
    );
  });
}

export const pinResetJob = defineJob({
  name: 'patrons.pin-reset',
  /** The patron the card belongs to, or null for an unknown card (the job then does nothing). */
  payload: z.object({ patronId: z.string().min(1).max(64).nullable() }),
  maxAttempts: 5,
  // The job's own id names the link, so a run repeated after a crash sends no second message.
  handler: (ctx, payload, meta) => mailPinResetLink(ctx, payload.patronId, meta.jobId),
});
