// The patron's own pages: sign-in, the account overview, changing the PIN, "My data" and closing
// the account. No JavaScript; a public computer gets a short idle time-out (A4).
import type { FieldErrors } from '../../errors.ts';
import {
  CsrfField,
  ErrorSummary,
  formatDateTime,
  Layout,
  Notice,
  ScrollRegion,
  type PageFrame,
} from '../../http/layout.tsx';
import { formatDate } from '../../http/form-parts.tsx';
import type { MyData } from './my-data.ts';
import type { Patron } from './patron.ts';
import { PIN_RULE } from './pins.ts';
import { plural } from '../../plural.ts';
import { Checkbox, TextInput } from '../../http/fields.tsx';

interface FormState {
  csrfToken: string;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}

function SignOut({ csrfToken }: { csrfToken: string }) {
  return (
    <form method="post" action="/account/logout" class="inline">
      <CsrfField token={csrfToken} />
      <button type="submit" class="secondary">
        Sign out
      </button>
    </form>
  );
}

export function PatronLoginPage({
  library,
  csrfToken,
  error,
  fields,
  cardNumber,
  publicTerminal,
  next,
  publicIdleMinutes,
  notice,
}: PageFrame &
  FormState & {
    cardNumber?: string | undefined;
    publicTerminal?: boolean;
    next: string;
    publicIdleMinutes: number;
    notice?: string | undefined;
  }) {
  return (
    <Layout title="Sign in to your account" library={library}>
      <h1>Sign in to your account</h1>
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action={`/account/login?next=${encodeURIComponent(next)}`} class="stack" novalidate>
        <CsrfField token={csrfToken} />
        <TextInput
          name="cardNumber"
          label="Library card number"
          value={cardNumber}
          autocomplete="username"
          error={fields?.cardNumber}
          required
        />
        <TextInput
          name="pin"
          label="PIN or passphrase"
          type="password"
          autocomplete="current-password"
          error={fields?.pin}
          required
        />
        <Checkbox name="publicTerminal" label="I am on a public computer" checked={publicTerminal}>
          <p class="hint">
            You will be signed out after {plural(publicIdleMinutes, 'minute')} without activity. Sign out when
            you leave.
          </p>
        </Checkbox>
        <button type="submit">Sign in</button>
      </form>
      <p class="small">
        <a href="/account/pin-reset">Forgot your PIN?</a> If your account has an e-mail address, we can send
        you a link to choose a new one. Staff at any branch desk can also set a new one after checking your
        ID.
      </p>
    </Layout>
  );
}

export function AccountPage({
  library,
  csrfToken,
  patron,
  block,
  notice,
}: PageFrame & { csrfToken: string; patron: Patron; block: string | null; notice?: string | undefined }) {
  const links: Array<[string, string]> = [
    ['/account/loans', 'Loans'],
    ['/account/holds', 'Holds'],
    ['/account/history', 'Reading history'],
    ['/account/email', 'E-mail and notices'],
    ['/account/data', 'My data'],
    ['/account/pin', 'Change PIN'],
    ['/account/close', 'Close account'],
  ];
  return (
    <Layout title="Your account" library={library}>
      <h1>Your account</h1>
      {notice && <Notice>{notice}</Notice>}
      {block && (
        <div class="notice" role="status">
          {block}
        </div>
      )}
      {patron.emailUndeliverableAt && (
        <div class="notice" role="status">
          E-mail to your address could not be delivered.{' '}
          <a href="/account/email">Check your e-mail address</a>.
        </div>
      )}
      <dl class="facts">
        <dt>Name</dt>
        <dd>{patron.name}</dd>
        <dt>Card number</dt>
        <dd>{patron.cardNumber}</dd>
        <dt>Card valid until</dt>
        <dd>{formatDate(patron.cardExpiresAt, library.timezone)}</dd>
        <dt>Items out</dt>
        <dd>{patron.openLoans}</dd>
      </dl>
      <nav aria-label="Your account">
        <ul>
          {links.map(([href, label]) => (
            <li key={href}>
              <a href={href}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <SignOut csrfToken={csrfToken} />
    </Layout>
  );
}

/** The new-PIN pair of fields, shared by "change PIN" and the e-mailed reset form. */
export function NewPinFields({ fields }: { fields?: FieldErrors | undefined }) {
  return (
    <>
      <TextInput
        name="newPin"
        label="New PIN or passphrase"
        type="password"
        autocomplete="new-password"
        hint={`${PIN_RULE} Not 123456, 111111 or part of your card number.`}
        error={fields?.newPin}
        required
      />
      <TextInput
        name="confirmPin"
        label="New PIN again"
        type="password"
        autocomplete="new-password"
        error={fields?.confirmPin}
        required
      />
    </>
  );
}

export function ChangePinPage({
  library,
  csrfToken,
  error,
  fields,
  mustChange,
}: PageFrame & FormState & { mustChange: boolean }) {
  return (
    <Layout title="Change your PIN" library={library}>
      <h1>Change your PIN</h1>
      {mustChange && <Notice>Your PIN was set by library staff. Choose your own before you continue.</Notice>}
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/account/pin" class="stack" novalidate>
        <CsrfField token={csrfToken} />
        <TextInput
          name="currentPin"
          label="Current PIN"
          type="password"
          autocomplete="current-password"
          error={fields?.currentPin}
          required
        />
        <NewPinFields fields={fields} />
        <button type="submit">Change PIN</button>
      </form>
      <p class="small">Changing your PIN signs you out on every other computer and phone.</p>
      {!mustChange && (
        <p>
          <a href="/account">Back to your account</a>
        </p>
      )}
      <SignOut csrfToken={csrfToken} />
    </Layout>
  );
}

const show = (v: string | number | null) => (v === null ? '—' : String(v));

export function MyDataPage({ library, csrfToken, data }: PageFrame & { csrfToken: string; data: MyData }) {
  return (
    <Layout title="My data" library={library}>
      <h1>My data</h1>
      <p>
        Everything {library.name} holds about you, generated{' '}
        {formatDateTime(data.generatedAt, library.timezone)}. The <a href="/privacy">privacy page</a> says why
        each item is kept and when it is deleted.
      </p>
      <p>
        <a class="button" href="/account/data.json" download>
          Download as JSON
        </a>
      </p>
      {data.tables.map((t) => (
        <section key={t.table} aria-labelledby={`t-${t.table}`}>
          <h2 id={`t-${t.table}`}>{t.description}</h2>
          {t.rows.length === 0 ? (
            <p>Nothing.</p>
          ) : (
            <ScrollRegion label={t.description}>
              <table>
                <thead>
                  <tr>
                    {t.columns.map((c) => (
                      <th scope="col" key={c.name}>
                        {c.description}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {t.rows.map((r, i) => (
                    <tr key={i}>
                      {t.columns.map((c) => (
                        <td key={c.name}>{show(r[c.name] ?? null)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </section>
      ))}
      <p>
        <a href="/account">Back to your account</a>
      </p>
      <SignOut csrfToken={csrfToken} />
    </Layout>
  );
}

export function CloseAccountPage({
  library,
  csrfToken,
  error,
  fields,
  openLoans,
}: PageFrame & FormState & { openLoans: number }) {
  return (
    <Layout title="Close your account" library={library}>
      <h1>Close your account</h1>
      {openLoans > 0 ? (
        <p>
          You have {plural(openLoans, 'item')} checked out. Your account can be closed once everything is
          returned.
        </p>
      ) : (
        <>
          <p>Closing your account deletes, at once and for good:</p>
          <ul>
            <li>your name, card number, contact details and PIN;</li>
            <li>your holds (they are cancelled);</li>
            <li>your reading history, if you kept one;</li>
            <li>your sign-in sessions.</li>
          </ul>
          <p>
            Consider <a href="/account/data">downloading your data</a> first. The staff access log keeps only
            that an account was opened, when and why, until its period ends; it holds no name or card number.
          </p>
          <ErrorSummary message={error} fields={fields} />
          <form method="post" action="/account/close" class="stack" novalidate>
            <CsrfField token={csrfToken} />
            <TextInput
              name="pin"
              label="Your PIN, to confirm"
              type="password"
              autocomplete="current-password"
              error={fields?.pin}
              required
            />
            <button type="submit" class="danger">
              Close and delete my account
            </button>
          </form>
        </>
      )}
      <p>
        <a href="/account">Back to your account</a>
      </p>
    </Layout>
  );
}

export function AccountClosedPage({ library }: PageFrame) {
  return (
    <Layout title="Account closed" library={library}>
      <h1>Your account is closed</h1>
      <p>Your account and everything attached to it have been deleted. Thank you for using the library.</p>
      <p>
        <a href="/">Back to the library’s home page</a>
      </p>
    </Layout>
  );
}

/** Notices the sign-in page shows after a redirect. */
export const loginNotices: Record<string, string> = {
  'pin-reset': 'Your new PIN is set and you were signed out everywhere. Sign in with your new PIN.',
};

export const accountNotices: Record<string, string> = {
  'pin-changed': 'Your PIN has been changed. You were signed out everywhere else.',
  'email-saved': 'Your e-mail choices have been saved.',
};
