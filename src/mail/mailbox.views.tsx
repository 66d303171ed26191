// The development mailbox pages (admin only): the list, newest first, and one message.
import { formatDateTime, Layout, Notice, ScrollRegion, type PageFrame } from '../http/layout.tsx';
import type { DevMailboxRow } from './mail.repository.ts';

type ListRow = Pick<DevMailboxRow, 'id' | 'kind' | 'recipient' | 'subject' | 'created_at'>;

function SmtpNotice({ smtpConfigured, days }: { smtpConfigured: boolean; days: number }) {
  return smtpConfigured ? (
    <Notice>An SMTP server is configured: new messages go to it, not here.</Notice>
  ) : (
    <p>
      No SMTP server is configured (<code>SMTP_URL</code>), so e-mail is held here instead of being sent.
      Messages are deleted {days} days after they arrive.
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
