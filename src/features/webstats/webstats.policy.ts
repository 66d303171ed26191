// Who reads website statistics: the webmaster and administrators (issue 5).
import type { Actor } from '../staff/staff.policy.ts';

export const canViewWebStats = (actor: Actor): boolean =>
  actor.kind === 'system' || actor.roles.includes('webmaster') || actor.roles.includes('admin');
