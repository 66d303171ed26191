// Who may do what at the circulation desk. Plain functions, tested per role.
import type { CirculationPolicy, LoanRule } from '../../library.ts';
import type { DeskActor } from '../../auth/actors.ts';
import type { Actor } from '../staff/staff.policy.ts';

/**
 * Circulation and admin staff work the desk (and the command line, as the system); a SIP2
 * self-check machine signed in with its account does the same check-outs, check-ins, renewals and
 * holds (issue 14 item 8).
 */
export const canUseDesk = (actor: DeskActor): boolean =>
  actor.kind === 'system' ||
  actor.kind === 'sip2' ||
  actor.roles.some((r) => r === 'circulation' || r === 'admin');

/**
 * Staff holding one of the configured override roles may lend past a limit or block, with a
 * reason. A self-check machine never may.
 */
export const canOverrideLoanRules = (actor: DeskActor, policy: CirculationPolicy): boolean =>
  actor.kind === 'sip2'
    ? false
    : actor.kind === 'system' || actor.roles.some((r) => policy.overrideRoles.includes(r));

/** Circulation statistics (patron-free counts) for desk staff, admins and the privacy officer. */
export const canViewCirculationCounts = (actor: Actor): boolean =>
  actor.kind === 'system' ||
  actor.roles.some((r) => r === 'circulation' || r === 'admin' || r === 'privacy-officer');

/** The most specific rule for a material type at a branch: branch + type, type, branch + *, *. */
export function loanRuleFor(policy: CirculationPolicy, materialType: string, branch: string): LoanRule {
  const rules = policy.loanRules;
  return (
    rules.find((r) => r.materialType === materialType && r.branch === branch) ??
    rules.find((r) => r.materialType === materialType && !r.branch) ??
    rules.find((r) => r.materialType === '*' && r.branch === branch) ??
    // The schema guarantees a default rule.
    rules.find((r) => r.materialType === '*' && !r.branch)!
  );
}
