// The patron's own side: sign-in with card and PIN (A2, A3), server-side sessions with idle and
// absolute time-outs (A4), sign-out, changing the PIN and closing the account (A5).
import { addMs, HOUR, iso, MINUTE } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { UnauthenticatedError, ValidationError } from '../../errors.ts';
import { newId, newToken, sameHash, sha256 } from '../../ids.ts';
import { hashSecret, verifySecret } from '../../auth/passwords.ts';
import {
  accountKey,
  attemptSucceeded,
  reserveAttempt,
  signInKeys,
  type ThrottleKey,
} from '../../auth/throttle.ts';
import type { PatronActor } from './patron-actor.ts';
import { deletePatronAccount } from './patrons.service.ts';
import { pinProblem } from './pins.ts';
import * as repo from './patrons.repository.ts';
import type { ChangePinInput, ConfirmPinInput, PatronLogin } from './patrons.schemas.ts';

/** The one answer for an unknown card and a wrong PIN alike (A2). */
export const WRONG_LOGIN = 'Wrong card number or PIN.';
const FIX = 'Please correct the marked fields.';

/** The all-sources sign-in counter of a card (also cleared by a PIN reset through an e-mailed link). */
export const cardKey = (ctx: AppContext, card: string): ThrottleKey =>
  accountKey(ctx.config.secret, 'patron', card);

export interface PatronLoginResult {
  token: string;
  actor: PatronActor;
}

/**
 * Signs a patron in. An unknown card is checked against a dummy argon2id hash, so it takes as long
 * as a wrong PIN and gets the same answer (A2). Failures slow down per card and address, per
 * address, and per card over all addresses (see auth/throttle.ts), so a stranger's guesses from
 * elsewhere do not keep the owner out, and every delay ends by itself (A3). The address is used
 * only in memory, for a keyed hash.
 * Expired and blocked cards may sign in: they see their account, they only cannot borrow.
 * The card number and PIN are checked by patronLoginSchema at the edge.
 */
export async function loginPatron(
  ctx: AppContext,
  data: PatronLogin,
  clientAddress: string,
): Promise<PatronLoginResult> {
  const now = ctx.clock.now();
  const keys = signInKeys(ctx.config.secret, 'patron', data.cardNumber, clientAddress);
  await reserveAttempt(ctx.db, ctx.database.ops, [keys.pair, keys.source, keys.account], now, ctx.logger);
  const patron = await repo.findPatronByCard(ctx.db, data.cardNumber);
  const ok = await verifySecret(patron?.pin_hash ?? null, data.pin);
  if (!patron || !ok) throw new UnauthenticatedError(WRONG_LOGIN);
  await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.source, keys.account]);
  const id = newId();
  const secret = newToken();
  const { idleMinutes, publicIdleMinutes, maxHours } = ctx.config.patronSession;
  const absolute = addMs(now, maxHours * HOUR);
  const idle = (data.publicTerminal ? publicIdleMinutes : idleMinutes) * MINUTE;
  await repo.insertPatronSession(ctx.db, {
    id,
    secret_hash: sha256(secret),
    patron_id: patron.id,
    is_public_terminal: data.publicTerminal ? 1 : 0,
    created_at: iso(now),
    last_seen_at: iso(now),
    expires_at: iso(new Date(Math.min(now.getTime() + idle, absolute.getTime()))),
    absolute_expires_at: iso(absolute),
  });
  return {
    token: `${id}.${secret}`,
    actor: {
      kind: 'patron',
      id: patron.id,
      name: patron.name,
      sessionId: id,
      publicTerminal: data.publicTerminal,
      mustChangePin: Number(patron.pin_must_change) === 1,
    },
  };
}

/** A cookie is "<id>.<secret>": the id finds the row, the secret (stored only hashed) proves it. */
function parseToken(token: string): { id: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** Activity is written at most this often, so page views do not all become writes. */
const TOUCH_EVERY_MS = MINUTE / 2;

/** The signed-in patron for a session cookie, or null when it is unknown, forged or expired. */
export async function authenticatePatronSession(ctx: AppContext, token: string): Promise<PatronActor | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const session = await repo.findPatronSession(ctx.db, parsed.id);
  if (!session || !sameHash(session.secret_hash, sha256(parsed.secret))) return null;
  const now = ctx.clock.now();
  if (Date.parse(session.expires_at) <= now.getTime()) {
    await repo.deletePatronSession(ctx.db, session.id);
    return null;
  }
  const patron = await repo.findPatronById(ctx.db, session.patron_id);
  if (!patron) return null;
  const isPublic = Number(session.is_public_terminal) === 1;
  if (now.getTime() - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS) {
    const { idleMinutes, publicIdleMinutes } = ctx.config.patronSession;
    const idleEnd = now.getTime() + (isPublic ? publicIdleMinutes : idleMinutes) * MINUTE;
    await repo.touchPatronSession(
      ctx.db,
      session.id,
      iso(now),
      iso(new Date(Math.min(idleEnd, Date.parse(session.absolute_expires_at)))),
    );
  }
  return {
    kind: 'patron',
    id: patron.id,
    name: patron.name,
    sessionId: session.id,
    publicTerminal: isPublic,
    mustChangePin: Number(patron.pin_must_change) === 1,
  };
}

/** Destroys the session on the server (A4); only the holder of the secret can end it. */
export async function logoutPatron(ctx: AppContext, token: string): Promise<void> {
  const parsed = parseToken(token);
  const session = parsed ? await repo.findPatronSession(ctx.db, parsed.id) : undefined;
  if (parsed && session && sameHash(session.secret_hash, sha256(parsed.secret)))
    await repo.deletePatronSession(ctx.db, parsed.id);
}

/**
 * Checks the patron's current PIN, throttled like signing in so an unattended session cannot be
 * used to guess it: the session is the source, and failures count towards the card's total.
 */
async function confirmOwnPin(
  ctx: AppContext,
  actor: PatronActor,
  pin: string,
  field: string,
): Promise<repo.PatronRow> {
  const me = await repo.findPatronById(ctx.db, actor.id);
  if (!me) throw new UnauthenticatedError('Please sign in again.');
  const keys = signInKeys(ctx.config.secret, 'patron', me.card_number, `session:${actor.sessionId}`);
  await reserveAttempt(ctx.db, ctx.database.ops, [keys.pair, keys.account], ctx.clock.now(), ctx.logger);
  if (!(await verifySecret(me.pin_hash, pin)))
    throw new ValidationError(FIX, { [field]: 'That is not your current PIN.' });
  await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.account]);
  return me;
}

/** Sets a new PIN (the current one is required); every other session of the patron ends. */
export async function changePin(ctx: AppContext, actor: PatronActor, data: ChangePinInput): Promise<void> {
  const problem = pinProblem(data.newPin);
  if (problem) throw new ValidationError(FIX, { newPin: problem });
  const me = await confirmOwnPin(ctx, actor, data.currentPin, 'currentPin');
  const cardProblem = pinProblem(data.newPin, me.card_number);
  if (cardProblem) throw new ValidationError(FIX, { newPin: cardProblem });
  if (data.newPin === data.currentPin)
    throw new ValidationError(FIX, { newPin: 'Choose a PIN different from the current one.' });
  const pinHash = await hashSecret(data.newPin);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePatron(trx, actor.id, {
      pin_hash: pinHash,
      pin_must_change: 0,
      updated_at: iso(ctx.clock.now()),
    });
    await repo.deletePatronSessionsOf(trx, actor.id, actor.sessionId);
  });
}

/**
 * Closes the patron's own account after PIN confirmation, when nothing is out (A5): the account,
 * its holds, sessions and reading history are deleted.
 */
export async function closeOwnAccount(
  ctx: AppContext,
  actor: PatronActor,
  data: ConfirmPinInput,
): Promise<void> {
  await confirmOwnPin(ctx, actor, data.pin, 'pin');
  await deletePatronAccount(ctx, actor.id);
}
