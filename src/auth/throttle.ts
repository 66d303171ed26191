// Growing back-off for failed sign-ins (A3), per account and per client, stored as keyed hashes
// so neither the user name nor the address is kept. No permanent lock-out: every block ends by itself.
//
// An attempt is *reserved* — counted as a failure — before the password is checked, in one
// transaction that locks the counters, so a burst of parallel guesses is throttled exactly like
// guesses sent one after another. A successful attempt gives its reservation back.
import type { Kysely } from 'kysely';
import { addMs, iso } from '../clock.ts';
import type { DialectOps } from '../db/dialects.ts';
import type { DB } from '../db/schema.ts';
import { hmac } from '../ids.ts';
import { TooManyRequestsError } from '../errors.ts';
import { plural } from '../plural.ts';

export interface ThrottleKey {
  key: string;
  /** Failures allowed before delays begin. Clients get more: a branch's staff share one address. */
  freeFailures: number;
}

const MAX_DELAY_MS = 15 * 60_000;
const EPOCH = '1970-01-01T00:00:00.000Z';

/** Delay after the n-th failure in a row: nothing for the free ones, then 1 s, 2 s, 4 s … 15 min. */
export const backoffMs = (failures: number, freeFailures: number): number =>
  failures <= freeFailures ? 0 : Math.min(1000 * 2 ** (failures - freeFailures - 1), MAX_DELAY_MS);

export const throttleKey = (
  secret: string,
  kind: string,
  value: string,
  freeFailures: number,
): ThrottleKey => ({
  key: hmac(secret, `${kind}:${value}`),
  freeFailures,
});

function tooMany(seconds: number): TooManyRequestsError {
  return new TooManyRequestsError(
    `Too many failed sign-in attempts. Please wait ${seconds < 120 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute')} and try again.`,
    seconds,
  );
}

/**
 * Counts an attempt against every key, or throws TooManyRequestsError (counting nothing) while
 * any key is blocked.
 */
export async function reserveAttempt(
  db: Kysely<DB>,
  ops: DialectOps,
  keys: ThrottleKey[],
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('login_throttle')
      .values(keys.map((k) => ({ key: k.key, failures: 0, last_failure_at: iso(now), blocked_until: EPOCH })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const rows = await trx
      .selectFrom('login_throttle')
      .select(['key', 'failures', 'blocked_until'])
      .where(
        'key',
        'in',
        keys.map((k) => k.key),
      )
      .orderBy('key')
      .modifyEnd(ops.forUpdate())
      .execute();
    const until = Math.max(0, ...rows.map((r) => Date.parse(r.blocked_until)));
    if (until > now.getTime()) throw tooMany(Math.ceil((until - now.getTime()) / 1000));
    for (const k of keys) {
      const failures = (rows.find((r) => r.key === k.key)?.failures ?? 0) + 1;
      await trx
        .updateTable('login_throttle')
        .set({
          failures,
          last_failure_at: iso(now),
          blocked_until: iso(addMs(now, backoffMs(failures, k.freeFailures))),
        })
        .where('key', '=', k.key)
        .execute();
    }
  });
}

/** After a successful attempt: the account's counter is cleared, a shared client's reservation returned. */
export async function attemptSucceeded(
  db: Kysely<DB>,
  clear: ThrottleKey,
  giveBack: ThrottleKey[] = [],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('login_throttle').where('key', '=', clear.key).execute();
    for (const k of giveBack) {
      await trx
        .updateTable('login_throttle')
        .set((eb) => ({ failures: eb('failures', '-', 1) }))
        .where('key', '=', k.key)
        .where('failures', '>', 0)
        .execute();
      await trx.deleteFrom('login_throttle').where('key', '=', k.key).where('failures', '<=', 0).execute();
    }
  });
}
