// Catalog search on PostgreSQL: a GIN index over the stored search_doc column, ranked by ts_rank_cd.
import { sql, type RawBuilder } from 'kysely';
import { toTsquery, type Recheck } from './compile.ts';
import type { SearchField, SearchQuery } from './query-parser.ts';
import {
  filterSql,
  RANK_CAP,
  splitWindow,
  type Db,
  type SearchBackend,
  type SearchFilters,
} from './search.repository.ts';

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
