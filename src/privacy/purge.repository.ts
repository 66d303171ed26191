// SQL for the purge engine (purge.ts): the statements each retention rule of the inventory turns
// into. Every table and column name comes from the inventory, never from input; values are bound.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AgeRule, TableEntry } from './inventory.ts';

/** A WHERE condition over one inventory table, aliased purge_target; built only by purgeConditions. */
export type PurgeCondition = RawBuilder<unknown>;

const TARGET = sql.raw('purge_target');
const col = (name: string) => sql.ref(`purge_target.${name}`);

/** The rows of a table that `r` says have expired by `cutoff`. */
function conditionSql(r: AgeRule, cutoff: string): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`${col(r.after)} IS NOT NULL`, sql`${col(r.after)} <= ${cutoff}`];
  for (const w of r.where ?? []) {
    if (w.op === 'is null') parts.push(sql`${col(w.column)} IS NULL`);
    else if (w.op === 'is not null') parts.push(sql`${col(w.column)} IS NOT NULL`);
    else if (w.op === '=') parts.push(sql`${col(w.column)} = ${w.value}`);
    else parts.push(sql`${col(w.column)} <> ${w.value}`);
  }
  return sql.join(parts, sql` AND `);
}

/**
 * True for a row of `t` covered by an active legal hold: one that names the row's table (or all
 * tables), the row's subject (or, naming a table, every subject in it), and a period containing
 * the row's date. A table without a holdScope has no rows a hold can name.
 */
export function heldPredicate(t: TableEntry, nowIso: string): RawBuilder<unknown> {
  const scope = t.holdScope;
  if (!scope) return sql`1 = 0`;
  const subjectMatch = scope.subject
    ? sql`((h.subject_id IS NULL AND h.table_name = ${t.table})
           OR (h.subject_kind = ${scope.subject.kind} AND h.subject_id = ${col(scope.subject.column)}))`
    : sql`(h.subject_id IS NULL AND h.table_name = ${t.table})`;
  return sql`EXISTS (
    SELECT 1 FROM legal_holds h
    WHERE h.released_at IS NULL
      AND (h.expires_at IS NULL OR h.expires_at > ${nowIso})
      AND (h.table_name IS NULL OR h.table_name = ${t.table})
      AND ${subjectMatch}
      AND (h.from_at IS NULL OR ${col(scope.dateColumn)} >= h.from_at)
      AND (h.to_at IS NULL OR ${col(scope.dateColumn)} <= h.to_at))`;
}

/** The rows of `t` matching `where` (a condition from purgeConditions), counted. */
export async function countPurgeRows(db: Kysely<DB>, t: TableEntry, where: PurgeCondition): Promise<number> {
  const res = await sql<{ n: number }>`
    SELECT COUNT(*) AS n FROM ${sql.table(t.table)} AS ${TARGET} WHERE ${where}`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

/** Deletes one batch of expired, unheld rows (in a transaction of its own); returns how many went. */
export async function deletePurgeBatch(
  db: Kysely<DB>,
  t: TableEntry,
  eligible: PurgeCondition,
  limit: number,
): Promise<number> {
  const pk = sql.ref(t.primaryKey);
  const res = await db.transaction().execute((trx) =>
    sql`DELETE FROM ${sql.table(t.table)} WHERE ${pk} IN (
          SELECT ${col(t.primaryKey)} FROM ${sql.table(t.table)} AS ${TARGET} WHERE ${eligible} LIMIT ${limit})`.execute(
      trx,
    ),
  );
  return Number(res.numAffectedRows ?? 0n);
}

/**
 * The conditions of one age rule now: `eligible` rows are expired and under no active legal hold
 * (the ones to delete); `expiredHeld` rows are expired but kept by a hold (counted in the run).
 */
export function purgeConditions(
  t: TableEntry,
  rule: AgeRule,
  cutoff: string,
  nowIso: string,
): { eligible: PurgeCondition; expiredHeld: PurgeCondition } {
  const expired = conditionSql(rule, cutoff);
  const held = heldPredicate(t, nowIso);
  return { eligible: sql`${expired} AND NOT ${held}`, expiredHeld: sql`${expired} AND ${held}` };
}
