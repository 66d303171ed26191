// The privacy officer's page for the staff access log (A6): filters, one page of entries, paging.
import type { FieldErrors } from '../../errors.ts';
import {
  CsrfField,
  ErrorSummary,
  formatDateTime,
  Layout,
  ScrollRegion,
  type PageFrame,
} from '../../http/layout.tsx';
import { purposeLabel, type AccessLogEntry } from './access-log.ts';
import { plural } from '../../plural.ts';
import { TextInput } from '../../http/fields.tsx';

interface FormState {
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}

export interface AccessLogValues {
  cardNumber?: string | undefined;
  staff?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** What the paging links carry: the patron by id, never a card number (issue 12 item 1). */
export interface AccessLogLinkValues {
  patron?: string | undefined;
  staff?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export function AccessLogPage({
  library,
  actor,
  csrfToken,
  values,
  filter,
  entries,
  page,
  hasMore,
  error,
  fields,
}: PageFrame &
  FormState & {
    values: AccessLogValues;
    filter: AccessLogLinkValues;
    entries: AccessLogEntry[];
    page: number;
    hasMore: boolean;
  }) {
  const tz = library.timezone;
  const query = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
    q.set('page', String(p));
    return `/staff/access-log?${q}`;
  };
  return (
    <Layout title="Staff access log" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Staff access log</h1>
      <p>
        Who opened which patron record, when and why (A6). Entries are deleted after the period on the privacy
        page.
      </p>
      <ErrorSummary message={error} fields={fields} />
      {/* Posted: a card number in a URL would reach browser history and proxy logs (issue 12 item 1). */}
      <form method="post" action="/staff/access-log" class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <TextInput
          name="cardNumber"
          label="Patron card number"
          value={values.cardNumber}
          error={fields?.cardNumber}
          autocomplete="off"
        />
        <TextInput
          name="staff"
          label="Staff user name"
          value={values.staff}
          error={fields?.staff}
          autocomplete="off"
        />
        <TextInput name="from" label="From (YYYY-MM-DD)" value={values.from} error={fields?.from} />
        <TextInput name="to" label="To (YYYY-MM-DD, inclusive)" value={values.to} error={fields?.to} />
        <button type="submit">Show</button>
      </form>
      <ScrollRegion label="Access log entries">
        <table>
          <caption>
            Page {page}: {plural(entries.length, 'entry', 'entries')}
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Staff member</th>
              <th scope="col">Patron card</th>
              <th scope="col">Purpose</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.viewedAt, tz)}</td>
                <td>
                  {e.staffName
                    ? `${e.staffName} (${e.staffUsername})`
                    : e.staffId.startsWith('sip2:')
                      ? 'Self-check machine (SIP2)'
                      : 'Deleted staff account'}
                </td>
                <td>{e.cardNumber ?? 'Closed account'}</td>
                <td>{purposeLabel(e.purpose)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <nav aria-label="Pages">
        {page > 1 && <a href={query(page - 1)}>Newer entries</a>}{' '}
        {hasMore && <a href={query(page + 1)}>Older entries</a>}
      </nav>
    </Layout>
  );
}
