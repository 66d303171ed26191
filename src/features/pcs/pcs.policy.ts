// Who runs the public computers: staff with the "pc-staff" role and administrators (issue 14).
import type { Actor } from '../../auth/actors.ts';
import { ForbiddenError } from '../../errors.ts';

/** Manage stations and groups, live sessions, the waiting list, guest passes and statistics. */
export const canManagePcs = (actor: Actor): boolean =>
  actor.kind === 'system' || actor.roles.includes('pc-staff') || actor.roles.includes('admin');

/** Throws ForbiddenError unless the actor may manage public computers. */
export function assertCanManagePcs(actor: Actor): void {
  if (!canManagePcs(actor))
    throw new ForbiddenError('Public computers are managed by their staff and administrators.');
}
