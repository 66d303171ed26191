// The circulation desk and the hold shelf. Staff pages never show a past loan (C3); the hold shelf
// shows pickup codes, never names (C4). The desk gets its patron, loans and holds from
// desk.presenter.ts, never as database rows.
import type { FieldErrors } from '../../errors.ts';
import { CsrfField, ErrorSummary, Layout, Notice, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import { branchName, type LibraryIdentity } from '../../library.ts';
import { formatDate } from '../../http/form-parts.tsx';
import type { CheckinResult } from './circulation.types.ts';
import type { DeskModel, DeskPatron } from './desk.presenter.ts';
import type { ShelfView } from './holds.service.ts';
import { branchOptions, HoldsTable } from './circulation.view-parts.tsx';
import { Checkbox, Select, TextInput } from '../../http/fields.tsx';

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

interface DeskProps extends PageFrame, DeskModel {
  csrfToken: string;
  branch: string | null;
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
              <TextInput
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
              <TextInput
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
  p: DeskProps & { branch: string; patron: DeskPatron; tz: string; values: Record<string, string> },
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
        <dd>{patron.cardNumber}</dd>
        <dt>Home branch</dt>
        <dd>{branchName(library, patron.homeBranch)}</dd>
        <dt>Card expires</dt>
        <dd>{formatDate(patron.cardExpiresAt, tz)}</dd>
        <dt>Items out</dt>
        <dd>{patron.openLoans}</dd>
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
        <TextInput
          name="barcode"
          label="Item barcode"
          value={v.barcode}
          error={p.fields?.barcode}
          autocomplete="off"
        />
        {p.offerOverride && (
          <TextInput
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
        <TextInput
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
          value={v.pickupBranch ?? patron.homeBranch}
          error={p.fields?.pickupBranch}
        />
        <button type="submit" class="secondary">
          Place hold
        </button>
      </form>
    </div>
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
