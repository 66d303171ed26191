// The search's query parameters (the same for the page and the API) and the API's responses.
// Parameters are read leniently: a search never fails on what is in the address bar; unusable
// values are dropped and out-of-range pages are clamped.
import { z } from 'zod';
import { itemStatuses } from '../catalog.table.ts';
import { emptyFilters, type SearchInput } from './search.service.ts';

const oneOrMany = z.union([z.string(), z.array(z.string())]).optional();

/** Query string of GET /catalog and GET /api/v1/catalog/search. */
export const searchQuerySchema = z.object({
  /** What to search for; see docs/catalog-search.md. Empty: browse the newest records. */
  q: oneOrMany.describe('Search text, e.g. `title:hamlet "prince of denmark"`'),
  /** Page number from 1; out-of-range values are clamped. */
  page: oneOrMany.describe('Page number, from 1 (20 results a page)'),
  format: oneOrMany.describe('Format code; repeat for several'),
  language: oneOrMany.describe('MARC language code, e.g. eng; repeat for several'),
  branch: oneOrMany.describe('Branch code; repeat for several'),
  decade: oneOrMany.describe('First year of a decade, e.g. 1990; repeat for several'),
  available: oneOrMany.describe('1: only records with a copy on the shelf'),
});
export type SearchQueryParams = z.infer<typeof searchQuerySchema>;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
const first = (v: string | string[] | undefined): string => list(v)[0] ?? '';
/** Facet values are short codes; at most 20 of each are used. */
const codes = (v: string | string[] | undefined): string[] =>
  [
    ...new Set(
      list(v)
        .map((s) => s.trim())
        .filter((s) => s.length > 0 && s.length <= 40),
    ),
  ].slice(0, 20);

/** Turns query parameters into a search; never throws. */
export function toSearchInput(p: SearchQueryParams): SearchInput {
  const page = Number.parseInt(first(p.page), 10);
  const filters = emptyFilters();
  filters.formats = codes(p.format);
  filters.languages = codes(p.language);
  filters.branches = codes(p.branch);
  filters.decades = codes(p.decade)
    .filter((d) => /^-?\d{1,4}$/.test(d))
    .map(Number)
    .filter((d) => d % 10 === 0);
  filters.availableOnly = ['1', 'true', 'on', 'yes'].includes(first(p.available).toLowerCase());
  return { q: first(p.q), page: Number.isFinite(page) ? page : 1, filters };
}

const facetValue = z.object({
  value: z.string(),
  label: z.string(),
  count: z.number().int(),
  selected: z.boolean(),
});

export const searchResponseSchema = z.object({
  q: z.string(),
  mode: z.enum(['browse', 'search', 'nothing']),
  understood: z.string().nullable(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** A lower bound when `totalIsLowerBound`: then more than `total` records matched. */
  total: z.number().int(),
  totalIsLowerBound: z.boolean(),
  totalPages: z.number().int(),
  results: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      author: z.string().nullable(),
      format: z.string(),
      formatLabel: z.string(),
      year: z.number().int().nullable(),
      copies: z.object({
        total: z.number().int(),
        available: z.number().int(),
        /** Copies a hold can wait for; 0 means no hold can be placed on this title. */
        holdable: z.number().int(),
        availableAt: z.array(z.string()),
      }),
    }),
  ),
  facets: z.object({
    format: z.array(facetValue),
    branch: z.array(facetValue),
    language: z.array(facetValue),
    decade: z.array(facetValue),
    available: z.object({ count: z.number().int(), selected: z.boolean() }),
  }),
  facetsFrom: z.number().int(),
  facetsCapped: z.boolean(),
  /** How many matches were ranked by relevance; when capped, the rest follow newest first. */
  rankedFrom: z.number().int(),
  rankingCapped: z.boolean(),
});

export const recordResponseSchema = z.object({
  id: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  format: z.string(),
  formatLabel: z.string(),
  language: z.string().nullable(),
  languageLabel: z.string().nullable(),
  year: z.number().int().nullable(),
  fields: z.array(z.object({ label: z.string(), values: z.array(z.string()) })),
  subjects: z.array(z.string()),
  isbns: z.array(z.string()),
  issns: z.array(z.string()),
  links: z.array(z.object({ url: z.string(), label: z.string() })),
  availability: z.array(
    z.object({
      branchCode: z.string(),
      branchName: z.string(),
      total: z.number().int(),
      available: z.number().int(),
      copies: z.array(
        z.object({
          callNumber: z.string().nullable(),
          location: z.string().nullable(),
          status: z.enum(itemStatuses),
          statusLabel: z.string(),
        }),
      ),
    }),
  ),
  /** Whether a hold can be placed on this title (some copy is not lost, missing or damaged). */
  canPlaceHold: z.boolean(),
  /** Why no hold can be placed, in words for the patron; null when one can. */
  holdRefusal: z.string().nullable(),
});
