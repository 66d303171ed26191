// Circulation statistics: counts per day, branch, material type and action, never a patron (C2);
// small counts are suppressed (G7).
import type { FieldErrors } from '../../errors.ts';
import { ErrorSummary, Layout, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import { branchName } from '../../library.ts';
import { suppressedText } from '../../stats/suppress.ts';
import type { CirculationStats } from './stats.service.ts';
import { TextInput } from '../../http/fields.tsx';

const actionWords: Record<string, string> = {
  checkout: 'Check-outs',
  checkin: 'Check-ins',
  renew: 'Renewals',
  hold_placed: 'Holds placed',
  hold_trapped: 'Holds caught',
  hold_picked_up: 'Holds picked up',
  hold_cancelled: 'Holds cancelled',
  hold_expired: 'Holds expired',
  lost: 'Marked lost',
  damaged: 'Marked damaged',
};
export const actionLabel = (a: string): string => actionWords[a] ?? a;

export function StatsPage(
  p: PageFrame & {
    csrfToken: string;
    stats: CirculationStats | null;
    values: { from?: string | undefined; to?: string | undefined };
    error?: string | undefined;
    fields?: FieldErrors | undefined;
  },
) {
  const s = p.stats;
  const query = s ? `?from=${s.from}&to=${s.to}` : '';
  return (
    <Layout
      title="Circulation statistics"
      library={p.library}
      actor={p.actor}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Circulation statistics</h1>
      <p>
        Counted when each event happens, per day, branch, material type and action. No patron is part of these
        counts (C2). Counts from 1 to {s?.k ?? 'k'} are shown as “{s?.k ?? 'k'} or fewer” so nobody can be
        singled out (G7).
      </p>
      <ErrorSummary message={p.error} fields={p.fields} />
      <form method="get" action="/staff/circulation/stats" class="inline-form">
        <TextInput name="from" label="From (YYYY-MM-DD)" value={p.values.from} error={p.fields?.from} />
        <TextInput name="to" label="To (YYYY-MM-DD)" value={p.values.to} error={p.fields?.to} />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {s && (
        <>
          <h2>
            {s.from} to {s.to}
          </h2>
          <p>
            <a href={`/staff/circulation/stats.csv${query}`} download>
              Download as CSV
            </a>
          </p>
          <h3>Totals</h3>
          {Object.keys(s.totals).length === 0 ? (
            <p>Nothing was counted in this period.</p>
          ) : (
            <ul>
              {Object.entries(s.totals).map(([a, n]) => (
                <li key={a}>
                  {actionLabel(a)}: {suppressedText(n, s.k)}
                </li>
              ))}
            </ul>
          )}
          {s.rows.length > 0 && (
            <ScrollRegion label="Counts by branch, material type and action">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Branch</th>
                    <th scope="col">Material type</th>
                    <th scope="col">Action</th>
                    <th scope="col">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {s.rows.map((r) => (
                    <tr key={`${r.branchCode}|${r.materialType}|${r.action}`}>
                      <td>{branchName(p.library, r.branchCode)}</td>
                      <td>{r.materialType}</td>
                      <td>{actionLabel(r.action)}</td>
                      <td>{suppressedText(r.count, s.k)}</td>
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
