// Who may do what in the staff catalog: plain functions of the actor, tested per role.
import type { Actor } from '../staff/staff.policy.ts';
import type { Role } from '../staff/roles.ts';

const has = (actor: Actor, ...roles: Role[]): boolean =>
  actor.kind === 'system' || roles.some((r) => actor.roles.includes(r));

/** Loading MARC files replaces catalog data in bulk: administrators only. */
export const canImportCatalog = (actor: Actor): boolean => has(actor, 'admin');
/** Adding and editing copies is everyday work at the desk. */
export const canManageItems = (actor: Actor): boolean => has(actor, 'admin', 'circulation');
/** The staff record list and record pages (no personal data on them). */
export const canViewStaffCatalog = (actor: Actor): boolean => has(actor, 'admin', 'circulation', 'reference');
