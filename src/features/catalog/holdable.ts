// Whether a title can be placed on hold, from the states of its copies: the one rule that both
// the hold service (which refuses) and the catalog, the hold form and the API (which offer "Place a
// hold" or say why not) use, so they cannot disagree (issue 12 item 15).
import type { ItemStatus } from './catalog.table.ts';

/** Copies in these states cannot be lent, so a hold can never be filled by them. */
export const unholdableStatuses = ['lost', 'missing', 'damaged'] as const satisfies readonly ItemStatus[];

/** A copy that a hold may wait for: on the shelf, out on loan, in transit or on the hold shelf. */
export const isHoldableCopy = (status: ItemStatus): boolean =>
  !(unholdableStatuses as readonly ItemStatus[]).includes(status);

/**
 * Why no hold can be placed on a title with `total` copies of which `holdable` can fill a hold, in
 * words for the patron, or null when one can.
 */
export function holdRefusalFor(copies: { total: number; holdable: number }): string | null {
  if (copies.total === 0) return 'No copies can be placed on hold: the library has no copy of this title.';
  if (copies.holdable === 0)
    return 'No copies can be placed on hold: every copy of this title is lost, missing or damaged.';
  return null;
}

/** holdRefusalFor, from the states of the title's copies. */
export const holdRefusal = (copyStatuses: readonly ItemStatus[]): string | null =>
  holdRefusalFor({ total: copyStatuses.length, holdable: copyStatuses.filter(isHoldableCopy).length });
