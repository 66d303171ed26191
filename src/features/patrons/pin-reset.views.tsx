// Pages of the PIN reset by e-mail: ask for a link, the one answer to every request (A2), the
// form the link opens, and the page for a link that cannot be used.
import type { FieldErrors } from '../../errors.ts';
import { CsrfField, ErrorSummary, Layout, type PageFrame } from '../../http/layout.tsx';
import { NewPinFields } from './account.views.tsx';
import { TextInput } from '../../http/fields.tsx';

interface FormState {
  csrfToken: string;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}

export function PinResetRequestPage({
  library,
  csrfToken,
  error,
  fields,
  cardNumber,
}: PageFrame & FormState & { cardNumber?: string | undefined }) {
  return (
    <Layout title="Forgot your PIN?" library={library}>
      <h1>Forgot your PIN?</h1>
      <p>
        Enter your library card number. If your account has an e-mail address, we send a link there to choose
        a new PIN. The link works once, for 30 minutes.
      </p>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/account/pin-reset" class="stack" novalidate>
        <CsrfField token={csrfToken} />
        <TextInput
          name="cardNumber"
          label="Library card number"
          value={cardNumber}
          autocomplete="username"
          error={fields?.cardNumber}
          required
        />
        <button type="submit">Send me a link</button>
      </form>
      <p class="small">
        No e-mail address on file? Staff at any branch desk can set a new PIN after checking your ID.
      </p>
      <p>
        <a href="/account/login">Back to sign-in</a>
      </p>
    </Layout>
  );
}

/** The same page whether the card is unknown, has no e-mail address or has one (A2). */
export function PinResetSentPage({ library }: PageFrame) {
  return (
    <Layout title="Check your e-mail" library={library}>
      <h1>Check your e-mail</h1>
      <p role="status">
        If this card has an e-mail address on file, we sent a link to it. The link works once, for 30 minutes.
        If nothing arrives within a few minutes, check your spam folder, or ask staff at any branch desk to
        set a new PIN after checking your ID.
      </p>
      <p>
        <a href="/account/login">Back to sign-in</a>
      </p>
    </Layout>
  );
}

export function PinResetFormPage({
  library,
  csrfToken,
  error,
  fields,
  token,
}: PageFrame & FormState & { token: string }) {
  return (
    <Layout title="Choose a new PIN" library={library}>
      <h1>Choose a new PIN</h1>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action={`/account/pin-reset/${token}`} class="stack" novalidate>
        <CsrfField token={csrfToken} />
        <NewPinFields fields={fields} />
        <button type="submit">Set new PIN</button>
      </form>
      <p class="small">Setting a new PIN signs you out on every computer and phone.</p>
    </Layout>
  );
}

export function PinResetInvalidPage({ library, message }: PageFrame & { message: string }) {
  return (
    <Layout title="Link cannot be used" library={library}>
      <h1>This link cannot be used</h1>
      <p>{message}</p>
      <p>
        <a href="/account/pin-reset">Ask for a new link</a> or <a href="/account/login">sign in</a>.
      </p>
    </Layout>
  );
}
