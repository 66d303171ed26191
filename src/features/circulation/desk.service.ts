// The desk's patron: finding them by card or id, and opening them, which is logged (A6).
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { AccessPurpose } from '../patrons/access-log.ts';
import { logPatronAccess } from '../patrons/access-log.repository.ts';
import { findPatronByCard, findPatronById, type PatronRow } from '../patrons/patrons.repository.ts';
import type { DeskActor } from '../../auth/actors.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canUseDesk } from './circulation.policy.ts';

export function requireDesk(actor: DeskActor): void {
  if (!canUseDesk(actor)) throw new ForbiddenError('Only circulation staff and administrators use the desk.');
}

/**
 * Finds the patron to open at the desk by card number or id, without logging: the desk page that
 * then shows the patron logs that view (openPatronAtDesk, A6).
 */
export async function findPatronForDesk(
  ctx: AppContext,
  actor: Actor,
  input: { card?: string | undefined; patronId?: string | undefined },
): Promise<PatronRow> {
  requireDesk(actor);
  const card = input.card?.trim();
  const patron = card
    ? await findPatronByCard(ctx.db, card)
    : input.patronId
      ? await findPatronById(ctx.db, input.patronId)
      : undefined;
  if (!patron)
    throw new NotFoundError(card ? 'No patron has that card number.' : 'That patron account does not exist.');
  return patron;
}

/** Opens a patron at the desk by card number (or id) and writes the access-log entry (A6). */
export async function openPatronAtDesk(
  ctx: AppContext,
  actor: Actor,
  input: { card?: string; patronId?: string; purpose: AccessPurpose },
): Promise<PatronRow> {
  const patron = await findPatronForDesk(ctx, actor, input);
  if (actor.kind === 'staff')
    await logPatronAccess(ctx.db, {
      staffId: actor.id,
      patronId: patron.id,
      purpose: input.purpose,
      at: iso(ctx.clock.now()),
    });
  return patron;
}
