// PIN reset by an e-mailed single-use link (issue 3). Asking always gets the same answer and does
// the same work, whether the card is unknown, has no e-mail address or has one (A2): the link is
// made by a job (pin-reset.jobs.ts). Requests are throttled per card and per client (A3). The link's secret is stored only as a SHA-256 and works once, for 30 minutes.
import { z } from 'zod';
import { iso, MINUTE } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../../errors.ts';
import { sameHash, sha256 } from '../../ids.ts';
import { hashSecret } from '../../auth/passwords.ts';
import { attemptSucceeded, reserveAttempt, throttleKey, throttleSource } from '../../auth/throttle.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { normalizeCardNumber } from './card-numbers.ts';
import { cardKey } from './patron-session.service.ts';
import { pinProblem } from './pins.ts';
import * as repo from './patrons.repository.ts';
import * as tokens from './pin-reset.repository.ts';
import { pinResetJob } from './pin-reset.jobs.ts';
import { plural } from '../../plural.ts';

/** Requests per card before delays begin, and per client address (a branch's computers share one). */
const CARD_RULE = { kind: 'backoff', freeFailures: 3, maxDelayMs: 15 * MINUTE } as const;
const CLIENT_RULE = { kind: 'backoff', freeFailures: 20, maxDelayMs: 15 * MINUTE } as const;
const FIX = 'Please correct the marked fields.';

export const INVALID_LINK =
  'This PIN reset link cannot be used: it has expired, has already been used, or is not complete.';

/** The "Forgot your PIN?" form; its refusal summary is PIN_RESET_REQUEST_SUMMARY. */
export const pinResetRequestSchema = z.object({
  cardNumber: z
    .string({ error: 'Enter your card number.' })
    .transform(normalizeCardNumber)
    .pipe(z.string().min(1, 'Enter your card number.').max(40, 'That is not a card number.')),
});

export const PIN_RESET_REQUEST_SUMMARY = 'Enter your card number.';
export type PinResetRequest = z.output<typeof pinResetRequestSchema>;

/** The new PIN chosen through a link. */
export const pinResetNewPinSchema = z
  .object({
    newPin: z.string({ error: 'Enter a new PIN.' }).min(1, 'Enter a new PIN.'),
    confirmPin: z.string({ error: 'Enter the new PIN again.' }),
  })
  .refine((v) => v.newPin === v.confirmPin, { path: ['confirmPin'], message: 'The two new PINs differ.' });
export type PinResetNewPin = z.output<typeof pinResetNewPinSchema>;

/**
 * Handles "Forgot your PIN?". Every accepted request does the same work whatever the card: one
 * look-up and one patrons.pin-reset job queued (with the patron's id, or null for an unknown
 * card); the job creates and mails the link later, off the request (issue 12 item 5, A2). Throws
 * ValidationError for an empty form and TooManyRequestsError when throttled.
 */
export async function requestPinReset(
  ctx: AppContext,
  data: PinResetRequest,
  clientAddress: string,
): Promise<void> {
  const now = ctx.clock.now();
  try {
    await reserveAttempt(
      ctx.db,
      ctx.database.ops,
      [
        throttleKey(ctx.config.secret, 'pin-reset-card', data.cardNumber, CARD_RULE),
        throttleKey(ctx.config.secret, 'pin-reset-client', throttleSource(clientAddress), CLIENT_RULE),
      ],
      now,
    );
  } catch (err) {
    if (!(err instanceof TooManyRequestsError)) throw err;
    const s = err.retryAfterSeconds;
    throw new TooManyRequestsError(
      `Too many PIN reset requests. Please wait ${s < 120 ? plural(s, 'second') : plural(Math.ceil(s / 60), 'minute')} and try again.`,
      s,
    );
  }
  const patron = await repo.findPatronByCard(ctx.db, data.cardNumber);
  await enqueueJob(ctx.db, ctx.clock, pinResetJob, { patronId: patron?.id ?? null });
}

/** A link token is "<id>.<secret>": the id finds the row, the secret (stored only hashed) proves it. */
function parseToken(token: string): { id: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** The unexpired link row for a token, or NotFoundError(INVALID_LINK). */
async function validToken(ctx: AppContext, token: string): Promise<tokens.PinResetTokenRow> {
  const parsed = parseToken(token);
  const row = parsed ? await tokens.findPinResetToken(ctx.db, parsed.id) : undefined;
  if (!parsed || !row || !sameHash(row.token_hash, sha256(parsed.secret)))
    throw new NotFoundError(INVALID_LINK);
  if (Date.parse(row.expires_at) <= ctx.clock.now().getTime()) {
    await tokens.deletePinResetToken(ctx.db, row.id);
    throw new NotFoundError(INVALID_LINK);
  }
  return row;
}

/** Checks a link before showing its form (opening the link does not use it up: mail scanners open links too). */
export async function checkPinResetLink(ctx: AppContext, token: string): Promise<void> {
  await validToken(ctx, token);
}

/**
 * Sets the new PIN chosen through a link. The link is deleted (single use), with every other link
 * and every session of the account; a PIN set by staff no longer needs changing.
 */
export async function resetPinWithLink(ctx: AppContext, token: string, data: PinResetNewPin): Promise<void> {
  const row = await validToken(ctx, token);
  const patron = await repo.findPatronById(ctx.db, row.patron_id);
  if (!patron) throw new NotFoundError(INVALID_LINK);
  const problem = pinProblem(data.newPin, patron.card_number);
  if (problem) throw new ValidationError(FIX, { newPin: problem });
  const pinHash = await hashSecret(data.newPin);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await tokens.deletePinResetToken(trx, row.id))) throw new NotFoundError(INVALID_LINK);
    await repo.updatePatron(trx, patron.id, {
      pin_hash: pinHash,
      pin_must_change: 0,
      updated_at: iso(ctx.clock.now()),
    });
    await tokens.deletePinResetTokensOf(trx, patron.id);
    await repo.deletePatronSessionsOf(trx, patron.id);
  });
  // The card's failed sign-ins no longer count: its holder has just proved who they are.
  await attemptSucceeded(ctx.db, ctx.database.ops, [cardKey(ctx, patron.card_number)]);
}
