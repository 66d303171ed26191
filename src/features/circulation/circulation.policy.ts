// Who may do what at the circulation desk. Plain functions, tested per role.
import type { CirculationPolicy, LoanRule } from '../../library.ts';
import type { Actor } from '../staff/staff.policy.ts';

/** Circulation and admin staff work the desk (and the command line, as the system). */
export const canUseDesk = (actor: Actor): boolean =>
  actor.kind === 'system' || actor.roles.some((r) => r === 'circulation' || r === 'admin');

/** Staff holding one of the configured override roles may lend past a limit or block, with a reason. */
export const canOverrideLoanRules = (actor: Actor, policy: CirculationPolicy): boolean =>
  actor.kind === 'system' || actor.roles.some((r) => policy.overrideRoles.includes(r));

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
