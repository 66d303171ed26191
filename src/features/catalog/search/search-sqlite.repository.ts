// Catalog search on SQLite: the FTS5 external-content table bib_fts, ranked by its configured
// bm25, with the two-step ranking that leaves out words which cannot change the order.
import { sql } from 'kysely';
import { toFts5 } from './compile.ts';
import type { Clause, SearchQuery } from './query-parser.ts';
import {
  filterSql,
  hasFilters,
  RANK_CAP,
  splitWindow,
  type Db,
  type SearchBackend,
  type SearchFilters,
} from './search.repository.ts';

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
