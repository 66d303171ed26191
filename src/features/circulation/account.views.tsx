// The patron's own pages: loans, holds, placing a hold, and reading history.
import type { FieldErrors } from '../../errors.ts';
import { CsrfField, ErrorSummary, Layout, Notice, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import { formatDate } from '../../http/form-parts.tsx';
import { plural } from '../../plural.ts';
import type { LoanListing } from './circulation.repository.ts';
import type { HoldListing } from './holds.repository.ts';
import { branchOptions, HoldsTable } from './circulation.view-parts.tsx';
import { Select } from '../../http/fields.tsx';

interface PatronPageProps extends PageFrame {
  csrfToken: string;
  notice?: string | undefined;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}

function AccountNav() {
  return (
    <p class="small">
      <a href="/account">Your account</a> · <a href="/account/loans">Loans</a> ·{' '}
      <a href="/account/holds">Holds</a> · <a href="/account/history">Reading history</a>
    </p>
  );
}

export function MyLoansPage(p: PatronPageProps & { loans: LoanListing[] }) {
  const tz = p.library.timezone;
  return (
    <Layout title="Your loans" library={p.library}>
      <AccountNav />
      <h1>Your loans</h1>
      {p.notice && <Notice>{p.notice}</Notice>}
      <ErrorSummary message={p.error} fields={p.fields} />
      {p.loans.length === 0 ? (
        <p>You have nothing checked out.</p>
      ) : (
        <ScrollRegion label="Your loans">
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Due</th>
                <th scope="col">Renewed</th>
                <th scope="col">Renew</th>
              </tr>
            </thead>
            <tbody>
              {p.loans.map((l) => (
                <tr key={l.id}>
                  <td>
                    {l.title}
                    {l.author && <span class="small"> — {l.author}</span>}
                  </td>
                  <td>{formatDate(l.dueAt, tz)}</td>
                  <td>{l.renewals === 0 ? 'Not yet' : plural(l.renewals, 'time')}</td>
                  <td>
                    <form method="post" action={`/account/loans/${l.id}/renew`} class="inline">
                      <CsrfField token={p.csrfToken} />
                      <button type="submit" class="secondary" aria-label={`Renew ${l.title}`}>
                        Renew
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <p class="small">
        When you return an item, the library deletes the record that you borrowed it. Only a count without
        your name is kept.
      </p>
    </Layout>
  );
}

export function MyHoldsPage(p: PatronPageProps & { holds: HoldListing[] }) {
  const tz = p.library.timezone;
  return (
    <Layout title="Your holds" library={p.library}>
      <AccountNav />
      <h1>Your holds</h1>
      {p.notice && <Notice>{p.notice}</Notice>}
      <ErrorSummary message={p.error} fields={p.fields} />
      <p>
        To place a hold, find the title in the <a href="/catalog">catalog</a> and choose “Place a hold”.
      </p>
      <HoldsTable
        holds={p.holds}
        library={p.library}
        tz={tz}
        actions={(h) => (
          <>
            {(h.status === 'waiting' || h.status === 'suspended') &&
              (h.status === 'waiting' ? (
                <form method="post" action={`/account/holds/${h.id}/suspend`} class="inline">
                  <CsrfField token={p.csrfToken} />
                  <label for={`until-${h.id}`}>Pause until (optional)</label>{' '}
                  <input id={`until-${h.id}`} name="until" type="date" />{' '}
                  <button type="submit" class="secondary" aria-label={`Pause the hold on ${h.title}`}>
                    Pause
                  </button>
                </form>
              ) : (
                <form method="post" action={`/account/holds/${h.id}/resume`} class="inline">
                  <CsrfField token={p.csrfToken} />
                  <button type="submit" class="secondary" aria-label={`Resume the hold on ${h.title}`}>
                    Resume
                  </button>
                </form>
              ))}{' '}
            <form method="post" action={`/account/holds/${h.id}/cancel`} class="inline">
              <CsrfField token={p.csrfToken} />
              <button type="submit" class="secondary" aria-label={`Cancel the hold on ${h.title}`}>
                Cancel
              </button>
            </form>
          </>
        )}
      />
      <p class="small">
        A hold is deleted when you pick the item up, cancel, or the pickup time runs out. On the hold shelf
        your item is filed under its pickup code, not your name.
      </p>
    </Layout>
  );
}

export function PlaceHoldPage(
  p: PatronPageProps & {
    record: { id: string; title: string; author: string | null };
    copies: Array<{ id: string; label: string }>;
    /** Why no hold can be placed on this title (then no form is shown), or null. */
    refusal: string | null;
    values: Record<string, string>;
  },
) {
  if (p.refusal !== null)
    return (
      <Layout title={`Place a hold: ${p.record.title}`} library={p.library}>
        <AccountNav />
        <h1>Place a hold</h1>
        <p>
          <strong>{p.record.title}</strong>
          {p.record.author && ` — ${p.record.author}`}
        </p>
        <p id="hold-refusal">{p.refusal}</p>
      </Layout>
    );
  return (
    <Layout title={`Place a hold: ${p.record.title}`} library={p.library}>
      <AccountNav />
      <h1>Place a hold</h1>
      <ErrorSummary message={p.error} fields={p.fields} />
      <p>
        <strong>{p.record.title}</strong>
        {p.record.author && ` — ${p.record.author}`}
      </p>
      <form method="post" action="/account/holds" class="stack" novalidate>
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="record" value={p.record.id} />
        <Select
          name="pickupBranch"
          label="Where will you pick it up?"
          options={branchOptions(p.library.branches)}
          value={p.values.pickupBranch}
          error={p.fields?.pickupBranch}
        />
        <Select
          name="itemId"
          label="Which copy?"
          options={p.copies.map((c) => [c.id, c.label] as const)}
          value={p.values.itemId}
          empty="Any copy (fastest)"
          error={p.fields?.itemId}
        />
        <button type="submit">Place hold</button>
      </form>
    </Layout>
  );
}

export function HistoryPage(
  p: PatronPageProps & {
    keep: boolean;
    total: number;
    page: number;
    pageSize: number;
    entries: Array<{ id: string; bibId: string; title: string; author: string | null; returnedOn: string }>;
  },
) {
  const last = Math.max(1, Math.ceil(p.total / p.pageSize));
  return (
    <Layout title="Reading history" library={p.library}>
      <AccountNav />
      <h1>Reading history</h1>
      {p.notice && <Notice>{p.notice}</Notice>}
      <ErrorSummary message={p.error} fields={p.fields} />
      <p>
        Reading history is {p.keep ? <strong>on</strong> : <strong>off</strong>}.{' '}
        {p.keep
          ? 'Each item you return is added here. Only you can see it: no staff screen shows it.'
          : 'The library keeps no record of what you returned. You can turn it on if you want a list for yourself.'}
      </p>
      <form method="post" action="/account/history/settings" class="stack">
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="keep" value={p.keep ? 'off' : 'on'} />
        {p.keep && (
          <p class="hint">
            Turning it off deletes your whole reading history at once. This cannot be undone.
          </p>
        )}
        <button type="submit" class={p.keep ? 'secondary' : undefined}>
          {p.keep ? 'Turn off and delete my reading history' : 'Turn on reading history'}
        </button>
      </form>
      {p.keep && (
        <>
          <h2>Returned items ({p.total})</h2>
          {p.entries.length === 0 ? (
            <p>Nothing yet: items appear here when you return them.</p>
          ) : (
            <ScrollRegion label="Returned items">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Title</th>
                    <th scope="col">Returned</th>
                    <th scope="col">Delete</th>
                  </tr>
                </thead>
                <tbody>
                  {p.entries.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <a href={`/catalog/record/${e.bibId}`}>{e.title}</a>
                        {e.author && <span class="small"> — {e.author}</span>}
                      </td>
                      <td>{e.returnedOn}</td>
                      <td>
                        <form method="post" action={`/account/history/${e.id}/delete`} class="inline">
                          <CsrfField token={p.csrfToken} />
                          <button
                            type="submit"
                            class="secondary"
                            aria-label={`Delete ${e.title} from your history`}
                          >
                            Delete
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
          {last > 1 && (
            <nav aria-label="Pages">
              <p>
                {p.page > 1 && <a href={`/account/history?page=${p.page - 1}`}>Previous page</a>} Page{' '}
                {p.page} of {last}{' '}
                {p.page < last && <a href={`/account/history?page=${p.page + 1}`}>Next page</a>}
              </p>
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}
