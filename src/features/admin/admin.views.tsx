// Administrator pages: purge runs and rules; job-queue health.
import {
  CsrfField,
  ErrorSummary,
  formatDateTime,
  Layout,
  Notice,
  ScrollRegion,
  type PageFrame,
} from '../../http/layout.tsx';
import type { QueueHealth } from '../../jobs/jobs.repository.ts';
import type { PurgeOverview } from './admin.service.ts';
import { plural } from '../../plural.ts';

const triggerLabel = { schedule: 'Schedule', manual: 'Staff ("run now")', cli: 'Command line' } as const;

export function PurgePage({
  library,
  actor,
  csrfToken,
  overview,
  canRun,
  notice,
  error,
}: PageFrame & {
  overview: PurgeOverview;
  canRun: boolean;
  notice?: string;
  /** Why "run now" was refused. */
  error?: string;
}) {
  const tz = library.timezone;
  return (
    <Layout title="Purging" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Purging</h1>
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary message={error} />
      <dl class="facts">
        <dt>Schedule</dt>
        <dd>Every {plural(overview.everyMinutes, 'minute')}</dd>
        <dt>Next scheduled run</dt>
        <dd>{formatDateTime(overview.nextRunAt, tz)}</dd>
        <dt>Active legal holds</dt>
        <dd>{overview.activeLegalHolds}</dd>
      </dl>
      {canRun && (
        <form method="post" action="/staff/admin/purge/run" class="actions">
          <CsrfField token={csrfToken!} />
          <button type="submit">Run the purge now</button>
        </form>
      )}
      <h2>Recent runs</h2>
      {overview.recentRuns.length === 0 ? (
        <p>No purge has run yet.</p>
      ) : (
        <ScrollRegion label="Recent purge runs">
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Started by</th>
                <th scope="col">Outcome</th>
                <th scope="col" class="num">
                  Rows removed
                </th>
                <th scope="col" class="num">
                  Kept under hold
                </th>
                <th scope="col" class="num">
                  Duration
                </th>
                <th scope="col" class="num">
                  Longest write
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.recentRuns.map((r) => {
                const counts = Object.values(r.ruleCounts);
                return (
                  <tr key={r.id}>
                    <td>
                      {formatDateTime(r.startedAt, tz)}
                      {r.isDryRun ? ' (dry run)' : ''}
                    </td>
                    <td>{triggerLabel[r.trigger]}</td>
                    <td
                      class={r.outcome === 'failed' ? 'status-failed' : r.outcome === 'ok' ? 'status-ok' : ''}
                    >
                      {r.outcome === 'failed'
                        ? `Failed (${r.errorCode ?? 'error'})`
                        : r.outcome === 'ok'
                          ? 'Completed'
                          : 'Running'}
                    </td>
                    <td class="num">{counts.reduce((s, c) => s + c.purged, 0)}</td>
                    <td class="num">{counts.reduce((s, c) => s + c.held, 0)}</td>
                    <td class="num">{r.durationMs === null ? '—' : `${r.durationMs} ms`}</td>
                    <td class="num">{r.longestBatchMs === null ? '—' : `${r.longestBatchMs} ms`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {overview.recentRuns[0] && Object.keys(overview.recentRuns[0].ruleCounts).length > 0 && (
        <>
          <h2>Latest run by rule</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col" class="num">
                  Removed
                </th>
                <th scope="col" class="num">
                  Kept under hold
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(overview.recentRuns[0].ruleCounts).map(([id, c]) => (
                <tr key={id}>
                  <td>{id}</td>
                  <td class="num">{c.purged}</td>
                  <td class="num">{c.held}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Retention rules</h2>
      <ScrollRegion label="Retention rules">
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Table</th>
              <th scope="col">Deleted</th>
              <th scope="col">What it does</th>
            </tr>
          </thead>
          <tbody>
            {overview.rules.map((r) => (
              <tr key={r.id}>
                <td>{r.id}</td>
                <td>{r.table}</td>
                <td>{r.period}</td>
                <td>{r.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </Layout>
  );
}

export function JobsPage({
  library,
  actor,
  csrfToken,
  health,
}: PageFrame & { health: QueueHealth & { registered: string[] } }) {
  const tz = library.timezone;
  return (
    <Layout title="Background jobs" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Background jobs</h1>
      <dl class="facts">
        <dt>Waiting</dt>
        <dd>{health.byStatus.queued}</dd>
        <dt>Running</dt>
        <dd>{health.byStatus.running}</dd>
        <dt>Finished (kept 7 days)</dt>
        <dd>{health.byStatus.done}</dd>
        <dt>Failed (kept 30 days)</dt>
        <dd class={health.byStatus.failed > 0 ? 'status-failed' : ''}>{health.byStatus.failed}</dd>
        <dt>Oldest job waiting since</dt>
        <dd>
          {health.oldestQueuedRunAt ? formatDateTime(health.oldestQueuedRunAt, tz) : 'Nothing is waiting'}
        </dd>
      </dl>
      <h2>By kind</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Count
            </th>
          </tr>
        </thead>
        <tbody>
          {health.byName.map((r) => (
            <tr key={`${r.name}-${r.status}`}>
              <td>{r.name}</td>
              <td>{r.status}</td>
              <td class="num">{r.n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Recent failures</h2>
      {health.recentFailures.length === 0 ? (
        <p>No job has failed recently.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Failed at</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {health.recentFailures.map((f) => (
              <tr key={f.id}>
                <td>{f.name}</td>
                <td>{formatDateTime(f.finishedAt, tz)}</td>
                <td class="num">{f.attempts}</td>
                <td>{f.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="small">Registered jobs: {health.registered.join(', ')}</p>
    </Layout>
  );
}
