// SQL for catalog search. The matching and ranking differ per database: one SearchBackend per
// dialect (search-sqlite.repository.ts, search-postgres.repository.ts), chosen by the caller from
// DialectOps.name; browsing, filters, facet counts and record look-ups are the same SQL on both,
// here, with what the two backends share.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { BibRecordTable, ItemTable } from '../catalog.table.ts';
import { unholdableStatuses } from '../holdable.ts';
import type { SearchQuery } from './query-parser.ts';

/** A database or a transaction. */
export type Db = Kysely<DB> | Transaction<DB>;

/** Facet selections; an empty list means "any". */
export interface SearchFilters {
  formats: string[];
  languages: string[];
  branches: string[];
  /** First years of decades, e.g. 1990 for 1990–1999. */
  decades: number[];
  /** Only records with at least one copy on the shelf (at one of `branches`, if any are chosen). */
  availableOnly: boolean;
}

/**
 * Ranking is capped: when a search matches more than this many records, only the newest
 * RANK_CAP matches are ranked by relevance, and the rest follow them newest first. Scoring every
 * match of a common word (tens of thousands at 1M records) before the best 20 are known cost
 * hundreds of milliseconds; scoring 2,000 costs a few (bench/README.md, "search").
 */
export const RANK_CAP = 2000;

/** One window of a ranked result list. */
export interface RankedIds {
  ids: string[];
  /** How many matches were ranked by relevance: all of them, or RANK_CAP when `capped`. */
  ranked: number;
  /** More than RANK_CAP records matched: the order is "best of the newest RANK_CAP, then newest". */
  capped: boolean;
}

export interface SearchBackend {
  /**
   * Ids of records that match, in result order: the newest RANK_CAP matches (all matches when
   * there are fewer) best first, then any further matches newest first.
   */
  findRankedIds(
    db: Db,
    q: SearchQuery,
    f: SearchFilters,
    limit: number,
    offset: number,
    /** RANK_CAP; smaller in tests. */
    cap?: number,
  ): Promise<RankedIds>;
  countMatches(db: Db, q: SearchQuery, f: SearchFilters): Promise<number>;
  /** The number of matches, counting no further than `limit`. */
  countMatchesUpTo(db: Db, q: SearchQuery, f: SearchFilters, limit: number): Promise<number>;
}

/**
 * Splits a window [offset, offset + limit) of the result list into its part inside the ranked
 * head (the first `cap` positions) and its part in the newest-first tail after it.
 */
export function splitWindow(limit: number, offset: number, cap: number) {
  const head = offset < cap ? { limit: Math.min(limit, cap - offset), offset } : null;
  const tailLimit = limit - (head?.limit ?? 0);
  const tail = tailLimit > 0 ? { limit: tailLimit, offset: Math.max(0, offset - cap) } : null;
  return { head, tail };
}

/** Whether any facet is chosen. */
export const hasFilters = (f: SearchFilters): boolean =>
  f.formats.length > 0 ||
  f.languages.length > 0 ||
  f.branches.length > 0 ||
  f.decades.length > 0 ||
  f.availableOnly;

/** `AND …` conditions over `b` (bib_records) for the chosen facets; empty when none. */
export function filterSql(f: SearchFilters): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.formats.length) parts.push(sql`b.format IN (${sql.join(f.formats)})`);
  if (f.languages.length) parts.push(sql`b.language IN (${sql.join(f.languages)})`);
  if (f.decades.length)
    parts.push(
      sql`(${sql.join(
        f.decades.map((d) => sql`(b.pub_year >= ${d} AND b.pub_year < ${d + 10})`),
        sql` OR `,
      )})`,
    );
  if (f.branches.length || f.availableOnly) {
    const branch = f.branches.length ? sql` AND i.branch_code IN (${sql.join(f.branches)})` : sql``;
    const available = f.availableOnly ? sql` AND i.status = 'available'` : sql``;
    parts.push(sql`EXISTS (SELECT 1 FROM items i WHERE i.bib_id = b.id${branch}${available})`);
  }
  return parts.length ? sql` AND ${sql.join(parts, sql` AND `)}` : sql``;
}

// ---- Both databases ----------------------------------------------------------------------------

/** Browsing without a query: newest records first (ids are time-ordered). */
export async function findBrowseIds(
  db: Db,
  f: SearchFilters,
  limit: number,
  offset: number,
): Promise<string[]> {
  const res = await sql<{ id: string }>`
    SELECT b.id FROM bib_records b WHERE 1 = 1${filterSql(f)}
    ORDER BY b.id DESC LIMIT ${limit} OFFSET ${offset}`.execute(db);
  return res.rows.map((r) => r.id);
}

export async function countBrowse(db: Db, f: SearchFilters): Promise<number> {
  const res = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM bib_records b WHERE 1 = 1${filterSql(f)}`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface FacetCounts {
  formats: FacetCount[];
  languages: FacetCount[];
  decades: FacetCount[];
  branches: FacetCount[];
  available: number;
}

/**
 * Counts per facet value among the given records (a capped set: see search.service.ts). Two
 * queries, one over the records and one over their copies, counted here: each record and copy
 * is looked up once rather than once per facet.
 */
export async function countFacets(db: Db, ids: string[]): Promise<FacetCounts> {
  if (ids.length === 0) return { formats: [], languages: [], decades: [], branches: [], available: 0 };
  const records = await db
    .selectFrom('bib_records')
    .select(['format', 'language', 'pub_year'])
    .where('id', 'in', ids)
    .execute();
  const copies = await db
    .selectFrom('items')
    .select(['bib_id', 'branch_code', 'status'])
    .where('bib_id', 'in', ids)
    .execute();
  const tally = (values: (string | null)[]): FacetCount[] => {
    const n = new Map<string, number>();
    for (const v of values) if (v !== null) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n].map(([value, count]) => ({ value, count }));
  };
  const perBranch = new Map<string, Set<string>>();
  const available = new Set<string>();
  for (const c of copies) {
    let s = perBranch.get(c.branch_code);
    if (!s) perBranch.set(c.branch_code, (s = new Set()));
    s.add(c.bib_id);
    if (c.status === 'available') available.add(c.bib_id);
  }
  return {
    formats: tally(records.map((r) => r.format)),
    languages: tally(records.map((r) => r.language)),
    decades: tally(
      records.map((r) => (r.pub_year === null ? null : String(Math.trunc(r.pub_year / 10) * 10))),
    ),
    branches: [...perBranch].map(([value, s]) => ({ value, count: s.size })),
    available: available.size,
  };
}

export type RecordSummaryRow = Pick<
  BibRecordTable,
  'id' | 'title' | 'author' | 'format' | 'pub_year' | 'language'
>;

export async function findSummaries(db: Db, ids: string[]): Promise<RecordSummaryRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('bib_records')
    .select(['id', 'title', 'author', 'format', 'pub_year', 'language'])
    .where('id', 'in', ids)
    .execute();
}

export interface CopyCountRow {
  bib_id: string;
  branch_code: string;
  total: number;
  available: number;
  /** Copies a hold can wait for (catalog/holdable.ts). */
  holdable: number;
}

/** Copies and copies on the shelf, per record and branch. */
export async function countCopies(db: Db, ids: string[]): Promise<CopyCountRow[]> {
  if (ids.length === 0) return [];
  const res = await sql<CopyCountRow>`
    SELECT bib_id, branch_code, count(*) AS total,
           sum(CASE WHEN status = 'available' THEN 1 ELSE 0 END) AS available,
           sum(CASE WHEN status IN (${sql.join([...unholdableStatuses])}) THEN 0 ELSE 1 END) AS holdable
    FROM items WHERE bib_id IN (${sql.join(ids)})
    GROUP BY bib_id, branch_code ORDER BY bib_id, branch_code`.execute(db);
  return res.rows.map((r) => ({
    ...r,
    total: Number(r.total),
    available: Number(r.available),
    holdable: Number(r.holdable),
  }));
}

export type RecordRow = Omit<BibRecordTable, 'created_at' | 'updated_at' | 'control_number'>;

export async function findRecord(db: Db, id: string): Promise<RecordRow | undefined> {
  return db
    .selectFrom('bib_records')
    .select([
      'id',
      'title',
      'author',
      'format',
      'language',
      'pub_year',
      'publisher',
      'isbn',
      'issn',
      'subjects',
      'series',
      'notes',
      'marc',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export type CopyRow = Pick<ItemTable, 'branch_code' | 'call_number' | 'location' | 'status'>;

/** The copies of one record, by branch and shelf mark (a record has tens of copies at most). */
export async function findCopies(db: Db, bibId: string): Promise<CopyRow[]> {
  return db
    .selectFrom('items')
    .select(['branch_code', 'call_number', 'location', 'status'])
    .where('bib_id', '=', bibId)
    .orderBy('branch_code')
    .orderBy('call_number')
    .orderBy('id')
    .limit(1000)
    .execute();
}

/**
 * After a large import: merges SQLite's full-text index segments into one (searches on a fresh
 * bulk load read many small segments otherwise), or refreshes PostgreSQL's planner statistics and
 * flushes the GIN index's pending list.
 */
export async function optimizeSearchIndex(db: Db, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'sqlite') await sql`INSERT INTO bib_fts(bib_fts) VALUES ('optimize')`.execute(db);
  else await sql`VACUUM ANALYZE bib_records`.execute(db);
}
