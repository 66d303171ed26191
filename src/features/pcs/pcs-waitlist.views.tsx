// The waiting list as staff see it (issue 14 item 4): anonymous tickets in order, their position in
// their group and how long they have waited, with call, skip, remove and release. Never who (P2).
import { CsrfField, ErrorSummary, Layout, Notice, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import type { StaffTicket } from './pcs-admin.service.ts';
import { branchName, PcsNav } from './pcs-staff.view-parts.tsx';

function Button({
  action,
  csrfToken,
  label,
  cls,
}: {
  action: string;
  csrfToken: string;
  label: string;
  cls?: string;
}) {
  return (
    <form method="post" action={action} class="inline">
      <CsrfField token={csrfToken} />
      <button type="submit" class={cls}>
        {label}
      </button>
    </form>
  );
}

export function WaitlistPage({
  library,
  actor,
  csrfToken = '',
  branch,
  tickets,
  groupNames,
  notice,
  error,
}: PageFrame & {
  branch: string;
  tickets: StaffTicket[];
  groupNames: Map<string, string>;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const title = `Waiting list at ${branchName(library, branch)}`;
  return (
    <Layout
      title={title}
      library={library}
      actor={actor ?? null}
      csrfToken={csrfToken}
      staffArea
      stylesheet="pcs.css"
    >
      <h1>{title}</h1>
      <PcsNav library={library} branch={branch} page="waitlist" />
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary message={error} />
      <p>
        Tickets are anonymous. A freed computer is held for the next ticket of its group for a few minutes.{' '}
        <a href={`/staff/pcs/waitlist?branch=${encodeURIComponent(branch)}`}>Refresh</a>
      </p>
      {tickets.length === 0 ? (
        <p>Nobody is waiting.</p>
      ) : (
        <ScrollRegion label="Waiting tickets">
          <table class="stack-table">
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Group</th>
                <th scope="col">Position</th>
                <th scope="col">Waiting</th>
                <th scope="col">Called to</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((t) => (
                <tr key={t.ticketId}>
                  <th scope="row" data-label="Ticket">
                    {t.ticket}
                  </th>
                  <td data-label="Group">{groupNames.get(t.groupId) ?? '—'}</td>
                  <td data-label="Position">{t.position}</td>
                  <td data-label="Waiting">{t.waitedMinutes} min</td>
                  <td data-label="Called to">
                    {t.calledTo
                      ? `${t.calledTo.stationName}${t.calledTo.isReleased ? ' (released)' : ''}`
                      : '—'}
                  </td>
                  <td data-label="Actions">
                    <Button
                      action={`/staff/pcs/waitlist/${t.ticketId}/call`}
                      csrfToken={csrfToken}
                      label={`Call ${t.ticket}`}
                    />{' '}
                    <Button
                      action={`/staff/pcs/waitlist/${t.ticketId}/skip`}
                      csrfToken={csrfToken}
                      label={`Skip ${t.ticket}`}
                      cls="secondary"
                    />{' '}
                    <Button
                      action={`/staff/pcs/waitlist/${t.ticketId}/remove`}
                      csrfToken={csrfToken}
                      label={`Remove ${t.ticket}`}
                      cls="danger"
                    />
                    {t.calledTo && !t.calledTo.isReleased && (
                      <>
                        {' '}
                        <Button
                          action={`/staff/pcs/stations/${t.calledTo.stationId}/release`}
                          csrfToken={csrfToken}
                          label={`Release ${t.calledTo.stationName}`}
                          cls="secondary"
                        />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Layout>
  );
}
