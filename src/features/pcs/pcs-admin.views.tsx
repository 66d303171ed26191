// Groups and computers of a branch (issue 14 item 1, staff side): the list, the group form, the
// computer form with delete, and the station key shown once after a computer is created.
import type { FieldErrors } from '../../errors.ts';
import { Checkbox, Select, TextInput } from '../../http/fields.tsx';
import { CsrfField, ErrorSummary, Layout, Notice, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import type { PcGroupRow, PcStationRow } from './pcs.repository.ts';
import { ageBandsOf } from './pcs-staff.presenter.ts';
import { branchName, PcsNav } from './pcs-staff.view-parts.tsx';

const q = (branch: string) => `?branch=${encodeURIComponent(branch)}`;
const bandsText = (text: string | null) => ageBandsOf(text).join(', ') || 'Everyone';

export function GroupsPage({
  library,
  actor,
  csrfToken = '',
  branch,
  groups,
  stations,
  notice,
}: PageFrame & {
  branch: string;
  groups: PcGroupRow[];
  stations: PcStationRow[];
  notice?: string | undefined;
}) {
  const title = `Groups and computers at ${branchName(library, branch)}`;
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
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
      <PcsNav library={library} branch={branch} page="admin" />
      {notice && <Notice>{notice}</Notice>}
      <h2>Groups</h2>
      <p>
        <a class="button" href={`/staff/pcs/groups/new${q(branch)}`}>
          New group
        </a>
      </p>
      {groups.length === 0 ? (
        <p>No groups yet. A group holds computers that share rules (e.g. "Internet", "Children").</p>
      ) : (
        <ScrollRegion label="Groups">
          <table class="stack-table">
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Ticket prefix</th>
                <th scope="col">Minutes a day</th>
                <th scope="col">Session minutes</th>
                <th scope="col">Hold minutes</th>
                <th scope="col">Age bands</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.id}>
                  <th scope="row" data-label="Group">
                    <a href={`/staff/pcs/groups/${g.id}`}>{g.name}</a>
                  </th>
                  <td data-label="Ticket prefix">{g.ticket_prefix}</td>
                  <td data-label="Minutes a day">{g.daily_minutes}</td>
                  <td data-label="Session minutes">{g.session_minutes}</td>
                  <td data-label="Hold minutes">{g.hold_minutes}</td>
                  <td data-label="Age bands">{bandsText(g.age_bands)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <h2>Computers</h2>
      {groups.length > 0 && (
        <p>
          <a class="button" href={`/staff/pcs/stations/new${q(branch)}`}>
            New computer
          </a>
        </p>
      )}
      {stations.length === 0 ? (
        <p>No computers yet.</p>
      ) : (
        <ScrollRegion label="Computers">
          <table class="stack-table">
            <thead>
              <tr>
                <th scope="col">Computer</th>
                <th scope="col">Group</th>
                <th scope="col">Reservable</th>
                <th scope="col">Age bands</th>
              </tr>
            </thead>
            <tbody>
              {stations.map((s) => (
                <tr key={s.id}>
                  <th scope="row" data-label="Computer">
                    <a href={`/staff/pcs/stations/${s.id}/edit`}>{s.name}</a>
                  </th>
                  <td data-label="Group">
                    {s.is_approved ? (groupName.get(s.group_id ?? '') ?? '—') : 'Waiting for approval'}
                  </td>
                  <td data-label="Reservable">{s.is_reservable ? 'Yes' : 'No'}</td>
                  <td data-label="Age bands">{s.age_bands ? bandsText(s.age_bands) : 'As its group'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Layout>
  );
}

function AgeBandChecks({
  bands,
  selected,
  hint,
}: {
  bands: readonly string[];
  selected: readonly string[];
  hint: string;
}) {
  if (bands.length === 0) return null;
  return (
    <fieldset class="field checks" aria-describedby="ageBands-hint">
      <legend>Age bands allowed</legend>
      <p class="hint" id="ageBands-hint">
        {hint}
      </p>
      {bands.map((b) => (
        <label key={b}>
          <input type="checkbox" name="ageBands" value={b} checked={selected.includes(b)} /> {b}
        </label>
      ))}
    </fieldset>
  );
}

interface FormProps extends PageFrame {
  branch: string;
  action: string;
  values: Record<string, string>;
  bands: string[];
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}

export function GroupFormPage(p: FormProps & { isNew: boolean }) {
  const { library, values: v, fields: f } = p;
  const title = p.isNew ? 'New group of computers' : `Group ${v.name ?? ''}`;
  return (
    <Layout title={title} library={library} actor={p.actor ?? null} csrfToken={p.csrfToken ?? ''} staffArea>
      <p>
        <a href={`/staff/pcs/groups${q(p.branch)}`}>Back to groups and computers</a>
      </p>
      <h1>{title}</h1>
      <ErrorSummary message={p.error} fields={f ?? {}} />
      <form method="post" action={p.action}>
        <CsrfField token={p.csrfToken ?? ''} />
        <TextInput
          name="name"
          label="Name"
          hint="E.g. Internet, Children, Catalog only."
          value={v.name}
          error={f?.name}
          required
        />
        <TextInput
          name="ticketPrefix"
          label="Ticket prefix"
          hint="One letter before waiting-list numbers, e.g. B for B-17."
          value={v.ticketPrefix}
          error={f?.ticketPrefix}
          required
        />
        <TextInput
          name="dailyMinutes"
          label="Minutes a card may use a day"
          hint="From 1 to 1440."
          type="number"
          value={v.dailyMinutes}
          error={f?.dailyMinutes}
          required
        />
        <TextInput
          name="sessionMinutes"
          label="Minutes of one session"
          hint="From 1 to 1440; extended only while nobody waits."
          type="number"
          value={v.sessionMinutes}
          error={f?.sessionMinutes}
          required
        />
        <TextInput
          name="holdMinutes"
          label="Minutes a freed computer is held for a ticket"
          hint="From 1 to 60."
          type="number"
          value={v.holdMinutes}
          error={f?.holdMinutes}
          required
        />
        <AgeBandChecks
          bands={p.bands}
          selected={(v.ageBands ?? '').split(',').filter(Boolean)}
          hint="Tick none for everyone."
        />
        <button type="submit">{p.isNew ? 'Create group' : 'Save group'}</button>
      </form>
    </Layout>
  );
}

export function StationFormPage(
  p: FormProps & { stationId?: string; groups: Array<readonly [string, string]> },
) {
  const { library, values: v, fields: f } = p;
  const title = p.stationId ? `Computer ${v.name ?? ''}` : 'New computer';
  return (
    <Layout title={title} library={library} actor={p.actor ?? null} csrfToken={p.csrfToken ?? ''} staffArea>
      <p>
        <a href={`/staff/pcs/groups${q(p.branch)}`}>Back to groups and computers</a>
      </p>
      <h1>{title}</h1>
      <ErrorSummary message={p.error} fields={f ?? {}} />
      <form method="post" action={p.action}>
        <CsrfField token={p.csrfToken ?? ''} />
        <TextInput
          name="name"
          label="Name"
          hint="As the computer's client is set up: letters, digits, spaces, dots, dashes."
          value={v.name}
          error={f?.name}
          required
        />
        <Select
          name="groupId"
          label="Group"
          options={p.groups}
          value={v.groupId}
          error={f?.groupId}
          empty="Choose a group"
          required
        />
        <AgeBandChecks
          bands={p.bands}
          selected={(v.ageBands ?? '').split(',').filter(Boolean)}
          hint="Tick none to follow the group's rule."
        />
        <Checkbox name="isReservable" label="Offered to the waiting list" checked={v.isReservable === 'on'} />
        <button type="submit">{p.stationId ? 'Save computer' : 'Create computer'}</button>
      </form>
      {p.stationId && (
        <form method="post" action={`/staff/pcs/stations/${p.stationId}/delete`}>
          <CsrfField token={p.csrfToken ?? ''} />
          <h2>Delete this computer</h2>
          <p>
            Only when nobody is using it and no ticket holds it. A client that still runs there will ask to be
            approved again.
          </p>
          <button type="submit" class="danger">
            Delete computer
          </button>
        </form>
      )}
    </Layout>
  );
}

/** After creating a computer: its key, shown this once (only a hash of it is kept). */
export function StationKeyPage({
  library,
  actor,
  csrfToken = '',
  branch,
  name,
  stationKey,
}: PageFrame & { branch: string; name: string; stationKey: string }) {
  return (
    <Layout
      title={`Computer ${name} created`}
      library={library}
      actor={actor ?? null}
      csrfToken={csrfToken}
      staffArea
      stylesheet="pcs.css"
    >
      <h1>Computer {name} created</h1>
      <div class="error-summary" role="status">
        <h2>Copy the station key now: it is shown once.</h2>
        <p>Carrel keeps only a fingerprint of it. Set it in the computer's client configuration.</p>
      </div>
      <p class="pass-code">{stationKey}</p>
      <p>
        <a href={`/staff/pcs/groups${q(branch)}`}>Back to groups and computers</a>
      </p>
    </Layout>
  );
}
