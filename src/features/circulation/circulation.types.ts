// Types the circulation services share, in a file of their own so holds.service.ts and
// circulation.service.ts need not import each other both ways.
import type { PatronActor } from '../patrons/patron-actor.ts';
import type { Actor } from '../staff/staff.policy.ts';

/** Who is asking: a patron about their own account, or staff at the desk. */
export type Who = { kind: 'patron'; patron: PatronActor } | { kind: 'staff'; actor: Actor };

/** What a check-in did with the copy, and where it goes now. */
export interface CheckinResult {
  title: string;
  barcode: string;
  /** Whether a loan ended (false for a copy that was on the shelf, e.g. a pulled hold). */
  wasOnLoan: boolean;
  /** Where the copy goes now. */
  route:
    | { to: 'shelf' }
    | { to: 'hold_shelf'; pickupCode: string; shelfExpiresAt: string }
    | { to: 'transit'; branch: string; forHold: boolean }
    | { to: 'damaged' };
}
