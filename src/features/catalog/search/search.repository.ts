// SQL for catalog search. The matching and ranking differ per database (one SearchBackend per
// dialect, chosen by the caller from DialectOps.name); browsing, filters, facet counts and record
// look-ups are the same SQL on both.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { BibRecordTable, ItemTable } from '../catalog.table.ts';
import { unholdableStatuses } from '../holdable.ts';
import { toFts5, toTsquery, type Recheck } from './compile.ts';
import type { Clause, SearchField, SearchQuery } from './query-parser.ts';

type Db = Kysely<DB> | Transaction<DB>;

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
function splitWindow(limit: number, offset: number, cap: number) {
  const head = offset < cap ? { limit: Math.min(limit, cap - offset), offset } : null;
  const tailLimit = limit - (head?.limit ?? 0);
  const tail = tailLimit > 0 ? { limit: tailLimit, offset: Math.max(0, offset - cap) } : null;
  return { head, tail };
}

const hasFilters = (f: SearchFilters): boolean =>
  f.formats.length > 0 ||
  f.languages.length > 0 ||
  f.branches.length > 0 ||
  f.decades.length > 0 ||
  f.availableOnly;

/** `AND …` conditions over `b` (bib_records) for the chosen facets; empty when none. */
function filterSql(f: SearchFilters): RawBuilder<unknown> {
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

// ---- SQLite: FTS5 external-content table bib_fts, ranked by its configured bm25 ----------------

// The candidates are the first RANK_CAP matches in FTS5's rowid order, descending (newest first,
// as bib_records rows are appended); FTS5 walks its doclists in that order and stops at the LIMIT,
// so only those rows are scored. The outer query sorts them by their bm25 `rank` and only then
// joins bib_records for the ids of the window asked for. Ties: newer first.

/** `bib_fts f` joined to `bib_records b` only when a filter needs b. */
const sqliteFrom = (f: SearchFilters) =>
  hasFilters(f) ? sql`bib_fts f JOIN bib_records b ON b.rowid = f.rowid` : sql`bib_fts f`;

export const sqliteSearch: SearchBackend = {
  async findRankedIds(db, q, f, limit, offset, cap = RANK_CAP) {
    const match = toFts5(q);
    const { head, tail } = splitWindow(limit, offset, cap);
    let ids: string[] = [];
    let ranked = 0;
    const rankBy = head ? await rankingExpression(db, q) : null;
    if (head && rankBy !== null) {
      ({ ids, ranked } = await rankInTwoSteps(db, match, rankBy, f, head, cap));
    } else if (head) {
      const res = await sql<{ id: string; n: number }>`
        SELECT b.id, m.n FROM (
          SELECT r, s, n FROM (
            SELECT r, s, count(*) OVER () AS n FROM (
              SELECT f.rowid AS r, f.rank AS s FROM ${sqliteFrom(f)}
              WHERE f.bib_fts MATCH ${match}${filterSql(f)}
              ORDER BY f.rowid DESC LIMIT ${cap}))
          ORDER BY s, r DESC LIMIT ${head.limit} OFFSET ${head.offset}) m
        JOIN bib_records b ON b.rowid = m.r
        ORDER BY m.s, m.r DESC`.execute(db);
      ids = res.rows.map((r) => r.id);
      ranked = Number(res.rows[0]?.n ?? 0);
      // An empty window says nothing about the size of the head: ask.
      if (res.rows.length === 0 && head.offset > 0) ranked = await countUpTo(db, match, f, cap);
    } else ranked = await countUpTo(db, match, f, cap); // the window starts past the head
    const capped = ranked >= cap;
    if (tail && capped) {
      const res = await sql<{ id: string }>`
        SELECT b.id FROM (
          SELECT f.rowid AS r FROM ${sqliteFrom(f)}
          WHERE f.bib_fts MATCH ${match}${filterSql(f)}
          ORDER BY f.rowid DESC LIMIT ${tail.limit} OFFSET ${cap + tail.offset}) m
        JOIN bib_records b ON b.rowid = m.r
        ORDER BY m.r DESC`.execute(db);
      ids = ids.concat(res.rows.map((r) => r.id));
    }
    return { ids, ranked: Math.min(ranked, cap), capped };
  },
  async countMatches(db, q, f) {
    const res = await sql<{ n: number }>`
      SELECT count(*) AS n FROM ${sqliteFrom(f)} WHERE f.bib_fts MATCH ${toFts5(q)}${filterSql(f)}`.execute(
      db,
    );
    return Number(res.rows[0]?.n ?? 0);
  },
  countMatchesUpTo: (db, q, f, limit) => countUpTo(db, toFts5(q), f, limit),
};

// ---- SQLite ranking without the words that cannot change it -------------------------------------
//
// FTS5's bm25 weighs each phrase of the MATCH expression by its IDF, and computes that IDF on every
// query by reading the phrase's whole doclist. For a word found in more than half the catalog the
// IDF is negative and bm25 clamps it to 1e-6 (fts5_aux.c), so such a word adds nothing to any score
// — yet reading its doclist was most of the time of searches like "vora mi" at 1M records
// (bench/README.md, "search"). The same holds for NOT clauses: no matching row contains them.
// So when a search has such words (or NOT clauses) and at least one other clause, the newest
// RANK_CAP matches of the whole search are found without scoring, and scored by bm25 over the
// remaining clauses only, within the candidates' rowid range. The order is the same up to those
// 1e-6 terms; ties fall back to newest first as before.

/** Document frequencies read from an fts5vocab table, kept for a while per database. */
interface TermStats {
  /** max(rowid) of bib_records when read: at least the number of records. */
  rows: number;
  rowsAt: number;
  /** Counts of words found in at least REMEMBER_SHARE of the records, with when they were read. */
  docs: Map<string, { docs: number; at: number }>;
  /** Whether this connection's temporary vocabulary table exists. */
  vocab: boolean;
}
const termStats = new WeakMap<object, TermStats>();
/** How long a word's document count is trusted; imports change it slowly. */
const TERM_STATS_MS = 10 * 60_000;
/**
 * Only words in at least this share of the records are remembered: they say nothing about what
 * anyone looks for (a word in 1 % of a million records is in ten thousand), and only theirs are
 * slow to count. A rarer word is counted again each time, in well under a millisecond, so no
 * searched word that could tell something about a reader's interest stays in memory.
 */
const REMEMBER_SHARE = 0.01;
/**
 * A word is left out of the ranking when it is in more than this share of the records: bm25's IDF
 * is then ≤ 0 and clamped. A count up to ten minutes old may sit a little on the wrong side of the
 * line, where the IDF is near zero either way (log(0.51 / 0.49) = 0.04 against ≥ 0.3 for words
 * that rank), so no margin is kept. `rows` (max rowid) is never below the number of records.
 */
const COMMON_SHARE = 0.5;

/** The words whose counts this database's search keeps in memory right now (for tests). */
export const rememberedWords = (db: Db): string[] => [...(termStats.get(db)?.docs.keys() ?? [])];

/** FTS5's unicode61 folding (remove_diacritics 2), for looking a word up in the vocabulary. */
const foldTerm = (w: string): string => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

async function documentsWith(db: Db, stats: TermStats, term: string, now: number): Promise<number> {
  const known = stats.docs.get(term);
  if (known && now - known.at < TERM_STATS_MS) return known.docs;
  if (!stats.vocab) {
    // A temporary (per-connection) vocabulary table: nothing is added to the database file.
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS temp.bib_fts_terms USING fts5vocab(main, bib_fts, row)`.execute(
      db,
    );
    stats.vocab = true;
  }
  const res = await sql<{ doc: number }>`SELECT doc FROM temp.bib_fts_terms WHERE term = ${term}`.execute(db);
  const docs = Number(res.rows[0]?.doc ?? 0);
  stats.docs.delete(term);
  if (docs >= REMEMBER_SHARE * stats.rows) stats.docs.set(term, { docs, at: now });
  return docs;
}

/**
 * The FTS5 expression to score a search by, when it can be smaller than the search itself
 * (see above); null when the search is to be scored as it is.
 */
export async function rankingExpression(db: Db, q: SearchQuery): Promise<string | null> {
  const single = (g: Clause[]) => {
    const c = g.length === 1 ? g[0] : undefined;
    return c && c.words.length === 1 && !c.prefix && c.field === null ? (c.words[0] as string) : null;
  };
  // Without a NOT clause, a search of one group has nothing it could drop and keep something to
  // score by: no need to look any word up.
  if (q.none.length === 0 && q.all.length < 2) return null;
  const words = q.all.map(single);
  if (q.none.length === 0 && words.every((w) => w === null)) return null;
  const now = Date.now();
  let stats = termStats.get(db);
  if (!stats || now - stats.rowsAt >= TERM_STATS_MS) {
    const res = await sql<{ n: number | null }>`SELECT max(rowid) AS n FROM bib_records`.execute(db);
    stats = {
      rows: Number(res.rows[0]?.n ?? 0),
      rowsAt: now,
      docs: stats?.docs ?? new Map(),
      vocab: stats?.vocab ?? false,
    };
    termStats.set(db, stats);
  }
  const kept: Clause[][] = [];
  for (const [i, g] of q.all.entries()) {
    const w = words[i];
    const common =
      w !== null &&
      w !== undefined &&
      (await documentsWith(db, stats, foldTerm(w), now)) > COMMON_SHARE * stats.rows;
    if (!common) kept.push(g);
  }
  if (kept.length === 0 || (kept.length === q.all.length && q.none.length === 0)) return null;
  return toFts5({ all: kept, none: [] });
}

/** The head window of a search scored by `rankBy` (rankingExpression) instead of the search itself. */
async function rankInTwoSteps(
  db: Db,
  match: string,
  rankBy: string,
  f: SearchFilters,
  head: { limit: number; offset: number },
  cap: number,
): Promise<{ ids: string[]; ranked: number }> {
  const cand = await sql<{ r: number }>`
    SELECT f.rowid AS r FROM ${sqliteFrom(f)}
    WHERE f.bib_fts MATCH ${match}${filterSql(f)}
    ORDER BY f.rowid DESC LIMIT ${cap}`.execute(db);
  const rowids = cand.rows.map((x) => Number(x.r));
  const lo = rowids[rowids.length - 1];
  const hi = rowids[0];
  if (lo === undefined || hi === undefined) return { ids: [], ranked: 0 };
  // Every candidate matches rankBy (it holds a subset of the search's clauses), so each gets a score.
  const scored = await sql<{ r: number; s: number }>`
    SELECT rowid AS r, rank AS s FROM bib_fts
    WHERE bib_fts MATCH ${rankBy} AND rowid BETWEEN ${lo} AND ${hi}`.execute(db);
  const score = new Map(scored.rows.map((x) => [Number(x.r), Number(x.s)]));
  const order = rowids
    .map((r) => ({ r, s: score.get(r) ?? 0 }))
    .sort((a, b) => a.s - b.s || b.r - a.r)
    .slice(head.offset, head.offset + head.limit)
    .map((x) => x.r);
  if (order.length === 0) return { ids: [], ranked: rowids.length };
  const rows = await sql<{ r: number; id: string }>`
    SELECT rowid AS r, id FROM bib_records WHERE rowid IN (${sql.join(order)})`.execute(db);
  const idOf = new Map(rows.rows.map((x) => [Number(x.r), x.id]));
  return { ids: order.flatMap((r) => idOf.get(r) ?? []), ranked: rowids.length };
}

async function countUpTo(db: Db, match: string, f: SearchFilters, cap: number): Promise<number> {
  const res = await sql<{ n: number }>`
    SELECT count(*) AS n FROM (
      SELECT 1 FROM ${sqliteFrom(f)} WHERE f.bib_fts MATCH ${match}${filterSql(f)} LIMIT ${cap})`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

// ---- PostgreSQL: GIN index over the stored search_doc column, ranked by ts_rank_cd --------------

/** The stored search document (migration 0003), indexed by bib_records_search_idx. */
const pgDocument = sql`b.search_doc`;
const pgQuery = (text: string) => sql`to_tsquery('simple', carrel_fold(${text}))`;
/** ts_rank_cd weights for D, C, B, A: a title match counts most. */
const pgWeights = sql`'{0.1, 0.2, 0.4, 1.0}'::float4[]`;

const pgColumn: Record<SearchField, RawBuilder<unknown>> = {
  title: sql`b.title`,
  author: sql`b.author`,
  subjects: sql`b.subjects`,
  series: sql`b.series`,
  notes: sql`b.notes`,
  isbn: sql`b.isbn`,
  issn: sql`b.issn`,
};

function pgRecheck(r: Recheck): RawBuilder<unknown> {
  const any = sql.join(
    r.any.map((t) =>
      t.column
        ? sql`to_tsvector('simple', carrel_fold(coalesce(${pgColumn[t.column]}, ''))) @@ ${pgQuery(t.tsquery)}`
        : sql`${pgDocument} @@ ${pgQuery(t.tsquery)}`,
    ),
    sql` OR `,
  );
  return r.negate ? sql` AND NOT (${any})` : sql` AND (${any})`;
}

function pgWhere(q: SearchQuery, f: SearchFilters): RawBuilder<unknown> {
  const { tsquery, rechecks } = toTsquery(q);
  return sql`${pgDocument} @@ ${pgQuery(tsquery)}${sql.join(rechecks.map(pgRecheck), sql``)}${filterSql(f)}`;
}

// Same order as on SQLite: the newest RANK_CAP matches (by id, which is time-ordered) ranked, then
// the rest newest first. The inner query reads ids and stored documents only (a top-N sort by id
// over the GIN bitmap scan); only those RANK_CAP rows are ranked.
const pgTextColumns = sql`b.id, b.search_doc`;

export const postgresSearch: SearchBackend = {
  async findRankedIds(db, q, f, limit, offset, cap = RANK_CAP) {
    const { tsquery } = toTsquery(q);
    const { head, tail } = splitWindow(limit, offset, cap);
    let ids: string[] = [];
    let ranked = 0;
    if (head) {
      const res = await sql<{ id: string; n: string | number }>`
        SELECT id, n FROM (
          SELECT b.id, count(*) OVER () AS n,
                 ts_rank_cd(${pgWeights}, ${pgDocument}, ${pgQuery(tsquery)}) AS s
          FROM (SELECT ${pgTextColumns} FROM bib_records b WHERE ${pgWhere(q, f)}
                ORDER BY b.id DESC LIMIT ${cap}) b) c
        ORDER BY s DESC, id DESC LIMIT ${head.limit} OFFSET ${head.offset}`.execute(db);
      ids = res.rows.map((r) => r.id);
      ranked = Number(res.rows[0]?.n ?? 0);
      if (res.rows.length === 0 && head.offset > 0) ranked = await pgCountUpTo(db, q, f, cap);
    } else ranked = await pgCountUpTo(db, q, f, cap);
    const capped = ranked >= cap;
    if (tail && capped) {
      const res = await sql<{ id: string }>`
        SELECT b.id FROM bib_records b WHERE ${pgWhere(q, f)}
        ORDER BY b.id DESC LIMIT ${tail.limit} OFFSET ${cap + tail.offset}`.execute(db);
      ids = ids.concat(res.rows.map((r) => r.id));
    }
    return { ids, ranked: Math.min(ranked, cap), capped };
  },
  async countMatches(db, q, f) {
    const res = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM bib_records b WHERE ${pgWhere(q, f)}`.execute(db);
    return Number(res.rows[0]?.n ?? 0);
  },
  countMatchesUpTo: pgCountUpTo,
};

async function pgCountUpTo(db: Db, q: SearchQuery, f: SearchFilters, cap: number): Promise<number> {
  const res = await sql<{ n: string | number }>`
    SELECT count(*) AS n FROM (SELECT 1 FROM bib_records b WHERE ${pgWhere(q, f)} LIMIT ${cap}) x`.execute(
    db,
  );
  return Number(res.rows[0]?.n ?? 0);
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
