// Types the circulation services share (in a file of their own, so holds.service.ts and
// circulation.service.ts do not import each other; issue 13 part 1).
import type { PatronActor } from '../patrons/patron-actor.ts';
import type { DeskActor } from '../../auth/actors.ts';

export type Who = { kind: 'patron'; patron: PatronActor } | { kind: 'staff'; actor: DeskActor };

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
