// The public-computer statistics page for staff (issue 14 item 7; P1, G7): a chart and a table per
// branch × group × day or hour, refusals by reason, and a CSV link. Nothing here names a person.
import type { FieldErrors } from '../../errors.ts';
import { Select, TextInput } from '../../http/fields.tsx';
import { ErrorSummary, Layout, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import { branchName, type LibraryIdentity } from '../../library.ts';
import { BarChart } from '../../stats/chart.tsx';
import type { Suppressed } from '../../stats/suppress.ts';
import type { PcStatsLine, PcStatsReport } from './pcs-stats.service.ts';

/** "12", "0" or "5 or fewer" (G7). */
export const countText = (s: Suppressed): string =>
  s.kind === 'exact' ? String(s.value) : `${s.k} or fewer`;
/** Minutes or seconds, or "hidden" where the count beside them is suppressed. */
export const hiddenOr = (v: number | null): string => (v === null ? 'hidden' : String(v));
const minutesOf = (seconds: number | null): string =>
  seconds === null ? 'hidden' : (seconds / 60).toFixed(1);

export const refusalWords: Record<string, string> = {
  ACCOUNT_DISABLED: 'Card blocked',
  ACCOUNT_EXPIRED: 'Card expired',
  ILS_UNAVAILABLE: 'Library system not answering',
  BAD_LOGIN: 'Wrong card number, PIN or pass',
  NO_TIME: 'No time left today',
  CLOSED: 'Branch closed or closing',
  AGE_BAND: 'Not for this age group',
  RESERVED: 'Held for a ticket',
  OUT_OF_ORDER: 'Computer out of order',
  UNKNOWN_STATION: 'Unknown computer',
  STATION_NOT_APPROVED: 'Computer not yet approved',
  ALREADY_IN_USE: 'Card already on another computer',
  STATION_BUSY: 'Computer already in use',
};

/** The caption's note when a bar leaves out groups whose count is withheld (G7). */
const partialNote = (r: PcStatsReport, what: 'sessions' | 'waits'): string =>
  r.chart.some((c) => c.partial[what])
    ? ` A * marks a ${r.by} that leaves out groups with ${r.k} or fewer ${what}: their counts are withheld, so its bar shows less than all.`
    : '';

export function statsQuery(r: PcStatsReport): string {
  return `?from=${r.from}&to=${r.to}&by=${r.by}${r.branch ? `&branch=${encodeURIComponent(r.branch)}` : ''}`;
}

function LinesTable({
  r,
  lines,
  library,
}: {
  r: PcStatsReport;
  lines: PcStatsLine[];
  library: LibraryIdentity;
}) {
  return (
    <ScrollRegion label="Public computer use by branch, group and time">
      <table>
        <thead>
          <tr>
            <th scope="col">Branch</th>
            <th scope="col">Group</th>
            <th scope="col">{r.by === 'day' ? 'Day' : 'Hour'}</th>
            <th scope="col">Sessions</th>
            <th scope="col">Guest sessions</th>
            <th scope="col">Minutes used</th>
            <th scope="col">Passes used</th>
            <th scope="col">Waits</th>
            <th scope="col">Median wait (min)</th>
            <th scope="col">Longest wait (min)</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={`${l.branch}|${l.groupName}|${l.when}`}>
              <td>{branchName(library, l.branch)}</td>
              <td>{l.groupName}</td>
              <td>{l.when}</td>
              <td>{countText(l.sessions)}</td>
              <td>{countText(l.guestSessions)}</td>
              <td>{hiddenOr(l.minutesUsed)}</td>
              <td>{countText(l.passesUsed)}</td>
              <td>{countText(l.waits)}</td>
              <td>{minutesOf(l.medianWaitSeconds)}</td>
              <td>{minutesOf(l.longestWaitSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

export function PcStatsPage(
  p: PageFrame & {
    csrfToken: string;
    report: PcStatsReport | null;
    values: Record<string, string | undefined>;
    error?: string;
    fields?: FieldErrors;
  },
) {
  const r = p.report;
  const branches = p.library.branches.map((b) => [b.code, b.name] as const);
  return (
    <Layout
      title="Public computer statistics"
      library={p.library}
      actor={p.actor}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Public computer statistics</h1>
      <p>
        Counted without knowing who: sessions, minutes, guest passes, waits and refused sign-ins per branch,
        group and hour (P1). Counts from 1 to {r?.k ?? 'k'} are shown as “{r?.k ?? 'k'} or fewer”, and the
        minutes or wait times beside such a count are hidden, so nobody can be singled out (G7). Waits are
        counted at the end of each day.
      </p>
      <ErrorSummary message={p.error} fields={p.fields} />
      <form method="get" action="/staff/pcs/stats" class="inline-form">
        <TextInput name="from" label="From (YYYY-MM-DD)" value={p.values.from} error={p.fields?.from} />
        <TextInput name="to" label="To (YYYY-MM-DD)" value={p.values.to} error={p.fields?.to} />
        <Select
          name="branch"
          label="Branch"
          options={branches}
          empty="All branches"
          value={p.values.branch}
          error={p.fields?.branch}
        />
        <Select
          name="by"
          label="Rows"
          options={[
            ['day', 'Per day'],
            ['hour', 'Per hour of the day'],
          ]}
          value={p.values.by ?? 'day'}
          error={p.fields?.by}
        />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {r && (
        <>
          <h2>
            {r.from} to {r.to}
            {r.branch ? `, ${branchName(p.library, r.branch)}` : ''}
          </h2>
          <p>
            <a href={`/staff/pcs/stats.csv${statsQuery(r)}`} download>
              Download as CSV
            </a>
          </p>
          <BarChart
            title={r.by === 'day' ? 'Sessions per day' : 'Sessions per hour of the day'}
            id="pc-sessions"
            unit="sessions"
            rows={r.chart.map((c) => ({
              label: c.when + (c.partial.sessions ? ' *' : ''),
              value: c.sessions,
            }))}
            k={r.k}
            labelHeading={r.by === 'day' ? 'Day' : 'Hour'}
            caption={`Sessions with a card and with a guest pass, over the groups whose count is shown below.${partialNote(r, 'sessions')}`}
          />
          <BarChart
            title={r.by === 'day' ? 'Waits per day' : 'Waits per hour of the day'}
            id="pc-waits"
            unit="waits"
            rows={r.chart.map((c) => ({ label: c.when + (c.partial.waits ? ' *' : ''), value: c.waits }))}
            k={r.k}
            labelHeading={r.by === 'day' ? 'Day' : 'Hour'}
            caption={`Tickets served at a computer, over the groups whose count is shown below.${partialNote(r, 'waits')}`}
          />
          <h3>By branch and group</h3>
          {r.lines.length === 0 ? (
            <p>Nothing was counted in this period.</p>
          ) : (
            <LinesTable r={r} lines={r.lines} library={p.library} />
          )}
          <h3>Refused sign-ins by reason</h3>
          {r.refusals.length === 0 ? (
            <p>No sign-in was refused in this period.</p>
          ) : (
            <ScrollRegion label="Refused sign-ins by reason">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Branch</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Refusals</th>
                  </tr>
                </thead>
                <tbody>
                  {r.refusals.map((x) => (
                    <tr key={`${x.branch}|${x.reason}`}>
                      <td>{branchName(p.library, x.branch)}</td>
                      <td>{refusalWords[x.reason] ?? x.reason}</td>
                      <td>{countText(x.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </>
      )}
    </Layout>
  );
}
