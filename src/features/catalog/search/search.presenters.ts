// What the catalog API sends, built field by field so that a new column never leaks by accident.
import type { z } from 'zod';
import type { recordResponseSchema, searchResponseSchema } from './search.schemas.ts';
import type { CatalogRecord, FacetValue, SearchResult } from './search.service.ts';

const facet = (v: FacetValue) => ({ value: v.value, label: v.label, count: v.count, selected: v.selected });

export function presentSearch(r: SearchResult): z.infer<typeof searchResponseSchema> {
  return {
    q: r.q,
    mode: r.mode,
    understood: r.understood,
    page: r.page,
    pageSize: r.pageSize,
    total: r.total,
    totalIsLowerBound: r.totalIsLowerBound,
    totalPages: r.totalPages,
    results: r.results.map((x) => ({
      id: x.id,
      title: x.title,
      author: x.author,
      format: x.format,
      formatLabel: x.formatLabel,
      year: x.year,
      copies: {
        total: x.copies.total,
        available: x.copies.available,
        holdable: x.copies.holdable,
        availableAt: [...x.copies.availableAt],
      },
    })),
    facets: {
      format: r.facets.format.map(facet),
      branch: r.facets.branch.map(facet),
      language: r.facets.language.map(facet),
      decade: r.facets.decade.map(facet),
      available: { count: r.facets.available.count, selected: r.facets.available.selected },
    },
    facetsFrom: r.facetsFrom,
    facetsCapped: r.facetsCapped,
    rankedFrom: r.rankedFrom,
    rankingCapped: r.rankingCapped,
  };
}

export function presentRecord(r: CatalogRecord): z.infer<typeof recordResponseSchema> {
  return {
    id: r.id,
    title: r.description.title,
    author: r.author,
    format: r.format,
    formatLabel: r.formatLabel,
    language: r.language,
    languageLabel: r.languageLabel,
    year: r.year,
    fields: r.description.fields.map((f) => ({ label: f.label, values: [...f.values] })),
    subjects: [...r.description.subjects],
    isbns: [...r.description.isbns],
    issns: [...r.description.issns],
    links: r.description.links.map((l) => ({ url: l.url, label: l.label })),
    availability: r.availability.map((b) => ({
      branchCode: b.branchCode,
      branchName: b.branchName,
      total: b.total,
      available: b.available,
      copies: b.copies.map((c) => ({
        callNumber: c.callNumber,
        location: c.location,
        status: c.status,
        statusLabel: c.statusLabel,
      })),
    })),
    canPlaceHold: r.holdRefusal === null,
    holdRefusal: r.holdRefusal,
  };
}
