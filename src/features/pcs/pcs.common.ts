// What the public-computer services share: refusal reasons, the day's key and card key, the
// branch from the library file, and counting refusals (P1–P3).
import { iso, localDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import type { Branch } from '../../library.ts';
import { normalizeCardNumber } from '../patrons/card-numbers.ts';
import { dayHmac, newDayKey } from './pcs.keys.ts';
import { patronSource } from './pcs.patron-choice.ts';
import type { PatronCheck } from './pcs.patron-source.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';
import { localHour } from './pcs.rules.ts';

/** Why a login (or joining the list) is refused; the client API maps each to a Libki code. */
export const refusalReasons = [
  'ACCOUNT_DISABLED',
  'ACCOUNT_EXPIRED',
  'BAD_LOGIN',
  'NO_TIME',
  'CLOSED',
  'AGE_BAND',
  'RESERVED',
  'OUT_OF_ORDER',
  'UNKNOWN_STATION',
  'STATION_NOT_APPROVED',
  'ALREADY_IN_USE',
  'STATION_BUSY',
  'ILS_UNAVAILABLE',
] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export interface Refused {
  ok: false;
  reason: RefusalReason;
  /** A short text from the library system (SIP2 AF) to show instead of the reason's own. */
  message?: string;
}

/** The library day now, in the library's time zone. */
export const today = (ctx: AppContext): string => localDay(ctx.clock.now(), ctx.config.library.timezone);

export function branchOf(ctx: AppContext, code: string): Branch {
  const b = ctx.config.library.branches.find((x) => x.code === code);
  if (!b) throw new NotFoundError(`There is no branch ${code}.`);
  return b;
}

/** Today's key, made on first use (one per library day; destroyed at rollover). */
export function dayKey(ctx: AppContext, db: repo.Db, day: string): Promise<string> {
  return repo.findOrCreateDayKey(db, day, newDayKey(), iso(ctx.clock.now()));
}

/** The card's code for a day: HMAC-SHA256(day key, normalized card number). */
export async function cardKeyFor(
  ctx: AppContext,
  db: repo.Db,
  day: string,
  cardNumber: string,
): Promise<string> {
  return dayHmac(await dayKey(ctx, db, day), normalizeCardNumber(cardNumber));
}

/** Counts a refusal in pc_refusals (never who, never the message) and returns it. */
export async function refuse(
  ctx: AppContext,
  where: { branch: string; groupId: string | null },
  reason: RefusalReason,
  message?: string,
): Promise<Refused> {
  const now = ctx.clock.now();
  await queue.addRefusal(ctx.db, {
    day: localDay(now, ctx.config.library.timezone),
    hour: localHour(now, ctx.config.library.timezone),
    branch: where.branch,
    group_id: where.groupId ?? '',
    reason,
  });
  return { ok: false, reason, ...(message ? { message } : {}) };
}

/** What a client sends to sign in: a Carrel card and PIN, or a guest-pass code. */
export type PcCredentials =
  { kind: 'card'; cardNumber: string; pin: string } | { kind: 'pass'; code: string };

/**
 * Card + PIN checked by the configured patron source (Carrel's own patrons or another library
 * system over SIP2). Nothing of the card leaves this function but its number and age band.
 */
export function checkCard(ctx: AppContext, cardNumber: string, pin: string): Promise<PatronCheck> {
  return patronSource(ctx).check(ctx, cardNumber, pin);
}
