// The sign-in attack alert (issue 12 item 7, A3): how many patron and staff accounts are taking
// failed sign-ins from several addresses at once. Counts only — never which account, card, user
// name or address (G4) — for administrators and the privacy officer.
import { countAccountsUnderAttack, type SignInAttackCounts } from '../../auth/throttle-alerts.ts';
import type { AppContext } from '../../context.ts';
import { ForbiddenError } from '../../errors.ts';
import { canViewSignInAlerts, type Actor } from './staff.policy.ts';

export type { SignInAttackCounts };

/** True when the counts have something to say. */
export const isUnderAttack = (c: SignInAttackCounts): boolean =>
  c.underAttack.patron + c.underAttack.staff > 0;

/** The counts for the "Failed sign-ins" page; ForbiddenError for roles that may not see them. */
export async function getSignInAttacks(ctx: AppContext, actor: Actor): Promise<SignInAttackCounts> {
  if (!canViewSignInAlerts(actor))
    throw new ForbiddenError('Only administrators and the privacy officer can see failed sign-ins.');
  return countAccountsUnderAttack(ctx.db, ctx.clock.now());
}

/** The alert for the staff home page: null for roles that do not see it, and while nothing is going on. */
export async function findSignInAlert(ctx: AppContext, actor: Actor): Promise<SignInAttackCounts | null> {
  if (!canViewSignInAlerts(actor)) return null;
  const counts = await countAccountsUnderAttack(ctx.db, ctx.clock.now());
  return isUnderAttack(counts) ? counts : null;
}
