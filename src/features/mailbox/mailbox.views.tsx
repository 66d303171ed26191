// The development mailbox pages (admin only): the list, newest first, and one message.
import { formatDateTime, Layout, Notice, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import type { DevMailboxRow, MailCount } from '../../mail/mail.repository.ts';
import { plural } from '../../plural.ts';

type ListRow = Pick<DevMailboxRow, 'id' | 'kind' | 'recipient' | 'subject' | 'created_at'>;

function SmtpNotice({ smtpConfigured, days }: { smtpConfigured: boolean; days: number }) {
  return smtpConfigured ? (
    <Notice>An SMTP server is configured: new messages go to it, not here.</Notice>
  ) : (
    <p>
      No SMTP server is configured (<code>SMTP_URL</code>), so e-mail is held here instead of being sent.
      Messages are deleted {plural(days, 'day')} after they arrive.
    </p>
  );
}

export function MailboxPage({
  library,
  actor,
  csrfToken,
  messages,
  smtpConfigured,
  days,
}: PageFrame & { messages: ListRow[]; smtpConfigured: boolean; days: number }) {
  const tz = library.timezone;
  return (
    <Layout title="Development mailbox" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Development mailbox</h1>
      <SmtpNotice smtpConfigured={smtpConfigured} days={days} />
      {messages.length === 0 ? (
        <p>No messages.</p>
      ) : (
        <ScrollRegion label="Messages">
          <table>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Kind</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.created_at, tz)}</td>
                  <td>{m.recipient}</td>
                  <td>
                    <a href={`/staff/admin/mailbox/${m.id}`}>{m.subject}</a>
                  </td>
                  <td>{m.kind}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Layout>
  );
}

export function MailboxMessagePage({
  library,
  actor,
  csrfToken,
  message,
}: PageFrame & { message: DevMailboxRow }) {
  return (
    <Layout title={message.subject} library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>{message.subject}</h1>
      <dl class="facts">
        <dt>To</dt>
        <dd>{message.recipient}</dd>
        <dt>Received</dt>
        <dd>{formatDateTime(message.created_at, library.timezone)}</dd>
        <dt>Kind</dt>
        <dd>{message.kind}</dd>
      </dl>
      <h2>Plain text</h2>
      <pre class="mail-body">{message.text_body}</pre>
      {message.html_body !== null && (
        <>
          <h2>HTML part (source)</h2>
          <pre class="mail-body">{message.html_body}</pre>
        </>
      )}
      <p>
        <a href="/staff/admin/mailbox">Back to the mailbox</a>
      </p>
    </Layout>
  );
}

const outcomeLabels: Record<string, string> = {
  delivered: 'Accepted by the mail server',
  'dev-mailbox': 'Held in the development mailbox',
  rejected: 'Refused for good (5xx)',
  failed: 'Given up after retries',
  bounced: 'Returned later as undeliverable (delivery report)',
};

/** Mail counts per day, kind and outcome (N3): all that remains of sent e-mail. */
export function MailCountsPage({
  library,
  actor,
  csrfToken,
  counts,
  waiting,
  days,
}: PageFrame & { counts: MailCount[]; waiting: number; days: number }) {
  const totals = new Map<string, number>();
  for (const c of counts) totals.set(c.outcome, (totals.get(c.outcome) ?? 0) + c.count);
  return (
    <Layout title="E-mail sent" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>E-mail sent</h1>
      <p>
        Carrel keeps no copy of sent e-mail: once the mail server takes a message, its recipient and text are
        deleted and only these counts remain (N3). Operational figures for administrators; they are not
        published. Last {plural(days, 'day')}.
      </p>
      <p>
        Waiting to be sent now: <strong>{waiting}</strong>
        {waiting > 0 && ' (messages wait and are retried while the mail server is unreachable)'}.
      </p>
      <ul>
        {Object.entries(outcomeLabels).map(([k, label]) => (
          <li key={k}>
            {label}: {totals.get(k) ?? 0}
          </li>
        ))}
      </ul>
      {counts.length === 0 ? (
        <p>No e-mail in this period.</p>
      ) : (
        <ScrollRegion label="E-mail per day">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Kind</th>
                <th scope="col">Outcome</th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {counts.map((c) => (
                <tr key={`${c.day}|${c.kind}|${c.outcome}`}>
                  <td>{c.day}</td>
                  <td>{c.kind}</td>
                  <td>{outcomeLabels[c.outcome] ?? c.outcome}</td>
                  <td>{c.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Layout>
  );
}
