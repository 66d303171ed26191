// Growing back-off for failed sign-ins (A3), per account and per client, stored as keyed hashes
// so neither the user name nor the address is kept. No permanent lock-out: every block ends by itself.
import type { Kysely } from 'kysely';
import { addMs, iso } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import { hmac } from '../ids.ts';
import { TooManyRequestsError } from '../errors.ts';

export interface ThrottleKey {
  key: string;
  /** Failures allowed before delays begin. Clients get more: a branch's staff share one address. */
  freeFailures: number;
}

const MAX_DELAY_MS = 15 * 60_000;

/** Delay after the n-th failure in a row: nothing for the free ones, then 1 s, 2 s, 4 s … 15 min. */
export const backoffMs = (failures: number, freeFailures: number): number =>
  failures <= freeFailures ? 0 : Math.min(1000 * 2 ** (failures - freeFailures - 1), MAX_DELAY_MS);

export const throttleKey = (secret: string, kind: string, value: string, freeFailures: number): ThrottleKey => ({
  key: hmac(secret, `${kind}:${value}`),
  freeFailures,
});

/** Throws TooManyRequestsError while any key is blocked. */
export async function assertNotThrottled(db: Kysely<DB>, keys: ThrottleKey[], now: Date): Promise<void> {
  const rows = await db.selectFrom('login_throttle').select(['blocked_until']).where('key', 'in', keys.map((k) => k.key)).execute();
  const until = Math.max(0, ...rows.map((r) => Date.parse(r.blocked_until)));
  if (until > now.getTime()) {
    const seconds = Math.ceil((until - now.getTime()) / 1000);
    throw new TooManyRequestsError(
      `Too many failed sign-in attempts. Please wait ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`} and try again.`,
      seconds,
    );
  }
}

export async function recordFailure(db: Kysely<DB>, keys: ThrottleKey[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const k of keys) {
      const row = await trx.selectFrom('login_throttle').select('failures').where('key', '=', k.key).executeTakeFirst();
      const failures = (row?.failures ?? 0) + 1;
      const values = { failures, last_failure_at: iso(now), blocked_until: iso(addMs(now, backoffMs(failures, k.freeFailures))) };
      await trx
        .insertInto('login_throttle')
        .values({ key: k.key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    }
  });
}

export async function clearFailures(db: Kysely<DB>, key: ThrottleKey): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key.key).execute();
}
