// Counting the accounts under a sustained, distributed sign-in attack, for the alert on the
// administrators' staff home page (issue 12 item 7, A3). Counts only: the counters are keyed
// hashes and nothing here returns a key, so no account, card, user name or address can reach a
// page (G4).
import type { Kysely } from 'kysely';
import { iso } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import { countCountersByKind } from './throttle.repository.ts';
import { ACCOUNT_RULE, accountKind, type CapRule } from './throttle.ts';

/** The sign-in scopes whose all-address account counters the alert counts (see signInKeys). */
export const ALERT_SCOPES = ['patron', 'staff'] as const;
export type AlertScope = (typeof ALERT_SCOPES)[number];

export interface SignInAttackCounts {
  /** Accounts whose all-address counter is at or above its alert level now. */
  underAttack: Record<AlertScope, number>;
  /** Of those, the accounts whose allowance is full: they take no tries until one is forgiven. */
  full: Record<AlertScope, number>;
}

/**
 * How many counters of each kind have a leaky-bucket level of at least `minLevel` now. The level
 * of a counter with `f` failures is `f` less one per whole leak period since its last failure
 * (capLevel in throttle.ts), so it is at least `minLevel` exactly while that last failure is less
 * than `f - minLevel + 1` leak periods old: one condition per possible `f`, which both databases
 * can answer from the stored ISO-8601 text without date arithmetic.
 */
async function countAtLevel(
  db: Kysely<DB>,
  kinds: string[],
  rule: CapRule,
  minLevel: number,
  now: Date,
): Promise<Map<string, number>> {
  const levels = Array.from({ length: rule.capacity - minLevel + 1 }, (_, i) => minLevel + i);
  const rows = await countCountersByKind(
    db,
    kinds,
    levels.map((f) => ({
      failures: f,
      lastFailureAfter: iso(new Date(now.getTime() - (f - minLevel + 1) * rule.leakEveryMs)),
    })),
  );
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}

/** Patron and staff accounts taking failed sign-ins from several addresses at once, counted now. */
export async function countAccountsUnderAttack(db: Kysely<DB>, now: Date): Promise<SignInAttackCounts> {
  const kinds = ALERT_SCOPES.map(accountKind);
  const alerting = await countAtLevel(db, kinds, ACCOUNT_RULE, ACCOUNT_RULE.alertAt, now);
  const full = await countAtLevel(db, kinds, ACCOUNT_RULE, ACCOUNT_RULE.capacity, now);
  const per = (m: Map<string, number>) =>
    Object.fromEntries(ALERT_SCOPES.map((s) => [s, m.get(accountKind(s)) ?? 0])) as Record<
      AlertScope,
      number
    >;
  return { underAttack: per(alerting), full: per(full) };
}
