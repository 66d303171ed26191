// Several writes of one transaction sent to the database together. On PostgreSQL they become one
// statement — data-modifying WITH queries, `WITH w0 AS (INSERT …), w1 AS (UPDATE …) INSERT …` —
// so a check-out's four or five writes cost one round trip instead of one each; every round trip
// on the desk's path is latency (bench/README.md, "circulation"). SQLite runs in-process, has no
// round trips to save and no data-modifying WITH, so there they run one after another.
//
// Only for writes that are independent of each other: in one PostgreSQL statement every part sees
// the same snapshot and none sees another's changes, and no two parts may change the same row.
import type { Compilable, CompiledQuery, Kysely, QueryCreator } from 'kysely';
import type { DB } from './schema.ts';
import type { DialectOps } from './dialects.ts';
import { commitWith, keepPrepared } from './pg-driver.ts';

/** One INSERT, UPDATE or DELETE, built on the query creator it is given. */
export type Write = (qc: QueryCreator<DB>) => Compilable & { execute(): Promise<unknown> };

/** The statements executeWrites sends: one on PostgreSQL, one per write on SQLite. */
export function compileWrites(db: Kysely<DB>, ops: DialectOps, writes: Write[]): CompiledQuery[] {
  const last = writes[writes.length - 1];
  if (!last) return [];
  if (ops.name !== 'postgres' || writes.length === 1) return writes.map((w) => w(db).compile());
  let qc: QueryCreator<DB> = db;
  for (const [i, w] of writes.slice(0, -1).entries())
    // Kysely's types follow each CTE's result row; these writes return none and nothing reads them.
    qc = qc.with(`w${i}`, (q) => w(q) as never) as unknown as QueryCreator<DB>;
  return [last(qc).compile()];
}

/**
 * Runs the writes. With `commit: true` they are the last statements of the transaction `db` belongs
 * to: on PostgreSQL its COMMIT is sent in the same round trip (pg-driver.ts), and nothing may run in
 * the transaction after them.
 */
export async function executeWrites(
  db: Kysely<DB>,
  ops: DialectOps,
  writes: Write[],
  options: { commit?: boolean } = {},
): Promise<void> {
  // Their SQL is fixed by the code (values are parameters), so PostgreSQL may keep them prepared.
  const statements = compileWrites(db, ops, writes).map(keepPrepared);
  const last = statements[statements.length - 1];
  if (last && options.commit) commitWith(last);
  for (const q of statements) await db.executeQuery(q);
}
