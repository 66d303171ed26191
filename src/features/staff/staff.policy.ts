// Permission checks: plain functions of the actor, tested per role (staff.policy.test.ts).
import type { Role } from './roles.ts';

/** Someone acting in the staff interface. */
export interface StaffActor {
  kind: 'staff';
  id: string;
  username: string;
  displayName: string;
  roles: readonly Role[];
  mustChangePassword: boolean;
}

/** An operator at the server's command line: already trusted with the whole installation. */
export interface SystemActor {
  kind: 'system';
}

export type Actor = StaffActor | SystemActor;

const has = (actor: Actor, ...roles: Role[]): boolean =>
  actor.kind === 'system' || roles.some((r) => actor.roles.includes(r));

export const canManageStaff = (actor: Actor): boolean => has(actor, 'admin');
export const canViewPurgeRuns = (actor: Actor): boolean => has(actor, 'admin', 'privacy-officer');
export const canRunPurge = (actor: Actor): boolean => has(actor, 'admin');
export const canViewJobQueue = (actor: Actor): boolean => has(actor, 'admin');
