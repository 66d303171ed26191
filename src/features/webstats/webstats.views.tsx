// The webmaster's website statistics (issue 5) and the external-link notice (W4). Charts are
// server-rendered SVG with a data table beside each (src/stats/chart.tsx); every count from 1 to k
// is shown as "k or fewer" (G7), totals stay exact. No JavaScript.
import type { FieldErrors } from '../../errors.ts';
import { ErrorSummary, Layout, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import { suppressedText } from '../../stats/suppress.ts';
import { BarChart, SeriesChart } from '../../stats/chart.tsx';
import type { Dashboard, Figures } from './webstats.service.ts';

const sections: Array<[dimension: string, title: string, unit: string]> = [
  ['page', 'Top pages', 'views'],
  ['referrer', 'Referring sites', 'views'],
  ['domain', 'Visitors’ networks (domains)', 'views'],
  ['browser', 'Browsers', 'views'],
  ['os', 'Operating systems', 'views'],
  ['location', 'In the library or remote', 'views'],
  ['source', 'Counted by', 'views'],
];
const TOP = 15;

function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new';
  const pct = Math.round(((now - before) / before) * 100);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

function Totals({ d }: { d: Dashboard }) {
  // Visitors and views are totals and stay exact (G7); the opt-out figure is a count like any
  // other, so 1..k is suppressed and no percentage change can give it away.
  const rows: Array<[string, (f: Figures) => number, boolean]> = [
    ['Unique visitors (per day, summed)', (f) => f.visitors, false],
    ['Page views', (f) => f.views, false],
    ['Visits with Do Not Track or Global Privacy Control (counted only here)', (f) => f.optOut, true],
  ];
  const show = (n: number, suppressed: boolean) => (suppressed ? suppressedText(n, d.k) : String(n));
  return (
    <ScrollRegion label="Totals">
      <table>
        <caption>Totals</caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">
              {d.range.from} to {d.range.to}
            </th>
            <th scope="col">
              Previous period ({d.previous.from} to {d.previous.to})
            </th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, get, small]) => {
            const [now, before] = [get(d.current), get(d.before)];
            const hidden = small && ((now >= 1 && now <= d.k) || (before >= 1 && before <= d.k));
            return (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{show(now, small)}</td>
                <td>{show(before, small)}</td>
                <td>{hidden ? '—' : change(now, before)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

export function WebStatsPage({
  library,
  actor,
  csrfToken,
  dashboard,
  query,
  error,
  fields,
}: PageFrame & {
  dashboard: Dashboard | null;
  query: { from?: string | undefined; to?: string | undefined };
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}) {
  const d = dashboard;
  return (
    <Layout title="Website statistics" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Website statistics</h1>
      <p>
        Counts only: no visit, address or browser identification is kept (see the{' '}
        <a href="/privacy#statistics">privacy page</a>). Counts from 1 to {d?.k ?? 5} are shown as "
        {d?.k ?? 5} or fewer" here and in the export.
      </p>
      <ErrorSummary message={error} fields={fields} />
      <form method="get" action="/staff/stats" class="inline-form">
        <label for="from">From</label>{' '}
        <input id="from" name="from" type="date" value={query.from ?? d?.range.from ?? ''} />{' '}
        <label for="to">To</label>{' '}
        <input id="to" name="to" type="date" value={query.to ?? d?.range.to ?? ''} />{' '}
        <button type="submit">Show</button>
      </form>
      {d && (
        <>
          <p>
            <a href={`/staff/stats.csv?from=${d.range.from}&to=${d.range.to}`}>
              Download these figures as CSV
            </a>
          </p>
          <Totals d={d} />
          <SeriesChart
            title="Page views per day"
            id="views-per-day"
            unit="views"
            labelHeading="Day"
            categories={d.current.perDay.map((p) => p.day)}
            series={[{ name: 'Page views', values: d.current.perDay.map((p) => p.views) }]}
            k={d.k}
          />
          {sections.map(([dim, title, unit]) => {
            const list = d.current.byDimension[dim] ?? [];
            const before = new Map((d.before.byDimension[dim] ?? []).map((r) => [r.value, r.count]));
            if (dim === 'domain' && !d.reverseDns)
              return (
                <p key={dim}>
                  Network domains are not looked up (<code>STATS_REVERSE_DNS=false</code>).
                </p>
              );
            return (
              <section key={dim} aria-labelledby={`${dim}-h`}>
                <h2 id={`${dim}-h`}>{title}</h2>
                {list.length === 0 ? (
                  <p>None in this period.</p>
                ) : (
                  <>
                    <BarChart
                      title={`${title}, ${d.range.from} to ${d.range.to}`}
                      id={`chart-${dim}`}
                      unit={unit}
                      labelHeading={title}
                      rows={list.slice(0, TOP).map((r) => ({ label: r.value, value: r.count }))}
                      k={d.k}
                      caption={
                        list.length > TOP
                          ? `The ${TOP} largest of ${list.length}; all are in the CSV.`
                          : undefined
                      }
                    />
                    <p class="small stats-note">
                      Previous period, same items:{' '}
                      {list
                        .slice(0, 5)
                        .map((r) => `${r.value}: ${suppressedText(before.get(r.value) ?? 0, d.k)}`)
                        .join('; ')}
                    </p>
                  </>
                )}
              </section>
            );
          })}
          <section aria-labelledby="exit-h">
            <h2 id="exit-h">Links followed to other sites</h2>
            {(d.current.byDimension.exit ?? []).length === 0 ? (
              <p>None in this period.</p>
            ) : (
              <BarChart
                title="Visitors leaving for other sites, by destination"
                id="chart-exit"
                unit="exits"
                labelHeading="Destination"
                rows={(d.current.byDimension.exit ?? [])
                  .slice(0, TOP)
                  .map((r) => ({ label: r.value, value: r.count }))}
                k={d.k}
              />
            )}
          </section>
        </>
      )}
    </Layout>
  );
}

/** The notice shown before leaving for another site (W4). */
export function LeavePage({
  library,
  target,
  to,
  sig,
}: PageFrame & { target: URL; to: string; sig: string }) {
  return (
    <Layout title="You are leaving the library’s website" library={library}>
      <h1>You are leaving the library’s website</h1>
      <p>This link leads to:</p>
      <p class="leave-target">
        <strong>{target.hostname}</strong>
        <br />
        <span class="small">{target.href}</span>
      </p>
      <p>
        That site is not run by {library.name}. <strong>Our privacy policy does not apply there</strong>: it
        may use cookies, track visits or share information under its own rules. We only count how many people
        leave for each site — not who.
      </p>
      <form method="get" action="/leave/go">
        {/* The address exactly as signed: a normalised form would not match its signature. */}
        <input type="hidden" name="to" value={to} />
        {sig && <input type="hidden" name="sig" value={sig} />}
        <button type="submit">Continue to {target.hostname}</button>
      </form>
      <p>
        <a href="/">Stay on the library’s website</a>
      </p>
    </Layout>
  );
}

export function LeaveRefusedPage({ library }: PageFrame) {
  return (
    <Layout title="This link cannot be followed" library={library}>
      <h1>This link cannot be followed</h1>
      <p>
        The address in this link was changed or is incomplete, so we cannot tell where it should lead. Links
        from the library’s pages work as they are; please go back and use the link again.
      </p>
      <p>
        <a href="/">Back to the library’s website</a>
      </p>
    </Layout>
  );
}
