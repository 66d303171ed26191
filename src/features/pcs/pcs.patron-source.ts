// Who checks the card and PIN of a public-computer login (issue 14 item 9; P1, P3): the interface,
// and Carrel's own patrons behind it (another library system over SIP2 is in
// pcs-sip2.patron-source.ts; pcs.patron-choice.ts picks one). Either way the services get back only what they need — the
// card number for the day key, and the age band — never a name or a patron id. Guest passes are
// always Carrel's own and never come here.
import type { AppContext } from '../../context.ts';
import { iso } from '../../clock.ts';
import { verifySecret } from '../../auth/passwords.ts';
import { normalizeCardNumber } from '../patrons/card-numbers.ts';
import * as repo from './pcs.repository.ts';

/** A card that may sign in: its normalized number (for the day key only) and its age band. */
export interface PcPatron {
  cardNumber: string;
  ageBand: string | null;
}

/** Why a card may not sign in; `message` is a short text for the patron from the library system. */
export type PatronRefusal = {
  ok: false;
  reason: 'BAD_LOGIN' | 'ACCOUNT_DISABLED' | 'ACCOUNT_EXPIRED' | 'ILS_UNAVAILABLE';
  message?: string;
};

export type PatronCheck = { ok: true; patron: PcPatron } | PatronRefusal;

/** Checks card + PIN; the credentials never leave the call except to the library system itself. */
export interface PatronSource {
  check(ctx: AppContext, cardNumber: string, pin: string): Promise<PatronCheck>;
  /** Connects ahead of the first login where that means anything (logs the outcome). */
  warmUp(ctx: AppContext): Promise<void>;
  close(): Promise<void>;
}

/**
 * Carrel's own patrons: one argon2 verification of card + PIN (an unknown card costs the same,
 * A2), then the card's block and expiry.
 */
export const carrelPatrons: PatronSource = {
  async check(ctx, cardNumber, pin) {
    const card = await repo.findCardForPcs(ctx.db, normalizeCardNumber(cardNumber));
    const ok = await verifySecret(card?.pin_hash ?? null, pin);
    if (!card || !ok) return { ok: false, reason: 'BAD_LOGIN' };
    if (card.block_reason !== null) return { ok: false, reason: 'ACCOUNT_DISABLED' };
    if (card.card_expires_at <= iso(ctx.clock.now())) return { ok: false, reason: 'ACCOUNT_EXPIRED' };
    return { ok: true, patron: { cardNumber: card.card_number, ageBand: card.age_band } };
  },
  warmUp: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
