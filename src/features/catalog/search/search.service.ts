// Catalog search and record look-up: the rules (paging, facet caps, what a record shows) between
// the routes and the SQL. Searches are anonymous: nothing here knows who asked, and nothing is
// stored or logged (G4, W1).
import { branchName } from '../../../library.ts';
import type { AppContext } from '../../../context.ts';
import { NotFoundError } from '../../../errors.ts';
import { decadeLabel, formatLabel, languageLabel, statusLabel } from './labels.ts';
import { describeQuery, parseSearch } from './query-parser.ts';
import { describeRecord, type RecordDescription } from './record-description.ts';
import * as repo from './search.repository.ts';
import { postgresSearch } from './search-postgres.repository.ts';
import { sqliteSearch } from './search-sqlite.repository.ts';
import type { SearchFilters } from './search.repository.ts';
import type { ItemStatus } from '../catalog.table.ts';
import { holdRefusal } from '../holdable.ts';

export type { SearchFilters } from './search.repository.ts';

export const PAGE_SIZE = 20;
/** Deepest page served (10,000 results); a larger page number shows this page. */
export const MAX_PAGE = 500;
/**
 * Searches that match more records than the deepest page reaches are counted this far only: the
 * page says "more than 10,000 results" (`totalIsLowerBound`). Counting every match of a phrase of
 * common words or of a very common subject cost 40–90 ms at 1M records, more than the rest of
 * the search (bench/README.md, "search").
 */
export const TOTAL_BOUND = MAX_PAGE * PAGE_SIZE;
/**
 * Facet counts are taken over at most this many best matches. Counting facets over every match
 * of a common word (hundreds of thousands of records) would cost far more than the search itself;
 * pages say when counts are from the best matches only.
 */
export const FACET_CAP = 250;
/** Most values shown per facet (selected values are always shown). */
const FACET_VALUES = 15;

export interface SearchInput {
  q: string;
  page: number;
  filters: SearchFilters;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
  selected: boolean;
}

export interface Facets {
  format: FacetValue[];
  branch: FacetValue[];
  language: FacetValue[];
  decade: FacetValue[];
  available: { count: number; selected: boolean };
}

export interface ResultItem {
  id: string;
  title: string;
  author: string | null;
  format: string;
  formatLabel: string;
  year: number | null;
  /** `holdable`: copies a hold can wait for; none means "Place a hold" is not offered. */
  copies: { total: number; available: number; holdable: number; availableAt: string[] };
}

export interface SearchResult {
  /** What was typed, as typed (trimmed), to put back in the search box. */
  q: string;
  /** browse: no query, newest first; search: ranked; nothing: the query had no letters or digits. */
  mode: 'browse' | 'search' | 'nothing';
  /** The query as Carrel understood it, e.g. `title:hamlet -"prince"`. */
  understood: string | null;
  page: number;
  pageSize: number;
  /** Matches (records, when browsing); a lower bound when `totalIsLowerBound`. */
  total: number;
  /** More than `total` (TOTAL_BOUND) records matched; they were not all counted. */
  totalIsLowerBound: boolean;
  totalPages: number;
  results: ResultItem[];
  facets: Facets;
  /** How many of the best matches the facet counts cover (all of them when not capped). */
  facetsFrom: number;
  facetsCapped: boolean;
  /**
   * How many matches were ranked by relevance (repo.RANK_CAP at most); when `rankingCapped`, the
   * results are the best of the newest `rankedFrom` matches, then the other matches newest first.
   */
  rankedFrom: number;
  rankingCapped: boolean;
  filters: SearchFilters;
}

const backendFor = (ctx: AppContext): repo.SearchBackend =>
  ctx.database.ops.name === 'postgres' ? postgresSearch : sqliteSearch;

export const emptyFilters = (): SearchFilters => ({
  formats: [],
  languages: [],
  branches: [],
  decades: [],
  availableOnly: false,
});

/** Searches (or browses) the catalog. Never throws for anything a patron can type. */
export async function searchCatalog(ctx: AppContext, input: SearchInput): Promise<SearchResult> {
  const { db } = ctx;
  const f = input.filters;
  const page = Math.min(Math.max(1, Math.trunc(input.page) || 1), MAX_PAGE);
  const offset = (page - 1) * PAGE_SIZE;
  const q = input.q.trim();
  const parsed = q ? parseSearch(q) : null;
  const mode = !q ? 'browse' : parsed ? 'search' : 'nothing';

  let facetIds: string[] = [];
  let pageIds: string[] = [];
  let total = 0;
  let totalIsLowerBound = false;
  let rankedFrom = 0;
  let rankingCapped = false;
  if (mode !== 'nothing') {
    const backend = backendFor(ctx);
    const ranked = async (limit: number, off: number) =>
      parsed
        ? (await backend.findRankedIds(db, parsed, f, limit, off)).ids
        : repo.findBrowseIds(db, f, limit, off);
    // One ranked query gives the page, the records the facets are counted over and, when the
    // search matched fewer than the ranking cap, the exact total (no separate count).
    if (parsed) {
      const first = await backend.findRankedIds(db, parsed, f, FACET_CAP, 0);
      facetIds = first.ids;
      rankedFrom = first.ranked;
      rankingCapped = first.capped;
      if (facetIds.length < FACET_CAP) total = facetIds.length;
      else if (!first.capped) total = first.ranked;
      else {
        total = await backend.countMatchesUpTo(db, parsed, f, TOTAL_BOUND + 1);
        totalIsLowerBound = total > TOTAL_BOUND;
        if (totalIsLowerBound) total = TOTAL_BOUND;
      }
    } else {
      facetIds = await ranked(FACET_CAP, 0);
      total = facetIds.length < FACET_CAP ? facetIds.length : await repo.countBrowse(db, f);
    }
    pageIds =
      offset + PAGE_SIZE <= FACET_CAP
        ? facetIds.slice(offset, offset + PAGE_SIZE)
        : await ranked(PAGE_SIZE, offset);
  }
  const [results, counts] = await Promise.all([summaries(ctx, pageIds), repo.countFacets(db, facetIds)]);
  return {
    q,
    mode,
    understood: parsed ? describeQuery(parsed) : null,
    page,
    pageSize: PAGE_SIZE,
    total,
    totalIsLowerBound,
    totalPages: Math.min(MAX_PAGE, Math.ceil(total / PAGE_SIZE)),
    results,
    facets: facetsOf(ctx, counts, f),
    facetsFrom: facetIds.length,
    facetsCapped: total > facetIds.length,
    rankedFrom,
    rankingCapped,
    filters: f,
  };
}

async function summaries(ctx: AppContext, ids: string[]): Promise<ResultItem[]> {
  const [rows, copies] = await Promise.all([repo.findSummaries(ctx.db, ids), repo.countCopies(ctx.db, ids)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return []; // deleted between the two queries
    const mine = copies.filter((c) => c.bib_id === id);
    return [
      {
        id: r.id,
        title: r.title,
        author: r.author,
        format: r.format,
        formatLabel: formatLabel(r.format),
        year: r.pub_year,
        copies: {
          total: mine.reduce((n, c) => n + c.total, 0),
          available: mine.reduce((n, c) => n + c.available, 0),
          holdable: mine.reduce((n, c) => n + c.holdable, 0),
          availableAt: mine
            .filter((c) => c.available > 0)
            .map((c) => branchName(ctx.config.library, c.branch_code)),
        },
      },
    ];
  });
}

function facetList(
  counts: repo.FacetCount[],
  selected: string[],
  label: (v: string) => string,
  order: 'count' | 'value-desc' = 'count',
): FacetValue[] {
  const list = counts.map((c) => ({
    value: c.value,
    label: label(c.value),
    count: c.count,
    selected: selected.includes(c.value),
  }));
  for (const s of selected)
    if (!list.some((v) => v.value === s)) list.push({ value: s, label: label(s), count: 0, selected: true });
  list.sort((a, b) =>
    order === 'count'
      ? b.count - a.count || a.label.localeCompare(b.label)
      : Number(b.value) - Number(a.value),
  );
  const shown = list.slice(0, FACET_VALUES);
  for (const v of list.slice(FACET_VALUES)) if (v.selected) shown.push(v);
  return shown;
}

function facetsOf(ctx: AppContext, c: repo.FacetCounts, f: SearchFilters): Facets {
  return {
    format: facetList(c.formats, f.formats, formatLabel),
    branch: facetList(c.branches, f.branches, (code) => branchName(ctx.config.library, code)),
    language: facetList(c.languages, f.languages, languageLabel),
    decade: facetList(c.decades, f.decades.map(String), (d) => decadeLabel(Number(d)), 'value-desc'),
    available: { count: c.available, selected: f.availableOnly },
  };
}

export interface BranchAvailability {
  branchCode: string;
  branchName: string;
  total: number;
  available: number;
  copies: { callNumber: string | null; location: string | null; status: ItemStatus; statusLabel: string }[];
}

export interface CatalogRecord {
  id: string;
  description: RecordDescription;
  format: string;
  formatLabel: string;
  language: string | null;
  languageLabel: string | null;
  year: number | null;
  author: string | null;
  availability: BranchAvailability[];
  /** Why no hold can be placed on this title, or null when one can (catalog/holdable.ts). */
  holdRefusal: string | null;
}

/** One record with its copies per branch; NotFoundError for an unknown id. */
export async function getRecord(ctx: AppContext, id: string): Promise<CatalogRecord> {
  const row = await repo.findRecord(ctx.db, id);
  if (!row) throw new NotFoundError('There is no such record in the catalog.');
  const copies = await repo.findCopies(ctx.db, id);
  const byBranch = new Map<string, BranchAvailability>();
  for (const c of copies) {
    let b = byBranch.get(c.branch_code);
    if (!b) {
      b = {
        branchCode: c.branch_code,
        branchName: branchName(ctx.config.library, c.branch_code),
        total: 0,
        available: 0,
        copies: [],
      };
      byBranch.set(c.branch_code, b);
    }
    b.total++;
    if (c.status === 'available') b.available++;
    b.copies.push({
      callNumber: c.call_number,
      location: c.location,
      status: c.status,
      statusLabel: statusLabel(c.status),
    });
  }
  const language = row.language ? languageLabel(row.language) : null;
  return {
    id: row.id,
    description: describeRecord(row, language, formatLabel(row.format)),
    format: row.format,
    formatLabel: formatLabel(row.format),
    language: row.language,
    languageLabel: language,
    year: row.pub_year,
    author: row.author,
    availability: [...byBranch.values()].sort((a, b) => a.branchName.localeCompare(b.branchName)),
    holdRefusal: holdRefusal(copies.map((c) => c.status)),
  };
}
