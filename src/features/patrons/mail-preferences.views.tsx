// "E-mail and notices": the patron's address, notices by e-mail or none, titles in notices, and
// the separate announcements subscription (N1, N2). One form, no JavaScript.
import type { FieldErrors } from '../../errors.ts';
import { formatDate } from '../../http/form-parts.tsx';
import { CsrfField, ErrorSummary, Layout, type PageFrame } from '../../http/layout.tsx';
import type { Patron } from './patron.ts';
import { Checkbox, TextInput } from '../../http/fields.tsx';

export interface MailPreferencesValues {
  email: string;
  notices: 'email' | 'none';
  titles: boolean;
  announcements: boolean;
}

export const preferencesOf = (p: Patron): MailPreferencesValues => ({
  email: p.email ?? '',
  notices: p.noticeEmail ? 'email' : 'none',
  titles: p.noticeTitles,
  announcements: p.announcementsConsentAt !== null,
});

export function MailPreferencesPage({
  library,
  csrfToken,
  patron,
  values,
  error,
  fields,
}: PageFrame & {
  csrfToken: string;
  patron: Patron;
  values: MailPreferencesValues;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}) {
  return (
    <Layout title="E-mail and notices" library={library}>
      <h1>E-mail and notices</h1>
      <ErrorSummary message={error} fields={fields} />
      {patron.emailUndeliverableAt && (
        <div class="notice" role="status">
          Our mail server could not deliver to {patron.email} (since{' '}
          {formatDate(patron.emailUndeliverableAt, library.timezone)}), so no e-mail is being sent to it.
          Please correct the address below, or ask at the desk.
        </div>
      )}
      <form method="post" action="/account/email" novalidate>
        <CsrfField token={csrfToken} />
        <TextInput
          name="email"
          label="E-mail address"
          type="email"
          autocomplete="email"
          value={values.email}
          hint="Optional. Used only for the e-mails you choose below and for PIN reset links."
          error={fields?.email}
        />
        <fieldset>
          <legend>Notices about your loans and holds</legend>
          <p class="hint">Hold ready for pickup, due soon, overdue, hold ended. Never advertising.</p>
          <label>
            <input type="radio" name="notices" value="email" checked={values.notices === 'email'} /> By e-mail
          </label>
          <label>
            <input type="radio" name="notices" value="none" checked={values.notices === 'none'} /> No notices
          </label>
        </fieldset>
        <Checkbox name="titles" label="Name the titles in notice e-mails" checked={values.titles}>
          <p class="hint">
            Off by default, so someone who sees your e-mail does not learn what you borrow. Subject lines
            never name a title.
          </p>
        </Checkbox>
        <Checkbox
          name="announcements"
          label="Send me the library's announcements (events, closures, new services)"
          checked={values.announcements}
          error={fields?.announcements}
        >
          <p class="hint">
            A separate choice from notices, off unless you turn it on. Every announcement has a link to stop
            them
            {patron.announcementsConsentAt
              ? `. You subscribed on ${formatDate(patron.announcementsConsentAt, library.timezone)}.`
              : '.'}
          </p>
        </Checkbox>
        <button type="submit">Save</button>
      </form>
      <p>
        <a href="/account">Back to your account</a>
      </p>
    </Layout>
  );
}
