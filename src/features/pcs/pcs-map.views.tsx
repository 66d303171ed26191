// The live map of a branch's public computers and one computer's page with its actions (issue 14
// item 7). The map reloads itself every 30 s (no JavaScript) only when staff turn that on: a page
// that reloads by itself without being asked fails WCAG 2.2.1, and turning it on first is the
// sanctioned way. The actions live on the computer's own page, which never reloads, so a reload
// cannot wipe a message being typed. Never who (P1).
import type { FieldErrors } from '../../errors.ts';
import { Select, TextArea, TextInput } from '../../http/fields.tsx';
import { CsrfField, ErrorSummary, Layout, Notice, type PageFrame } from '../../http/layout.tsx';
import type { MapGroup, MapStation } from './pcs-staff.presenter.ts';
import { branchName, PcsNav } from './pcs-staff.view-parts.tsx';

export const MAP_REFRESH_SECONDS = 30;

/** The map of a branch, reloading itself or not. */
export const mapUrl = (branch: string, live: boolean) =>
  `/staff/pcs?branch=${encodeURIComponent(branch)}${live ? '&live=1' : ''}`;

export function MapPage({
  library,
  actor,
  csrfToken,
  branch,
  groups,
  counts,
  notice,
  live,
}: PageFrame & {
  branch: string;
  /** Reload every MAP_REFRESH_SECONDS, as staff asked. */
  live: boolean;
  groups: MapGroup[];
  counts: Array<[string, number]>;
  notice?: string | undefined;
}) {
  const title = `Public computers at ${branchName(library, branch)}`;
  return (
    <Layout
      title={title}
      library={library}
      actor={actor ?? null}
      csrfToken={csrfToken ?? ''}
      staffArea
      stylesheet="pcs.css"
      {...(live && { refreshSeconds: MAP_REFRESH_SECONDS })}
    >
      <h1>{title}</h1>
      <PcsNav library={library} branch={branch} page="map" />
      {notice && <Notice>{notice}</Notice>}
      <p>
        It never shows who is using a computer. Choose a computer to add time, send a message, end a session
        or take it out of order.
      </p>
      <p class="no-print">
        <a href={mapUrl(branch, live)}>Refresh now</a> ·{' '}
        {live ? (
          <>
            This page reloads every {MAP_REFRESH_SECONDS} seconds.{' '}
            <a href={mapUrl(branch, false)}>Stop reloading</a>
          </>
        ) : (
          <a href={mapUrl(branch, true)}>Reload every {MAP_REFRESH_SECONDS} seconds</a>
        )}
      </p>
      {counts.length > 0 && <p>{counts.map(([label, n]) => `${label}: ${n}`).join(' · ')}</p>}
      {groups.length === 0 && (
        <p>
          No groups of computers yet.{' '}
          <a href={`/staff/pcs/groups?branch=${encodeURIComponent(branch)}`}>Add one</a>.
        </p>
      )}
      {groups.map((g) => (
        <section key={g.id ?? 'waiting'} aria-labelledby={`g-${g.id ?? 'waiting'}`}>
          <h2 id={`g-${g.id ?? 'waiting'}`}>{g.name}</h2>
          {g.stations.length === 0 ? (
            <p>No computers in this group.</p>
          ) : (
            <ul class="pc-map">
              {g.stations.map((s) => (
                <StationCard key={s.id} s={s} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </Layout>
  );
}

function StationCard({ s }: { s: MapStation }) {
  const cls = `pc-card${s.state === 'in-use' ? ' pc-in-use' : ''}${s.attention ? ' pc-attention' : ''}`;
  return (
    <li class={cls}>
      <h3>
        <a href={`/staff/pcs/stations/${s.id}`}>{s.name}</a>
      </h3>
      <p>
        <strong>{s.label}</strong>
        {s.detail && <> — {s.detail}</>}
      </p>
    </li>
  );
}

export interface StationPageProps extends PageFrame {
  branch: string;
  station: MapStation;
  /** The groups of the branch, for approving a computer. */
  groups: Array<readonly [string, string]>;
  notice?: string | undefined;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
  values?: Record<string, string> | undefined;
  /** Which form the refusal belongs to. */
  failed?: string | undefined;
}

/** One computer: its state and the actions that fit it. */
export function StationPage(p: StationPageProps) {
  const { library, station: s, csrfToken = '' } = p;
  const act = (name: string) => `/staff/pcs/stations/${s.id}/${name}`;
  const v = (name: string, field: string) => (p.failed === name ? p.values?.[field] : undefined);
  const err = (name: string, field: string) => (p.failed === name ? p.fields?.[field] : undefined);
  return (
    <Layout
      title={`Computer ${s.name}`}
      library={library}
      actor={p.actor ?? null}
      csrfToken={csrfToken}
      staffArea
      stylesheet="pcs.css"
    >
      <p class="no-print">
        <a href={`/staff/pcs?branch=${encodeURIComponent(p.branch)}`}>
          Back to the map of {branchName(library, p.branch)}
        </a>
      </p>
      <h1>Computer {s.name}</h1>
      {p.notice && <Notice>{p.notice}</Notice>}
      <ErrorSummary message={p.error} fields={p.fields ?? {}} />
      <p>
        <strong>{s.label}</strong>
        {s.detail && <> — {s.detail}</>}
      </p>
      {s.state === 'unapproved' && (
        <form method="post" action={act('approve')}>
          <CsrfField token={csrfToken} />
          <h2>Approve this computer</h2>
          <p>It asked to join by name. Approve it only if it is one of the library's computers.</p>
          <Select
            name="groupId"
            label="Group"
            options={p.groups}
            value={v('approve', 'groupId')}
            error={err('approve', 'groupId')}
            empty="Choose a group"
            required
          />
          <button type="submit">Approve</button>
        </form>
      )}
      {s.state === 'in-use' && (
        <>
          <form method="post" action={act('minutes')}>
            <CsrfField token={csrfToken} />
            <h2>Add minutes</h2>
            <TextInput
              name="minutes"
              label="Minutes to add"
              hint="From 1 to 480. Closing time still ends the session."
              type="number"
              value={v('minutes', 'minutes') ?? '15'}
              error={err('minutes', 'minutes')}
              required
            />
            <button type="submit">Add minutes</button>
          </form>
          <form method="post" action={act('message')}>
            <CsrfField token={csrfToken} />
            <h2>Send a message</h2>
            <TextArea
              name="message"
              label="Message"
              hint="Shown once on the computer's screen at its next check (within 10 seconds). Up to 500 characters."
              value={v('message', 'message')}
              error={err('message', 'message')}
              rows={3}
              maxLength={500}
              required
            />
            <button type="submit">Send message</button>
          </form>
          <form method="post" action={act('end')}>
            <CsrfField token={csrfToken} />
            <h2>End the session</h2>
            <p>The computer logs out at its next check; the time used counts towards today's allowance.</p>
            <button type="submit" class="danger">
              End session now
            </button>
          </form>
        </>
      )}
      {s.state !== 'unapproved' && (
        <form method="post" action={act('order')}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="outOfOrder" value={s.state === 'out-of-order' ? '0' : '1'} />
          <h2>{s.state === 'out-of-order' ? 'Put back in order' : 'Take out of order'}</h2>
          <p>
            {s.state === 'out-of-order'
              ? 'The computer can be used and offered to the waiting list again.'
              : 'Nobody can sign in on it; a session already running goes on to its end.'}
          </p>
          <button type="submit" class="secondary">
            {s.state === 'out-of-order' ? 'Put back in order' : 'Take out of order'}
          </button>
        </form>
      )}
      {s.state === 'reserved' && (
        <p>
          To let someone else use it, release or skip the ticket on the{' '}
          <a href={`/staff/pcs/waitlist?branch=${encodeURIComponent(p.branch)}`}>waiting list</a>.
        </p>
      )}
      <p>
        <a href={`/staff/pcs/stations/${s.id}/edit`}>Edit or delete this computer</a>
      </p>
    </Layout>
  );
}
