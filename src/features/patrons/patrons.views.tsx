// Staff pages for patron accounts: look-up (with a purpose), the record (account details only,
// never past loans, C3), registration and edits, one-time PINs. The access log's page is in access-log.views.tsx.
import type { FieldErrors } from '../../errors.ts';
import {
  CsrfField,
  ErrorSummary,
  formatDateTime,
  Layout,
  Notice,
  type PageFrame,
} from '../../http/layout.tsx';
import { branchName, type LibraryIdentity } from '../../library.ts';
import { accessPurposes, type AccessPurpose } from './access-log.ts';
import { formatDate } from '../../http/form-parts.tsx';
import type { Patron } from './patron.ts';
import { borrowingBlock } from './patrons.policy.ts';
import type { PatronMatch } from './patrons.service.ts';
import { PIN_RULE } from './pins.ts';
import { plural } from '../../plural.ts';
import { Checkbox, Select, TextInput } from '../../http/fields.tsx';

interface FormState {
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}

const purposeOptions = Object.entries(accessPurposes);

function PurposeSelect({ value, error }: { value?: string | undefined; error?: string | undefined }) {
  return (
    <Select
      name="purpose"
      label="Why are you opening the record?"
      hint="Required. Every opening of a patron record is logged with its purpose (the privacy officer reads the log)."
      options={purposeOptions}
      value={value}
      empty="Choose a purpose"
      error={error}
      required
    />
  );
}

export interface LookupValues {
  purpose?: string | undefined;
  cardNumber?: string | undefined;
  name?: string | undefined;
}

export function PatronLookupPage({
  library,
  actor,
  csrfToken,
  values,
  error,
  fields,
  matches,
  canRegister,
}: PageFrame &
  FormState & { values: LookupValues; matches?: PatronMatch[] | undefined; canRegister: boolean }) {
  return (
    <Layout title="Find a patron" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Find a patron</h1>
      {canRegister && (
        <p>
          <a class="button" href="/staff/patrons/new">
            Register a patron
          </a>
        </p>
      )}
      <ErrorSummary message={error} fields={fields} />
      {/* Posted, never a GET: card numbers and names must not end up in a URL (issue 12 item 1). */}
      <form method="post" action="/staff/patrons" class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <PurposeSelect value={values.purpose} error={fields?.purpose} />
        <TextInput
          name="cardNumber"
          label="Card number"
          value={values.cardNumber}
          hint="Scan the card, or type the number. Exact match."
          error={fields?.cardNumber}
          autocomplete="off"
        />
        <TextInput
          name="name"
          label="Or name"
          value={values.name}
          hint="At least two letters; names that start with them come first (at most 20 shown)."
          error={fields?.name}
          autocomplete="off"
        />
        <button type="submit">Find</button>
      </form>
      {matches && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">
            {matches.length === 0 ? 'No patron matches' : plural(matches.length, 'match', 'matches')}
          </h2>
          {matches.length > 0 && (
            <ul>
              {matches.map((m) => (
                <li key={m.id}>
                  <a href={`/staff/patrons/${m.id}?purpose=${encodeURIComponent(values.purpose ?? '')}`}>
                    {m.name}
                  </a>{' '}
                  — card {m.cardNumber}, {branchName(library, m.homeBranch)}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Layout>
  );
}

/** Asked when a record is opened without a purpose: nothing of the record is shown until one is chosen. */
export function PurposePage({
  library,
  actor,
  csrfToken,
  patronId,
  error,
}: PageFrame & { patronId: string; error?: string }) {
  return (
    <Layout
      title="Why are you opening this record?"
      library={library}
      actor={actor}
      csrfToken={csrfToken}
      staffArea
    >
      <h1>Why are you opening this record?</h1>
      <ErrorSummary message={error} fields={error ? { purpose: error } : {}} />
      <form method="get" action={`/staff/patrons/${patronId}`} class="stack" novalidate>
        <PurposeSelect error={error} />
        <button type="submit">Open the record</button>
      </form>
    </Layout>
  );
}

export interface PatronFormValues {
  name?: string | undefined;
  cardNumber?: string | undefined;
  homeBranch?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  ageBand?: string | undefined;
}

function DetailFields({
  library,
  values,
  fields,
}: {
  library: LibraryIdentity;
  values: PatronFormValues;
  fields?: FieldErrors | undefined;
}) {
  return (
    <>
      <TextInput
        name="name"
        label="Name"
        value={values.name}
        error={fields?.name}
        autocomplete="off"
        required
      />
      <Select
        name="homeBranch"
        label="Home branch"
        options={library.branches.map((b) => [b.code, b.name] as const)}
        value={values.homeBranch}
        empty={library.branches.length > 1 ? 'Choose a branch' : undefined}
        error={fields?.homeBranch}
        required
      />
      <TextInput
        name="email"
        label="E-mail address (optional)"
        type="email"
        value={values.email}
        hint="Only for service notices and PIN reset links."
        error={fields?.email}
        autocomplete="off"
      />
      <TextInput
        name="phone"
        label="Phone (optional)"
        type="tel"
        value={values.phone}
        error={fields?.phone}
        autocomplete="off"
      />
      <Select
        name="ageBand"
        label="Age band (optional)"
        hint="Only if a loan rule needs it. Never ask for a birth date."
        options={library.circulation.ageBands.map((b) => [b, b] as const)}
        value={values.ageBand}
        empty="None"
        error={fields?.ageBand}
      />
    </>
  );
}

export function NewPatronPage({
  library,
  actor,
  csrfToken,
  error,
  fields,
  values,
}: PageFrame & FormState & { values: PatronFormValues }) {
  const f = library.circulation.cardNumbers;
  return (
    <Layout title="Register a patron" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Register a patron</h1>
      <p>Ask only for what is below. Carrel does not store birth dates or ID-document numbers.</p>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/staff/patrons/new" class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <DetailFields library={library} values={values} fields={fields} />
        <TextInput
          name="cardNumber"
          label="Card number (optional)"
          value={values.cardNumber}
          hint={`Scan a pre-printed card, or leave empty to generate a number (${f.length} digits${f.prefix ? `, starting with ${f.prefix}` : ''}).`}
          error={fields?.cardNumber}
          autocomplete="off"
        />
        <TextInput
          name="pin"
          label="PIN (optional)"
          type="password"
          hint={`Only if the patron types their own PIN now. ${PIN_RULE} Left empty, a one-time PIN is shown once and must be changed at first sign-in.`}
          error={fields?.pin}
          autocomplete="new-password"
        />
        <button type="submit">Register</button>
      </form>
    </Layout>
  );
}

export function EditPatronPage({
  library,
  actor,
  csrfToken,
  error,
  fields,
  values,
  patronId,
  purpose,
}: PageFrame & FormState & { values: PatronFormValues; patronId: string; purpose: AccessPurpose }) {
  return (
    <Layout title="Edit patron details" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Edit patron details</h1>
      <ErrorSummary message={error} fields={fields} />
      <form
        method="post"
        action={`/staff/patrons/${patronId}/edit?purpose=${purpose}`}
        class="stack"
        novalidate
      >
        <CsrfField token={csrfToken!} />
        <DetailFields library={library} values={values} fields={fields} />
        <button type="submit">Save changes</button>
      </form>
      <p>
        <a href={`/staff/patrons/${patronId}?purpose=${purpose}`}>Back to the record</a>
      </p>
    </Layout>
  );
}

export function OneTimePinPage({
  library,
  actor,
  csrfToken,
  patron,
  pin,
  created,
}: PageFrame & { patron: Patron; pin: string | null; created: boolean }) {
  return (
    <Layout
      title={created ? 'Patron registered' : 'New PIN shown once'}
      library={library}
      actor={actor}
      csrfToken={csrfToken}
      staffArea
    >
      <h1>{created ? `${patron.name} is registered` : `New PIN for ${patron.name}`}</h1>
      <dl class="facts">
        <dt>Card number</dt>
        <dd>{patron.cardNumber}</dd>
        <dt>Card valid until</dt>
        <dd>{formatDate(patron.cardExpiresAt, library.timezone)}</dd>
      </dl>
      {pin ? (
        <>
          <p>
            Give this one-time PIN to the patron privately. It is shown only now and cannot be looked up
            later.
          </p>
          <p>
            <span class="secret">{pin}</span>
          </p>
          <p>The patron must choose their own PIN when they first sign in.</p>
        </>
      ) : (
        <p>The patron chose their own PIN.</p>
      )}
      <p>
        <a href={`/staff/patrons/${patron.id}?purpose=${created ? 'registration' : 'pin-reset'}`}>
          Open the record
        </a>
      </p>
    </Layout>
  );
}

export function PatronPage({
  library,
  actor,
  csrfToken,
  patron,
  purpose,
  nowIso,
  notice,
  error,
  fields,
}: PageFrame &
  FormState & { patron: Patron; purpose: AccessPurpose; nowIso: string; notice?: string | undefined }) {
  const tz = library.timezone;
  const block = borrowingBlock(
    { card_expires_at: patron.cardExpiresAt, block_reason: patron.blockReason },
    nowIso,
  );
  const action = (what: string) => `/staff/patrons/${patron.id}/${what}?purpose=${purpose}`;
  return (
    <Layout title={`Patron ${patron.name}`} library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>{patron.name}</h1>
      <p class="small">Opened for: {accessPurposes[purpose]} (logged).</p>
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary message={error} fields={fields} />
      {block && (
        <div class="notice" role="status">
          <strong>Cannot borrow:</strong> {block}
        </div>
      )}
      <dl class="facts">
        <dt>Card number</dt>
        <dd>{patron.cardNumber}</dd>
        <dt>Card valid until</dt>
        <dd>{formatDate(patron.cardExpiresAt, tz)}</dd>
        <dt>Home branch</dt>
        <dd>{branchName(library, patron.homeBranch)}</dd>
        <dt>E-mail</dt>
        <dd>
          {patron.email ?? '—'}
          {patron.emailUndeliverableAt && (
            <strong>
              {' '}
              — undeliverable: the mail server refused it on{' '}
              {formatDate(patron.emailUndeliverableAt, library.timezone)}. Saving a corrected address clears
              this.
            </strong>
          )}
        </dd>
        <dt>Notices</dt>
        <dd>
          {patron.noticeEmail ? 'By e-mail' : 'None'}
          {patron.noticeTitles ? ', titles named' : ', no titles'}
          {patron.announcementsConsentAt ? '; subscribed to announcements' : ''}
        </dd>
        <dt>Phone</dt>
        <dd>{patron.phone ?? '—'}</dd>
        <dt>Age band</dt>
        <dd>{patron.ageBand ?? '—'}</dd>
        <dt>Items out now</dt>
        <dd>{patron.openLoans}</dd>
        <dt>PIN</dt>
        <dd>
          {patron.mustChangePin ? 'One-time PIN issued; to be changed at next sign-in' : 'Set by the patron'}
        </dd>
        <dt>Registered</dt>
        <dd>{formatDateTime(patron.createdAt, tz)}</dd>
      </dl>
      {/* The desk keeps its patron in the staff session, not in its URL (issue 12 item 1). */}
      <form method="post" action="/staff/desk/patron" class="inline">
        <CsrfField token={csrfToken!} />
        <input type="hidden" name="patron" value={patron.id} />
        <button type="submit">Open at the circulation desk</button>
      </form>{' '}
      <p>
        <a href={`/staff/patrons/${patron.id}/edit?purpose=${purpose}`}>Edit details</a>
      </p>
      <p class="small">
        Past loans are never shown to staff; only the patron can see a reading history they chose to keep.
      </p>
      <h2>Card</h2>
      <form method="post" action={action('renew')}>
        <CsrfField token={csrfToken!} />
        <p>
          Renewing sets the card valid for {Math.round(library.circulation.cardValidityDays / 36.5) / 10}{' '}
          years from today.
        </p>
        <button type="submit" class="secondary">
          Renew card
        </button>
      </form>
      <h2>Block</h2>
      {patron.blockReason ? (
        <form method="post" action={action('unblock')}>
          <CsrfField token={csrfToken!} />
          <p>
            Blocked since {formatDateTime(patron.blockedAt, tz)}: {patron.blockReason}
          </p>
          <button type="submit" class="secondary">
            Remove the block
          </button>
        </form>
      ) : (
        <form method="post" action={action('block')} class="stack" novalidate>
          <CsrfField token={csrfToken!} />
          <TextInput
            name="reason"
            label="Reason"
            hint="The patron sees this reason. A block stops check-outs and holds; the patron can still sign in."
            error={fields?.reason}
          />
          <button type="submit" class="danger">
            Block the card
          </button>
        </form>
      )}
      <h2>PIN</h2>
      <form method="post" action={action('reset-pin')} class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <Checkbox
          name="idChecked"
          label="I have checked the patron’s identity in person"
          error={fields?.idChecked}
        />
        <p>Sets a one-time PIN, shown to you once, and signs the patron out everywhere.</p>
        <button type="submit" class="secondary">
          Reset PIN
        </button>
      </form>
      <h2>Close the account</h2>
      <form method="post" action={action('close')}>
        <CsrfField token={csrfToken!} />
        <p>
          Deletes the account with its holds, sessions and reading history, at once and for good. Possible
          only when nothing is checked out{patron.openLoans > 0 ? ` (now ${patron.openLoans} out)` : ''}.
        </p>
        <button type="submit" class="danger">
          Close and delete the account
        </button>
      </form>
      <p>
        <a href="/staff/patrons">Find another patron</a>
      </p>
    </Layout>
  );
}

export const patronNotices: Record<string, string> = {
  saved: 'Changes saved.',
  renewed: 'The card was renewed.',
  blocked: 'The card is blocked.',
  unblocked: 'The block was removed.',
};

export function PatronClosedPage({ library, actor, csrfToken }: PageFrame) {
  return (
    <Layout title="Account closed" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>The account is closed</h1>
      <p>The account, its holds, sessions and reading history have been deleted.</p>
      <p>
        <a href="/staff/patrons">Find another patron</a>
      </p>
    </Layout>
  );
}
