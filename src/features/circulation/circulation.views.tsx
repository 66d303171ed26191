// Pages of the circulation desk, the hold shelf, and the patron's loans, holds and reading history.
// Staff pages never show a past loan (C3); the hold shelf shows pickup codes, never names (C4).
import type { FieldErrors } from '../../errors.ts';
import {
  CsrfField,
  ErrorSummary,
  Field,
  Layout,
  Notice,
  ScrollRegion,
  type PageFrame,
} from '../../http/layout.tsx';
import { branchName, type Branch, type LibraryIdentity } from '../../library.ts';
import { Checkbox, formatDate, Select } from '../../http/form-parts.tsx';
import type { PatronRow } from '../patrons/patrons.repository.ts';
import type { HoldListing, LoanListing } from './circulation.repository.ts';
import type { CheckinResult, CirculationStats } from './circulation.service.ts';
import { suppressedText } from '../../stats/suppress.ts';
import type { ShelfView } from './holds.service.ts';
import { plural } from '../../plural.ts';

const branchOptions = (branches: readonly Branch[]) => branches.map((b) => [b.code, b.name] as const);

const holdStatusText: Record<HoldListing['status'], string> = {
  waiting: 'Waiting',
  suspended: 'Paused',
  in_transit: 'On its way to the pickup branch',
  ready: 'Ready for pickup',
};

export function describeRoute(library: LibraryIdentity, r: CheckinResult, tz: string): string {
  switch (r.route.to) {
    case 'shelf':
      return 'Put it back on the shelf.';
    case 'damaged':
      return 'Marked damaged: set it aside for repair.';
    case 'hold_shelf':
      return `Hold: put it on the hold shelf with pickup code ${r.route.pickupCode}, until ${formatDate(r.route.shelfExpiresAt, tz)}.`;
    case 'transit':
      return r.route.forHold
        ? `Hold: send it to ${branchName(library, r.route.branch)} for pickup.`
        : `Send it home to ${branchName(library, r.route.branch)}.`;
  }
}

interface DeskProps extends PageFrame {
  csrfToken: string;
  branch: string | null;
  patron: PatronRow | null;
  block: string | null;
  loans: LoanListing[];
  holds: HoldListing[];
  notice?: string | undefined;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
  /** What was typed into the form that failed, to show again. */
  values?: Record<string, string>;
  /** Offer an override reason field (the last check-out failed on a rule this staff may override). */
  offerOverride?: boolean;
  checkin?: { barcode: string; title: string; instruction: string } | null;
}

export function DeskPage(p: DeskProps) {
  const { library } = p;
  const tz = library.timezone;
  const v = p.values ?? {};
  const b = p.branch;
  return (
    <Layout title="Circulation desk" library={library} actor={p.actor} csrfToken={p.csrfToken} staffArea>
      <h1>Circulation desk</h1>
      {p.notice && <Notice>{p.notice}</Notice>}
      <ErrorSummary message={p.error} fields={p.fields} />
      <form method="get" action="/staff/desk" class="inline-form">
        <Select
          name="branch"
          label="Branch you are working at"
          options={branchOptions(library.branches)}
          value={b ?? undefined}
          empty={b ? undefined : 'Choose a branch'}
          required
        />
        <button type="submit" class="secondary">
          Use this branch
        </button>
      </form>
      {b && (
        <>
          <p>
            <a href={`/staff/holds?branch=${encodeURIComponent(b)}`}>
              Hold shelf and pull list for {branchName(library, b)}
            </a>
          </p>
          <section aria-labelledby="checkin-title">
            <h2 id="checkin-title">Check in</h2>
            {p.checkin && (
              <div class="notice" role="status">
                <p>
                  <strong>{p.checkin.title}</strong> ({p.checkin.barcode}) is checked in.
                </p>
                <p>{p.checkin.instruction}</p>
              </div>
            )}
            <form method="post" action="/staff/desk/checkin" class="stack" novalidate>
              <CsrfField token={p.csrfToken} />
              <input type="hidden" name="branch" value={b} />
              {p.patron && <input type="hidden" name="patron" value={p.patron.id} />}
              <Field
                name="checkin_barcode"
                label="Item barcode"
                value={v.checkin_barcode}
                error={p.fields?.checkin_barcode}
                autocomplete="off"
              />
              <Checkbox name="damaged" label="The item is damaged (set it aside)" />
              <button type="submit">Check in</button>
            </form>
          </section>
          <section aria-labelledby="patron-title">
            <h2 id="patron-title">Patron</h2>
            {/* Posted, never a GET: a card number must not end up in a URL (issue 12 item 1). */}
            <form method="post" action="/staff/desk/patron" class="stack" novalidate>
              <CsrfField token={p.csrfToken} />
              <input type="hidden" name="branch" value={b} />
              <Field
                name="card"
                label="Card number"
                hint="Scan or type the library card. Opening a patron is recorded in the staff access log."
                value={v.card}
                error={p.fields?.card}
                autocomplete="off"
              />
              <button type="submit" class="secondary">
                Open patron
              </button>
            </form>
            {p.patron && <PatronPanel {...p} branch={b} patron={p.patron} tz={tz} values={v} />}
          </section>
        </>
      )}
    </Layout>
  );
}

function PatronPanel(
  p: DeskProps & { branch: string; patron: PatronRow; tz: string; values: Record<string, string> },
) {
  const { library, patron, branch, tz, values: v } = p;
  const hidden = (
    <>
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="branch" value={branch} />
      <input type="hidden" name="patron" value={patron.id} />
    </>
  );
  return (
    <div class="panel">
      <h3>{patron.name}</h3>
      <dl class="facts">
        <dt>Card</dt>
        <dd>{patron.card_number}</dd>
        <dt>Home branch</dt>
        <dd>{branchName(library, patron.home_branch)}</dd>
        <dt>Card expires</dt>
        <dd>{formatDate(patron.card_expires_at, tz)}</dd>
        <dt>Items out</dt>
        <dd>{patron.open_loans}</dd>
      </dl>
      {p.block && (
        <p class="error" role="status">
          {p.block}
        </p>
      )}
      <p>
        <a href={`/staff/patrons/${patron.id}?purpose=circulation`}>Account details</a>
      </p>
      <form method="post" action="/staff/desk/patron" class="inline">
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="branch" value={branch} />
        <button type="submit" class="secondary">
          Done with this patron
        </button>
      </form>
      <h4 id="checkout-title">Check out</h4>
      <form
        method="post"
        action="/staff/desk/checkout"
        class="stack"
        novalidate
        aria-labelledby="checkout-title"
      >
        {hidden}
        <Field
          name="barcode"
          label="Item barcode"
          value={v.barcode}
          error={p.fields?.barcode}
          autocomplete="off"
        />
        {p.offerOverride && (
          <Field
            name="override_reason"
            label="Reason for the override"
            hint="Required to lend despite the rule above. Do not write the patron's name."
            value={v.override_reason}
            error={p.fields?.override_reason}
            autocomplete="off"
          />
        )}
        <button type="submit">Check out</button>
      </form>
      <h4>Current loans</h4>
      {p.loans.length === 0 ? (
        <p>No items out.</p>
      ) : (
        <ScrollRegion label="Current loans">
          <table>
            <caption class="visually-hidden">Current loans (past loans are never shown)</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Barcode</th>
                <th scope="col">Due</th>
                <th scope="col">Renewed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {p.loans.map((l) => (
                <tr key={l.id}>
                  <td>{l.title}</td>
                  <td>{l.barcode}</td>
                  <td>{formatDate(l.dueAt, tz)}</td>
                  <td>{l.renewals}</td>
                  <td>
                    <form method="post" action="/staff/desk/renew" class="inline">
                      {hidden}
                      <input type="hidden" name="loan" value={l.id} />
                      <button type="submit" class="secondary" aria-label={`Renew ${l.title}`}>
                        Renew
                      </button>
                    </form>{' '}
                    <form method="post" action="/staff/desk/lost" class="inline">
                      {hidden}
                      <input type="hidden" name="lost_barcode" value={l.barcode} />
                      <button type="submit" class="secondary" aria-label={`Mark lost: ${l.title}`}>
                        Mark lost
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <h4>Holds</h4>
      <HoldsTable
        holds={p.holds}
        library={library}
        tz={tz}
        actions={(h) => (
          <form method="post" action={`/staff/desk/holds/${h.id}/cancel`} class="inline">
            {hidden}
            <button type="submit" class="secondary" aria-label={`Cancel the hold on ${h.title}`}>
              Cancel
            </button>
          </form>
        )}
      />
      <h4 id="place-hold-title">Place a hold for this patron</h4>
      <form
        method="post"
        action="/staff/desk/holds"
        class="stack"
        novalidate
        aria-labelledby="place-hold-title"
      >
        {hidden}
        <Field
          name="hold_item"
          label="Barcode of any copy of the title"
          hint="The hold is for the title (any copy) unless you tick the box below."
          value={v.hold_item}
          error={p.fields?.hold_item ?? p.fields?.itemId}
          autocomplete="off"
        />
        <Checkbox name="this_copy" label="Only this copy" checked={v.this_copy === 'on'} />
        <Select
          name="pickupBranch"
          label="Pickup branch"
          options={branchOptions(library.branches)}
          value={v.pickupBranch ?? patron.home_branch}
          error={p.fields?.pickupBranch}
        />
        <button type="submit" class="secondary">
          Place hold
        </button>
      </form>
    </div>
  );
}

function HoldsTable({
  holds,
  library,
  tz,
  actions,
}: {
  holds: HoldListing[];
  library: LibraryIdentity;
  tz: string;
  actions: (h: HoldListing) => preact.ComponentChildren;
}) {
  if (holds.length === 0) return <p>No holds.</p>;
  return (
    <ScrollRegion label="Holds">
      <table>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Place in line</th>
            <th scope="col">Pickup</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <tr key={h.id}>
              <td>
                {h.title}
                {h.itemBarcode && <span class="small"> (copy {h.itemBarcode})</span>}
              </td>
              <td>
                {holdStatusText[h.status]}
                {h.status === 'suspended' && h.suspendedUntil && ` until ${formatDate(h.suspendedUntil, tz)}`}
                {h.status === 'ready' && h.pickupCode && (
                  <>
                    {' '}
                    — pickup code <strong>{h.pickupCode}</strong>, until {formatDate(h.shelfExpiresAt, tz)}
                  </>
                )}
              </td>
              <td>{h.position ?? '—'}</td>
              <td>{branchName(library, h.pickupBranch)}</td>
              <td>{actions(h)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

export function ShelfPage(p: PageFrame & { csrfToken: string; branch: string; shelf: ShelfView }) {
  const tz = p.library.timezone;
  const name = branchName(p.library, p.branch);
  return (
    <Layout
      title={`Hold shelf — ${name}`}
      library={p.library}
      actor={p.actor}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Hold shelf — {name}</h1>
      <p>
        Holds are filed by pickup code. Patrons see their code in their account; the shelf never shows a name
        next to a title.
      </p>
      <form method="get" action="/staff/holds" class="inline-form">
        <Select name="branch" label="Branch" options={branchOptions(p.library.branches)} value={p.branch} />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      <h2>Ready for pickup ({p.shelf.ready.length})</h2>
      {p.shelf.ready.length === 0 ? (
        <p>Nothing on the hold shelf.</p>
      ) : (
        <ScrollRegion label="Ready for pickup">
          <table>
            <thead>
              <tr>
                <th scope="col">Pickup code</th>
                <th scope="col">Title</th>
                <th scope="col">Barcode</th>
                <th scope="col">Pick up by</th>
              </tr>
            </thead>
            <tbody>
              {p.shelf.ready.map((r) => (
                <tr key={r.barcode}>
                  <td>
                    <strong>{r.pickupCode}</strong>
                  </td>
                  <td>{r.title}</td>
                  <td>{r.barcode}</td>
                  <td>{formatDate(r.shelfExpiresAt, tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <h2>To clear from the shelf ({p.shelf.toClear.length})</h2>
      <p class="hint">
        Holds that were cancelled or expired. Check these in: they go to the next hold or home.
      </p>
      <ItemList items={p.shelf.toClear} label="To clear from the shelf" empty="Nothing to clear." />
      <h2>To pull for holds ({p.shelf.toPull.length})</h2>
      <p class="hint">Available copies here that a waiting hold could take. Fetch them and check them in.</p>
      <ItemList items={p.shelf.toPull} label="To pull for holds" empty="Nothing to pull." />
    </Layout>
  );
}

function ItemList({
  items,
  label,
  empty,
}: {
  items: Array<{ barcode: string; title: string; callNumber: string | null }>;
  label: string;
  empty: string;
}) {
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <ScrollRegion label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">Call number</th>
            <th scope="col">Title</th>
            <th scope="col">Barcode</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.barcode}>
              <td>{i.callNumber ?? '—'}</td>
              <td>{i.title}</td>
              <td>{i.barcode}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

// ---- patron pages -----------------------------------------------------------------------------

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

const actionWords: Record<string, string> = {
  checkout: 'Check-outs',
  checkin: 'Check-ins',
  renew: 'Renewals',
  hold_placed: 'Holds placed',
  hold_trapped: 'Holds caught',
  hold_picked_up: 'Holds picked up',
  hold_cancelled: 'Holds cancelled',
  hold_expired: 'Holds expired',
  lost: 'Marked lost',
  damaged: 'Marked damaged',
};
export const actionLabel = (a: string): string => actionWords[a] ?? a;

export function StatsPage(
  p: PageFrame & {
    csrfToken: string;
    stats: CirculationStats | null;
    values: { from?: string | undefined; to?: string | undefined };
    error?: string | undefined;
    fields?: FieldErrors | undefined;
  },
) {
  const s = p.stats;
  const query = s ? `?from=${s.from}&to=${s.to}` : '';
  return (
    <Layout
      title="Circulation statistics"
      library={p.library}
      actor={p.actor}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Circulation statistics</h1>
      <p>
        Counted when each event happens, per day, branch, material type and action. No patron is part of these
        counts (C2). Counts from 1 to {s?.k ?? 'k'} are shown as “{s?.k ?? 'k'} or fewer” so nobody can be
        singled out (G7).
      </p>
      <ErrorSummary message={p.error} fields={p.fields} />
      <form method="get" action="/staff/circulation/stats" class="inline-form">
        <Field name="from" label="From (YYYY-MM-DD)" value={p.values.from} error={p.fields?.from} />
        <Field name="to" label="To (YYYY-MM-DD)" value={p.values.to} error={p.fields?.to} />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {s && (
        <>
          <h2>
            {s.from} to {s.to}
          </h2>
          <p>
            <a href={`/staff/circulation/stats.csv${query}`} download>
              Download as CSV
            </a>
          </p>
          <h3>Totals</h3>
          {Object.keys(s.totals).length === 0 ? (
            <p>Nothing was counted in this period.</p>
          ) : (
            <ul>
              {Object.entries(s.totals).map(([a, n]) => (
                <li key={a}>
                  {actionLabel(a)}: {suppressedText(n, s.k)}
                </li>
              ))}
            </ul>
          )}
          {s.rows.length > 0 && (
            <ScrollRegion label="Counts by branch, material type and action">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Branch</th>
                    <th scope="col">Material type</th>
                    <th scope="col">Action</th>
                    <th scope="col">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {s.rows.map((r) => (
                    <tr key={`${r.branchCode}|${r.materialType}|${r.action}`}>
                      <td>{branchName(p.library, r.branchCode)}</td>
                      <td>{r.materialType}</td>
                      <td>{actionLabel(r.action)}</td>
                      <td>{suppressedText(r.count, s.k)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </>
      )}
    </Layout>
  );
}
