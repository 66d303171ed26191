// The data inventory (G1): a declaration of every column of every table. It drives the purge
// engine (G2), the public privacy page and the patron's own export (G3). Each feature declares
// its tables in <feature>.privacy.ts; buildInventory() (registry.ts) collects them.
import type { Role } from '../auth/roles.ts';
import { plural } from '../plural.ts';

/** Kinds of personal data, as the privacy page groups them. */
export const personalCategories = {
  identity: 'Who someone is (names, user names)',
  contact: 'How to reach someone (e-mail, phone, address)',
  credential: 'Secrets for signing in (stored only as one-way hashes)',
  account: 'Account settings and status',
  activity: 'What someone did and when (sessions, sign-in attempts)',
  borrowing: 'What someone borrows or has asked for (loans, holds, reading history)',
  network: 'Network information derived from a visit',
  legal: 'Records kept because of legal process',
} as const;
export type PersonalCategory = keyof typeof personalCategories;

/** Policy clauses (ids from PRIVACY.md) a column can serve. */
export type PolicyClause = `${'G' | 'C' | 'A' | 'W' | 'R' | 'N' | 'P' | 'L'}${number}`;

export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
}

export const durationMs = (d: Duration): number =>
  ((d.days ?? 0) * 24 * 60 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000;

export function describeDuration(d: Duration): string {
  const parts: string[] = [];
  if (d.days) parts.push(plural(d.days, 'day'));
  if (d.hours) parts.push(plural(d.hours, 'hour'));
  if (d.minutes) parts.push(plural(d.minutes, 'minute'));
  return parts.length ? parts.join(' ') : 'no delay';
}

/** A condition on the row besides its age, e.g. only finished jobs. Values are fixed in code. */
export interface RowCondition {
  column: string;
  op: '=' | '<>' | 'is null' | 'is not null';
  value?: string | number;
}

/**
 * An age rule: rows whose `after` column is older than `period` are deleted by the purge engine.
 * `after` holds an ISO timestamp; the rule fires when after + period <= now.
 */
export interface AgeRule {
  /** Stable id, used in purge-run counts and on the privacy page, e.g. "staff_sessions.expired". */
  id: string;
  /** Plain-language sentence for the privacy page: when this data goes. */
  description: string;
  after: string;
  period: Duration;
  where?: RowCondition[];
}

/**
 * An event rule: rows are deleted by the transaction of an event (a check-in deletes its loan,
 * C1), not by age. The purge engine has nothing to do for it; the privacy page and the purge
 * page show it, and each feature's tests prove the deletion happens.
 */
export interface EventRule {
  id: string;
  description: string;
  /** The event, in words for the purge page, e.g. "check-in". */
  event: string;
}

export type RetentionRule = AgeRule | EventRule;

export const isAgeRule = (r: RetentionRule): r is AgeRule => !('event' in r);

interface ColumnBase {
  /** What the column holds, in a sentence a patron understands. */
  description: string;
  /** A column only one database has (e.g. PostgreSQL's stored search document). */
  onlyIn?: 'sqlite' | 'postgres';
}

export interface PlainColumn extends ColumnBase {
  personal: false;
}

export interface PersonalColumn extends ColumnBase {
  personal: true;
  category: PersonalCategory;
  /** Why the library holds it. */
  purpose: string;
  /** Which promises this column is held under. */
  clauses: PolicyClause[];
  /** Id of the table's retention rule that removes it. */
  retention: string;
  /** Staff roles that may read it (enforced by each feature's policy functions). */
  readableBy: Role[];
  /** Whether the patron's own "My data" export includes it. */
  inExport: boolean;
}

export type ColumnEntry = PlainColumn | PersonalColumn;

/**
 * Which rows a legal hold can protect (G6): the column naming the person the row is about, and
 * the column dating it. Tables without a holdScope hold nothing a court could ask for.
 */
export interface HoldScope {
  subject?: { kind: 'patron' | 'staff'; column: string };
  dateColumn: string;
}

export interface TableEntry {
  table: string;
  /** What the table is for, for the privacy page and operators. */
  description: string;
  /** Single-column key used to delete in batches. */
  primaryKey: string;
  columns: Record<string, ColumnEntry>;
  retention: RetentionRule[];
  holdScope?: HoldScope;
}

export type Inventory = readonly TableEntry[];

/** Checks the inventory for internal consistency; returns problems (empty when sound). */
export function checkInventory(inv: Inventory): string[] {
  const problems: string[] = [];
  const ruleIds = new Set<string>();
  const tables = new Set<string>();
  for (const t of inv) {
    if (tables.has(t.table)) problems.push(`table ${t.table} is declared twice`);
    tables.add(t.table);
    const cols = new Set(Object.keys(t.columns));
    if (!cols.has(t.primaryKey))
      problems.push(`${t.table}: primary key ${t.primaryKey} is not a declared column`);
    const localRules = new Set(t.retention.map((r) => r.id));
    for (const r of t.retention) {
      if (ruleIds.has(r.id)) problems.push(`retention rule ${r.id} is declared twice`);
      ruleIds.add(r.id);
      if (!isAgeRule(r)) continue;
      if (!cols.has(r.after)) problems.push(`${r.id}: column ${t.table}.${r.after} is not declared`);
      for (const w of r.where ?? [])
        if (!cols.has(w.column)) problems.push(`${r.id}: condition column ${w.column} is not declared`);
      if (durationMs(r.period) < 0) problems.push(`${r.id}: negative period`);
    }
    for (const [name, c] of Object.entries(t.columns)) {
      if (c.personal && !localRules.has(c.retention)) {
        problems.push(
          `${t.table}.${name} is personal but its retention rule ${c.retention} is not a rule of ${t.table}`,
        );
      }
    }
    if (t.holdScope) {
      if (!cols.has(t.holdScope.dateColumn))
        problems.push(`${t.table}: hold date column ${t.holdScope.dateColumn} is not declared`);
      if (t.holdScope.subject && !cols.has(t.holdScope.subject.column)) {
        problems.push(`${t.table}: hold subject column ${t.holdScope.subject.column} is not declared`);
      }
    }
  }
  return problems;
}
