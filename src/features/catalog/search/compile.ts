// Compiles a parsed search (query-parser.ts) into each database's query language. Every word is
// quoted, so no input can use an operator the parser did not put there on purpose.
import type { Clause, SearchField, SearchQuery } from './query-parser.ts';

// ---- SQLite FTS5 -------------------------------------------------------------------------------

const ftsString = (text: string): string => `"${text.replace(/"/g, '""')}"`;

function ftsClause(c: Clause): string {
  const body = `${ftsString(c.words.join(' '))}${c.prefix ? ' *' : ''}`;
  // The FTS5 column names are the field names (see migration 0003).
  return c.field ? `{${c.field}} : ${body}` : body;
}

const ftsGroup = (g: Clause[]): string =>
  g.length === 1 ? ftsClause(g[0] as Clause) : `(${g.map(ftsClause).join(' OR ')})`;

/** An FTS5 MATCH expression: groups joined by AND, exclusions by NOT. */
export function toFts5(q: SearchQuery): string {
  const positive = q.all.map(ftsGroup).join(' AND ');
  if (q.none.length === 0) return positive;
  return `(${positive}) NOT ${ftsGroup(q.none)}`;
}

// ---- PostgreSQL tsquery --------------------------------------------------------------------------

/** tsvector weights of migration 0003: title A, author B, subjects C, everything else D. */
const weightOf: Record<SearchField, 'A' | 'B' | 'C' | 'D'> = {
  title: 'A',
  author: 'B',
  subjects: 'C',
  series: 'D',
  notes: 'D',
  isbn: 'D',
  issn: 'D',
};

/** Fields that share weight D with others: the tsquery narrows to D, a recheck makes it exact. */
const sharesWeight = (f: SearchField | null): f is SearchField => f !== null && weightOf[f] === 'D';

const lexeme = (word: string): string => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

function tsClause(c: Clause, withWeight: boolean): string {
  const weight = withWeight && c.field ? weightOf[c.field] : '';
  const parts = c.words.map((w, i) => {
    const star = c.prefix && i === c.words.length - 1 ? '*' : '';
    return `${lexeme(w)}${star || weight ? `:${star}${weight}` : ''}`;
  });
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' <-> ')})`;
}

const tsGroup = (g: Clause[], withWeight = true): string =>
  g.length === 1
    ? tsClause(g[0] as Clause, withWeight)
    : `(${g.map((c) => tsClause(c, withWeight)).join(' | ')})`;

/** One clause of an exact recheck: `column` null means the whole search document. */
export interface RecheckTerm {
  column: SearchField | null;
  tsquery: string;
}

/** Rows must satisfy any of `any` (or none of them, when `negate`). */
export interface Recheck {
  negate: boolean;
  any: RecheckTerm[];
}

export interface PgSearch {
  /** Text for to_tsquery('simple', carrel_fold(…)): matched against the GIN-indexed document. */
  tsquery: string;
  /** Extra conditions for field-limited words in fields that share a weight (series, notes, ISBN, ISSN). */
  rechecks: Recheck[];
}

const recheckTerm = (c: Clause): RecheckTerm =>
  sharesWeight(c.field)
    ? { column: c.field, tsquery: tsClause(c, false) }
    : { column: null, tsquery: tsClause(c, true) };

export function toTsquery(q: SearchQuery): PgSearch {
  const rechecks: Recheck[] = [];
  for (const g of q.all)
    if (g.some((c) => sharesWeight(c.field))) rechecks.push({ negate: false, any: g.map(recheckTerm) });
  const exactNone = q.none.filter((c) => !sharesWeight(c.field));
  const sharedNone = q.none.filter((c) => sharesWeight(c.field));
  if (sharedNone.length) rechecks.push({ negate: true, any: sharedNone.map(recheckTerm) });
  const positive = q.all.map((g) => tsGroup(g)).join(' & ');
  const tsquery = exactNone.length ? `(${positive}) & !${tsGroup(exactNone)}` : positive;
  return { tsquery, rechecks };
}
