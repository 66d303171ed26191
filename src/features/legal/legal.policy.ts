// Who may do what with law-enforcement cases (issue 15; L1): anyone on staff records a visit;
// only the privacy officer and counsel (and the operator at the command line) read a case file.
import type { Actor } from '../staff/staff.policy.ts';

/** Recording a visit: every signed-in staff member, whatever their role (L1). */
export const canOpenCase = (actor: Actor): boolean => actor.kind === 'staff';
/** Reading a case file. */
export const canReadCases = (actor: Actor): boolean =>
  actor.kind === 'system' ||
  (actor.kind === 'staff' && actor.roles.some((r) => r === 'privacy-officer' || r === 'counsel'));
/**
 * Working on cases (L2): the privacy officer runs them, counsel reviews them, the director (an
 * administrator so flagged) decides emergencies with counsel. Which of them may take which step is
 * the state machine's business (legal.states.ts). The operator at the command line passes here; the
 * machine lets the clock only end emergencies whose time ran out.
 */
export const canWorkOnCases = (actor: Actor): boolean =>
  actor.kind === 'system' ||
  actor.roles.some((r) => r === 'privacy-officer' || r === 'counsel') ||
  (actor.isDirector === true && actor.roles.includes('admin'));

/**
 * Other staff take no step in a case beyond recording it, with one exception the state machine
 * makes: whoever is at the desk when agents serve a search warrant puts the case on the warrant
 * path, so that the agents are not obstructed and counsel is called at once.
 */
export const canTakeStep = (actor: Actor, event: string): boolean =>
  canWorkOnCases(actor) || (actor.kind === 'staff' && event === 'execute_warrant');
