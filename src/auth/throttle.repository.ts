// SQL for the sign-in throttle's counters (login_throttle): keyed hashes, never an account name
// or an address (A3, G4). The rules that decide the counters' values stay in throttle.ts.
import type { Kysely, Transaction } from 'kysely';
import type { DialectOps } from '../db/dialects.ts';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A counter's stored values. */
export interface CounterValues {
  failures: number;
  last_failure_at: string;
  blocked_until: string;
}

/** Creates each missing counter with the given starting values; existing counters are left alone. */
export async function insertMissingCounters(
  db: Db,
  rows: Array<CounterValues & { key: string; kind: string }>,
): Promise<void> {
  await db
    .insertInto('login_throttle')
    .values(rows)
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/** The stored counters of `keys`, locked until the transaction ends (in key order, against deadlocks). */
export const findCountersForUpdate = (trx: Transaction<DB>, ops: DialectOps, keys: string[]) =>
  trx
    .selectFrom('login_throttle')
    .select(['key', 'failures', 'last_failure_at', 'blocked_until'])
    .where('key', 'in', keys)
    .orderBy('key')
    .modifyEnd(ops.forUpdate())
    .execute();

/** Stores a counter's new values (and, when given, its kind). */
export async function updateCounter(
  db: Db,
  key: string,
  values: CounterValues & { kind?: string },
): Promise<void> {
  await db.updateTable('login_throttle').set(values).where('key', '=', key).execute();
}

/** Deletes the counters of `keys`. */
export async function deleteCounters(db: Db, keys: string[]): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', 'in', keys).execute();
}

/** Deletes one counter. */
export async function deleteCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/**
 * How many counters of each of `kinds` match any of `conditions` (a failure count and a time its
 * period must have started after), per kind: one statement, answered from the stored ISO-8601 text.
 */
export async function countCountersByKind(
  db: Db,
  kinds: string[],
  conditions: Array<{ failures: number; lastFailureAfter: string }>,
): Promise<Array<{ kind: string; n: number }>> {
  const rows = await db
    .selectFrom('login_throttle')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', 'in', kinds)
    .where((eb) =>
      eb.or(
        conditions.map((c) =>
          eb.and([eb('failures', '=', c.failures), eb('last_failure_at', '>', c.lastFailureAfter)]),
        ),
      ),
    )
    .groupBy('kind')
    .limit(kinds.length)
    .execute();
  return rows.map((r) => ({ kind: r.kind, n: Number(r.n) }));
}
