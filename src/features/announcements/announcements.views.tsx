// Staff pages for announcements (list, compose, preview and send) and the public unsubscribe
// pages (N1). No JavaScript; every action is a form.
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
import type { AnnouncementRow } from './announcements.repository.ts';
import type { AnnouncementView } from './announcements.service.ts';
import { plural, pluralForm } from '../../plural.ts';
import { TextArea, TextInput } from '../../http/fields.tsx';

const statusLabels: Record<AnnouncementRow['status'], string> = {
  draft: 'Draft',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled',
};

export function AnnouncementListPage({
  library,
  actor,
  csrfToken,
  announcements,
  subscribers,
  notice,
}: PageFrame & { announcements: AnnouncementRow[]; subscribers: number; notice?: string | undefined }) {
  const tz = library.timezone;
  return (
    <Layout title="Announcements" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Announcements</h1>
      {notice && <Notice>{notice}</Notice>}
      <p>
        {subscribers} {pluralForm(subscribers, 'patron has', 'patrons have')} subscribed to announcements.
        Patrons subscribe themselves, separately from service notices (N1); every message carries a one-click
        unsubscribe link.
      </p>
      <p>
        <a class="button" href="/staff/announcements/new">
          New announcement
        </a>
      </p>
      {announcements.length === 0 ? (
        <p>No announcements yet.</p>
      ) : (
        <ScrollRegion label="Announcements">
          <table>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Written</th>
                <th scope="col">Recipients</th>
                <th scope="col">Sent</th>
                <th scope="col">Refused</th>
              </tr>
            </thead>
            <tbody>
              {announcements.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={`/staff/announcements/${a.id}`}>{a.subject}</a>
                  </td>
                  <td>{statusLabels[a.status]}</td>
                  <td>{formatDateTime(a.created_at, tz)}</td>
                  <td>{a.status === 'draft' ? '—' : a.recipients}</td>
                  <td>{a.sent}</td>
                  <td>{a.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Layout>
  );
}

function ComposeFields({
  values,
  fields,
}: {
  values: { subject?: string; body?: string };
  fields?: FieldErrors | undefined;
}) {
  return (
    <>
      <TextInput
        name="subject"
        label="Subject"
        value={values.subject ?? ''}
        error={fields?.subject}
        required
      />
      <TextArea
        name="body"
        label="Text"
        hint="Plain text; a blank line starts a new paragraph. Links may point only to the library's own sites. No advertising."
        value={values.body ?? ''}
        error={fields?.body}
        rows={14}
        required
      />
    </>
  );
}

export function ComposePage({
  library,
  actor,
  csrfToken,
  values,
  error,
  fields,
}: PageFrame & {
  values: { subject?: string; body?: string };
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}) {
  return (
    <Layout title="New announcement" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>New announcement</h1>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/staff/announcements/new" novalidate>
        <CsrfField token={csrfToken!} />
        <ComposeFields values={values} fields={fields} />
        <button type="submit">Save draft and preview</button>
      </form>
      <p>
        <a href="/staff/announcements">Back to announcements</a>
      </p>
    </Layout>
  );
}

export function AnnouncementPage({
  library,
  actor,
  csrfToken,
  view,
  values,
  error,
  fields,
  notice,
}: PageFrame & {
  view: AnnouncementView;
  values?: { subject?: string; body?: string } | undefined;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
  notice?: string | undefined;
}) {
  const a = view.announcement;
  const tz = library.timezone;
  const base = `/staff/announcements/${a.id}`;
  return (
    <Layout
      title={`Announcement: ${a.subject}`}
      library={library}
      actor={actor}
      csrfToken={csrfToken}
      staffArea
    >
      <h1>{a.subject}</h1>
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary message={error} fields={fields} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>{statusLabels[a.status]}</dd>
        <dt>Written</dt>
        <dd>{formatDateTime(a.created_at, tz)}</dd>
        {a.queued_at && (
          <>
            <dt>Sending started</dt>
            <dd>{formatDateTime(a.queued_at, tz)}</dd>
          </>
        )}
        {a.finished_at && (
          <>
            <dt>Finished</dt>
            <dd>{formatDateTime(a.finished_at, tz)}</dd>
          </>
        )}
        {a.status !== 'draft' && (
          <>
            <dt>Recipients</dt>
            <dd>{a.recipients}</dd>
            <dt>Sent</dt>
            <dd>{a.sent}</dd>
            <dt>Refused by the mail server</dt>
            <dd>{a.failed}</dd>
          </>
        )}
      </dl>
      <h2>Preview</h2>
      <p class="small">
        Exactly what each subscriber receives as plain text; the HTML part has the same words.
      </p>
      <dl class="facts">
        <dt>Subject</dt>
        <dd>{view.preview.subject}</dd>
        {Object.entries(view.preview.headers).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>
              <code>{v}</code>
            </dd>
          </>
        ))}
      </dl>
      <pre class="mail-preview">{view.preview.text}</pre>
      {a.status === 'draft' && (
        <>
          <h2>Send</h2>
          {view.subscribers === 0 ? (
            <p>No patron has subscribed yet, so there is no one to send it to.</p>
          ) : (
            <form method="post" action={`${base}/send`}>
              <CsrfField token={csrfToken!} />
              <p>
                It goes to the {plural(view.subscribers, 'patron')} subscribed now, in batches at the
                configured rate. Sending cannot be undone, only stopped.
              </p>
              <button type="submit">Send to {plural(view.subscribers, 'subscriber')}</button>
            </form>
          )}
          <h2>Edit</h2>
          <form method="post" action={base} novalidate>
            <CsrfField token={csrfToken!} />
            <ComposeFields values={values ?? { subject: a.subject, body: a.body }} fields={fields} />
            <button type="submit">Save changes</button>
          </form>
        </>
      )}
      {(a.status === 'draft' || a.status === 'sending') && (
        <form method="post" action={`${base}/cancel`}>
          <CsrfField token={csrfToken!} />
          <button type="submit" class="secondary">
            {a.status === 'draft' ? 'Discard this draft' : 'Stop sending'}
          </button>
        </form>
      )}
      <p>
        <a href="/staff/announcements">Back to announcements</a>
      </p>
    </Layout>
  );
}

/** The page the visible link opens: a button, so a mail scanner following links unsubscribes no one. */
export function UnsubscribePage({
  library,
  token,
  done,
  valid,
}: PageFrame & { token: string; done: 'unsubscribed' | 'already' | null; valid: boolean }) {
  return (
    <Layout title="Unsubscribe from announcements" library={library}>
      <h1>Unsubscribe from announcements</h1>
      {!valid ? (
        <p>
          This unsubscribe link is not valid. It may have been changed or cut short; please use the link from
          the e-mail.
        </p>
      ) : done === 'unsubscribed' ? (
        <Notice>You are unsubscribed. You will receive no more announcements from {library.name}.</Notice>
      ) : done === 'already' ? (
        <Notice>You were not subscribed (anymore), so there is nothing to stop.</Notice>
      ) : (
        <form method="post" action={`/unsubscribe/${token}`}>
          <p>
            Stop receiving announcements from {library.name}? Notices about your loans and holds are a
            separate choice and are not affected.
          </p>
          <button type="submit">Unsubscribe</button>
        </form>
      )}
      <p>
        <a href="/">Back to the library</a>
      </p>
    </Layout>
  );
}
