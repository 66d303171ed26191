// Who may work the Ask a Librarian desk. Plain functions of the actor, tested per role.
import type { Actor } from '../staff/staff.policy.ts';

const referenceOrAdmin = (actor: Actor): boolean =>
  actor.kind === 'system' || actor.roles.some((r) => r === 'reference' || r === 'admin');

/** The question queue, answering, notes, classifying and closing: reference staff and admins. */
export const canUseReferenceDesk = referenceOrAdmin;
/** Reference statistics (suppressed counts, G7). */
export const canViewReferenceStats = referenceOrAdmin;
/** Publishing and unpublishing FAQ entries made from scrubbed questions. */
export const canManageFaq = referenceOrAdmin;
