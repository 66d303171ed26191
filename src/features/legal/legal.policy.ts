// Who may do what with law-enforcement cases (issue 15; L1): anyone on staff records a visit;
// only the privacy officer and counsel (and the operator at the command line) read a case file.
import type { Actor } from '../staff/staff.policy.ts';

/** Recording a visit: every signed-in staff member, whatever their role (L1). */
export const canOpenCase = (actor: Actor): boolean => actor.kind === 'staff';
/** Reading a case file. */
export const canReadCases = (actor: Actor): boolean =>
  actor.kind === 'system' ||
  (actor.kind === 'staff' && actor.roles.some((r) => r === 'privacy-officer' || r === 'counsel'));
