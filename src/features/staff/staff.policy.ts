// Permission checks: plain functions of the actor, tested per role (staff.policy.test.ts).
import type { Actor } from '../../auth/actors.ts';
import type { Role } from './roles.ts';

export type { Actor, StaffActor, SystemActor } from '../../auth/actors.ts';

const has = (actor: Actor, ...roles: Role[]): boolean =>
  actor.kind === 'system' || roles.some((r) => actor.roles.includes(r));

export const canManageStaff = (actor: Actor): boolean => has(actor, 'admin');
export const canViewPurgeRuns = (actor: Actor): boolean => has(actor, 'admin', 'privacy-officer');
export const canRunPurge = (actor: Actor): boolean => has(actor, 'admin');
export const canViewJobQueue = (actor: Actor): boolean => has(actor, 'admin');
/**
 * Seeing how many accounts take failed sign-ins from many addresses at once (counts only, never
 * which): administrators, and the privacy officer, since such attacks aim at patron records (A3).
 */
export const canViewSignInAlerts = (actor: Actor): boolean => has(actor, 'admin', 'privacy-officer');
/** Reading the development mailbox (e-mail held back while no SMTP server is configured). */
export const canReadDevMailbox = (actor: Actor): boolean => has(actor, 'admin');
/** Registering patrons and editing their account details: the circulation desk (A1). */
export const canRegisterPatrons = (actor: Actor): boolean => has(actor, 'circulation', 'admin');
/** Opening a patron record (always with a purpose, written to the access log, A6). */
export const canViewPatron = (actor: Actor): boolean => has(actor, 'circulation', 'admin');
/** Reading the staff access log: the privacy officer alone (A6), not even administrators. */
export const canReadAccessLog = (actor: Actor): boolean =>
  actor.kind === 'system' || actor.roles.includes('privacy-officer');
/** Writing and sending announcements to subscribed patrons (N1): the webmaster and administrators. */
export const canManageAnnouncements = (actor: Actor): boolean => has(actor, 'webmaster', 'admin');
