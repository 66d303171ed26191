// Public catalog pages: search with facets and pages of results, and a record's full description
// with its copies per branch. Plain links and GET forms only: no cookies, no JavaScript (W1).
import type { LibraryIdentity } from '../../library.ts';
import { Layout, ScrollRegion } from '../../http/layout.tsx';
import { Field } from '../../http/fields.tsx';
import type { CatalogRecord, FacetValue, SearchFilters, SearchResult } from './search/search.service.ts';
import { holdRefusalFor } from './holdable.ts';
import { plural, pluralForm } from '../../plural.ts';

/** The search box, on the catalog page and on the home page. */
export function SearchForm({ q = '', id = 'q' }: { q?: string; id?: string }) {
  return (
    <form method="get" action="/catalog" role="search" class="stack" aria-label="Catalog">
      <Field
        name="q"
        id={id}
        label="Search the catalog"
        hint={
          <>
            Words from the title, author, subject, series or notes, or an ISBN. Use quotes for a phrase, and
            title:, author: or subject: to look in one field. <a href="/catalog/help">Search tips</a>
          </>
        }
      >
        <input id={id} name="q" type="search" value={q} maxLength={1000} aria-describedby={`${id}-hint`} />
      </Field>
      <button type="submit">Search</button>
    </form>
  );
}

interface UrlState {
  q: string;
  filters: SearchFilters;
  page?: number;
}

/** The address of a search; filters and page as GET parameters so every state is a link. */
export function searchUrl({ q, filters, page }: UrlState): string {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  for (const v of filters.formats) p.append('format', v);
  for (const v of filters.branches) p.append('branch', v);
  for (const v of filters.languages) p.append('language', v);
  for (const v of filters.decades) p.append('decade', String(v));
  if (filters.availableOnly) p.set('available', '1');
  if (page && page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `/catalog?${s}` : '/catalog';
}

type FacetKey = 'formats' | 'branches' | 'languages' | 'decades';

function toggled(filters: SearchFilters, key: FacetKey, value: string): SearchFilters {
  const next: SearchFilters = {
    ...filters,
    formats: [...filters.formats],
    branches: [...filters.branches],
    languages: [...filters.languages],
    decades: [...filters.decades],
  };
  if (key === 'decades') {
    const d = Number(value);
    next.decades = next.decades.includes(d) ? next.decades.filter((x) => x !== d) : [...next.decades, d];
  } else {
    next[key] = next[key].includes(value) ? next[key].filter((x) => x !== value) : [...next[key], value];
  }
  return next;
}

function FacetGroup({
  title,
  id,
  values,
  facetKey,
  r,
}: {
  title: string;
  id: string;
  values: FacetValue[];
  facetKey: FacetKey;
  r: SearchResult;
}) {
  if (values.length === 0) return null;
  return (
    <section aria-labelledby={`facet-${id}`}>
      <h3 id={`facet-${id}`}>{title}</h3>
      <ul class="facet-list">
        {values.map((v) => (
          <li key={v.value}>
            <a
              href={searchUrl({ q: r.q, filters: toggled(r.filters, facetKey, v.value) })}
              aria-current={v.selected ? 'true' : undefined}
            >
              {v.selected && <span aria-hidden="true">✓ </span>}
              {v.label} ({v.count.toLocaleString('en-US')})
              {v.selected && <span class="visually-hidden">, selected; follow to remove this filter</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Facets({ r }: { r: SearchResult }) {
  const any =
    r.filters.formats.length +
      r.filters.branches.length +
      r.filters.languages.length +
      r.filters.decades.length >
      0 || r.filters.availableOnly;
  const avail = r.facets.available;
  return (
    <nav aria-labelledby="refine-title" class="facets">
      <h2 id="refine-title">Refine results</h2>
      {r.facetsCapped && (
        <p class="small">
          Counts are from the {r.facetsFrom.toLocaleString('en-US')} most relevant results, not all{' '}
          {r.totalIsLowerBound ? 'of the more than ' : ''}
          {r.total.toLocaleString('en-US')}.
        </p>
      )}
      {any && (
        <p>
          <a
            href={searchUrl({
              q: r.q,
              filters: { formats: [], branches: [], languages: [], decades: [], availableOnly: false },
            })}
          >
            Clear all filters
          </a>
        </p>
      )}
      <section aria-labelledby="facet-availability">
        <h3 id="facet-availability">Availability</h3>
        <ul class="facet-list">
          <li>
            <a
              href={searchUrl({ q: r.q, filters: { ...r.filters, availableOnly: !avail.selected } })}
              aria-current={avail.selected ? 'true' : undefined}
            >
              {avail.selected && <span aria-hidden="true">✓ </span>}
              Available now ({avail.count.toLocaleString('en-US')})
              {avail.selected && (
                <span class="visually-hidden">, selected; follow to remove this filter</span>
              )}
            </a>
          </li>
        </ul>
      </section>
      <FacetGroup title="Format" id="format" values={r.facets.format} facetKey="formats" r={r} />
      <FacetGroup title="Branch" id="branch" values={r.facets.branch} facetKey="branches" r={r} />
      <FacetGroup title="Language" id="language" values={r.facets.language} facetKey="languages" r={r} />
      <FacetGroup title="Year" id="decade" values={r.facets.decade} facetKey="decades" r={r} />
    </nav>
  );
}

function Pagination({ r }: { r: SearchResult }) {
  if (r.totalPages <= 1) return null;
  const link = (page: number) => searchUrl({ q: r.q, filters: r.filters, page });
  const pages = [...new Set([1, r.page - 2, r.page - 1, r.page, r.page + 1, r.page + 2, r.totalPages])]
    .filter((p) => p >= 1 && p <= r.totalPages)
    .sort((a, b) => a - b);
  return (
    <nav aria-label="Result pages" class="pagination">
      <ul>
        {r.page > 1 && r.page <= r.totalPages && (
          <li>
            <a href={link(r.page - 1)} rel="prev">
              Previous page
            </a>
          </li>
        )}
        {pages.map((p) => (
          <li key={p}>
            {p === r.page ? (
              <a href={link(p)} aria-current="page">
                <span class="visually-hidden">Page </span>
                {p}
              </a>
            ) : (
              <a href={link(p)}>
                <span class="visually-hidden">Page </span>
                {p}
              </a>
            )}
          </li>
        ))}
        {r.page < r.totalPages && (
          <li>
            <a href={link(r.page + 1)} rel="next">
              Next page
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

function availabilityText(c: SearchResult['results'][number]['copies']): string {
  if (c.total === 0) return 'No copies in the library';
  if (c.available === 0)
    return c.total === 1 ? 'Checked out or unavailable' : `All ${c.total} copies checked out or unavailable`;
  return `${c.available} of ${plural(c.total, 'copy', 'copies')} available at ${c.availableAt.join(', ')}`;
}

function countText(r: SearchResult): string {
  const n = `${r.totalIsLowerBound ? 'More than ' : ''}${r.total.toLocaleString('en-US')}`;
  const noun = pluralForm(r.total, 'result');
  if (r.mode === 'nothing') return 'Your search had no letters or numbers to look for, so it found nothing.';
  if (r.total === 0)
    return r.mode === 'browse' ? 'No records match these filters.' : `No results for ${r.q}.`;
  const first = (r.page - 1) * r.pageSize + 1;
  const last = Math.min(r.total, r.page * r.pageSize);
  const range =
    first > r.total
      ? `; page ${r.page} is past the last page`
      : `, showing ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')}`;
  return r.mode === 'browse' ? `${n} ${noun} in the catalog${range}.` : `${n} ${noun} for ${r.q}${range}.`;
}

export function CatalogSearchPage({
  library,
  result: r,
}: {
  library: LibraryIdentity;
  result: SearchResult;
}) {
  const title =
    r.mode === 'browse' && r.total > 0 && !r.q
      ? 'Catalog'
      : `Search: ${r.totalIsLowerBound ? 'more than ' : ''}${plural(r.total, 'result')}`;
  return (
    <Layout title={r.q ? `${title} for ${r.q}` : title} library={library}>
      <h1>Catalog search</h1>
      <SearchForm q={r.q} />
      <h2 id="results-title">{r.mode === 'browse' ? 'Newest in the catalog' : 'Results'}</h2>
      <p role="status" id="result-count">
        {countText(r)}
      </p>
      {r.understood && r.understood !== r.q && <p class="small">Searched for: {r.understood}</p>}
      {r.rankingCapped && (
        <p class="small">
          So many records match that the best matches are chosen from the newest{' '}
          {r.rankedFrom.toLocaleString('en-US')}; the others follow, newest first. Add a word to narrow the
          search.
        </p>
      )}
      {r.results.length > 0 && (
        <ol class="results" start={(r.page - 1) * r.pageSize + 1} aria-labelledby="results-title">
          {r.results.map((x) => (
            <li key={x.id}>
              <h3>
                <a href={`/catalog/record/${encodeURIComponent(x.id)}`}>{x.title}</a>
              </h3>
              <p>
                {x.author && <>{x.author} · </>}
                {x.formatLabel}
                {x.year !== null && <> · {x.year}</>}
              </p>
              <p>{availabilityText(x.copies)}</p>
              {x.copies.total > 0 && holdRefusalFor(x.copies) && <p>{holdRefusalFor(x.copies)}</p>}
            </li>
          ))}
        </ol>
      )}
      <Pagination r={r} />
      {r.mode !== 'nothing' && <Facets r={r} />}
    </Layout>
  );
}

const subjectSearch = (s: string) => `/catalog?q=${encodeURIComponent(`subject:"${s.replace(/"/g, ' ')}"`)}`;

export function RecordPage({
  library,
  record: r,
  leaveHref,
}: {
  library: LibraryIdentity;
  record: CatalogRecord;
  /** The notice page (W4) every link to another site goes through. */
  leaveHref: (url: string) => string;
}) {
  const d = r.description;
  return (
    <Layout title={d.title} library={library}>
      <p>
        <a href="/catalog">Catalog search</a>
      </p>
      <h1>{d.title}</h1>
      <dl class="facts">
        {d.fields.map((f) => (
          <div key={f.label}>
            <dt>{f.label}</dt>
            {f.values.map((v, i) => (
              <dd key={i}>{v}</dd>
            ))}
          </div>
        ))}
        {d.subjects.length > 0 && (
          <div>
            <dt>Subjects</dt>
            {d.subjects.map((s) => (
              <dd key={s}>
                <a href={subjectSearch(s)}>{s}</a>
              </dd>
            ))}
          </div>
        )}
        {d.links.length > 0 && (
          <div>
            <dt>Online</dt>
            {d.links.map((l) => (
              <dd key={l.url}>
                <a href={leaveHref(l.url)}>{l.label}</a> <span class="small">(another website)</span>
              </dd>
            ))}
          </div>
        )}
        {d.isbns.length > 0 && (
          <div>
            <dt>ISBN</dt>
            {d.isbns.map((s) => (
              <dd key={s}>{s}</dd>
            ))}
          </div>
        )}
        {d.issns.length > 0 && (
          <div>
            <dt>ISSN</dt>
            {d.issns.map((s) => (
              <dd key={s}>{s}</dd>
            ))}
          </div>
        )}
      </dl>
      <h2>Availability</h2>
      {r.availability.length === 0 ? (
        <p>The library has no copies of this title.</p>
      ) : (
        <>
          <ul>
            {r.availability.map((b) => (
              <li key={b.branchCode}>
                {b.branchName}: {b.available} of {plural(b.total, 'copy', 'copies')} available
              </li>
            ))}
          </ul>
          <ScrollRegion label="Copies by branch">
            <table>
              <caption>Copies by branch</caption>
              <thead>
                <tr>
                  <th scope="col">Branch</th>
                  <th scope="col">Call number</th>
                  <th scope="col">Location</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {r.availability.flatMap((b) =>
                  b.copies.map((c, i) => (
                    <tr key={`${b.branchCode}-${i}`}>
                      <td>{b.branchName}</td>
                      <td>{c.callNumber ?? '—'}</td>
                      <td>{c.location ?? '—'}</td>
                      <td>{c.statusLabel}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      )}
      {r.holdRefusal === null ? (
        <p>
          <a class="button" href={`/account/holds/new?record=${encodeURIComponent(r.id)}`}>
            Place a hold
          </a>{' '}
          <span class="small">(you will be asked to sign in with your library card)</span>
        </p>
      ) : (
        <p id="hold-refusal">{r.holdRefusal}</p>
      )}
    </Layout>
  );
}

export function SearchHelpPage({ library }: { library: LibraryIdentity }) {
  return (
    <Layout title="Search tips" library={library}>
      <h1>Search tips</h1>
      <SearchForm id="help-q" />
      <ul>
        <li>Type words from the title, author, subjects, series or notes; every word must be found.</li>
        <li>Capitals and accents do not matter: dvorak finds Dvořák.</li>
        <li>
          Put a phrase in quotes: <code>"prince of denmark"</code>.
        </li>
        <li>
          Look in one field: <code>title:hamlet</code>, <code>author:verne</code>, <code>subject:jazz</code>,{' '}
          <code>series:</code>, <code>notes:</code>, <code>isbn:</code>, <code>issn:</code>, also with a
          phrase: <code>subject:"jazz musicians"</code>.
        </li>
        <li>
          <code>OR</code> in capitals between two words finds either: <code>cats OR dogs</code>. A minus
          before a word leaves it out: <code>jaguar -car</code>.
        </li>
        <li>
          A star at the end of a word finds words starting with it: <code>astro*</code>.
        </li>
        <li>
          Anything else (brackets, other punctuation) separates words. Long searches use their first 16 words.
        </li>
      </ul>
    </Layout>
  );
}
