// Public computer pages of a branch (issue 14 item 4; P1, P2): free computers and the waiting list,
// taking a ticket, following it, and the wall board. No JavaScript: the ticket page and the board
// reload themselves with a meta refresh only when the reader turns that on (`?live=1`, a link on
// the page): a page that reloads unasked fails WCAG 2.2.1. They show ticket numbers and computer
// names, never a name or a card.
import type { FieldErrors } from '../../errors.ts';
import { TextInput } from '../../http/fields.tsx';
import { ErrorSummary, Layout, type PageFrame } from '../../http/layout.tsx';
import { plural } from '../../plural.ts';
import type { Board, GroupNow } from './pcs-public.service.ts';
import type { TicketStatus } from './pcs-waitlist.service.ts';

/** "14:05" in the library's time zone. */
export function clockTime(isoText: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(isoText));
}

export function ComputersPage(
  p: PageFrame & {
    branch: string;
    branchName: string;
    groups: GroupNow[];
    csrfToken: string;
    values?: Record<string, string>;
    error?: string;
    fields?: FieldErrors;
  },
) {
  const v = p.values ?? {};
  return (
    <Layout title={`Computers at ${p.branchName}`} library={p.library}>
      <h1>Computers at {p.branchName}</h1>
      <ErrorSummary message={p.error} fields={p.fields} />
      {p.groups.length === 0 ? (
        <p>This branch has no public computers set up yet.</p>
      ) : (
        <>
          <h2>Right now</h2>
          <ul class="pc-groups">
            {p.groups.map((g) => (
              <li key={g.groupId}>
                <strong>{g.name}</strong>: {g.free} of {plural(g.computers, 'computer')} free,{' '}
                {g.waiting === 0 ? 'nobody waiting' : `${plural(g.waiting, 'ticket')} waiting`}.
              </li>
            ))}
          </ul>
          <p>
            <a href={`/computers/${p.branch}/board`}>See the waiting list board</a>
          </p>
          <h2>Take a ticket</h2>
          <p>
            When every computer of a group is busy, take a ticket. When a computer is free, it is held for the
            first ticket for a few minutes. You need no library card for a ticket.
          </p>
          <form method="post" action={`/computers/${p.branch}/join`}>
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            <fieldset>
              <legend>Which computers?</legend>
              {p.fields?.groupId && (
                <p class="error" id="groupId-error">
                  {p.fields.groupId}
                </p>
              )}
              {p.groups.map((g, i) => (
                <div class="field" key={g.groupId}>
                  <label>
                    <input
                      type="radio"
                      name="groupId"
                      id={i === 0 ? 'groupId' : `groupId-${i}`}
                      value={g.groupId}
                      checked={v.groupId ? v.groupId === g.groupId : i === 0}
                      aria-describedby={p.fields?.groupId ? 'groupId-error' : undefined}
                    />{' '}
                    {g.name}
                  </label>
                </div>
              ))}
            </fieldset>
            <fieldset>
              <legend>Your library card (optional)</legend>
              <p class="hint">
                With your card and PIN, the computer knows you when your turn comes. Leave both empty for a
                ticket without a card.
              </p>
              <TextInput
                name="cardNumber"
                label="Card number"
                value={v.cardNumber?.slice(0, 40)}
                error={p.fields?.cardNumber}
                autocomplete="off"
              />
              <TextInput name="pin" label="PIN" type="password" error={p.fields?.pin} autocomplete="off" />
            </fieldset>
            <button type="submit">Take a ticket</button>
          </form>
        </>
      )}
    </Layout>
  );
}

function TicketView(p: { status: TicketStatus; timeZone: string }) {
  const s = p.status;
  return (
    <div class="pc-ticket">
      <p class="pc-ticket-number">
        Your ticket: <strong>{s.ticket}</strong>
      </p>
      {s.calledTo ? (
        <p class="pc-called" role="status">
          Go to <strong>{s.calledTo.stationName}</strong> now
          {s.calledTo.holdUntil ? `, held for you until ${clockTime(s.calledTo.holdUntil, p.timeZone)}` : ''}.
        </p>
      ) : (
        <p role="status">
          {s.position <= 1 ? 'You are next in line.' : `You are number ${s.position} in line.`}
        </p>
      )}
      {s.claimCode !== null ? <ClaimSteps ticket={s.ticket} code={s.claimCode} /> : null}
    </div>
  );
}

/** How a ticket taken without a card gets its computer: the computer cannot recognise it otherwise. */
function ClaimSteps(p: { ticket: string; code: string }) {
  return (
    <div class="pc-claim">
      <p>
        Your code: <strong>{p.code}</strong>
      </p>
      <p>When a computer is named for you above:</p>
      <ol>
        <li>Go to that computer.</li>
        <li>
          Where it asks for the card number, type your ticket <strong>{p.ticket}</strong>; where it asks for
          the PIN, type your code <strong>{p.code}</strong>. Then sign in. The computer answers that your
          ticket is confirmed.
        </li>
        <li>Now sign in there with your library card and PIN, or with a guest pass from the desk.</li>
      </ol>
      <p class="small">Keep the code to yourself: anyone with it could take the computer called for you.</p>
    </div>
  );
}

export const TICKET_REFRESH_SECONDS = 30;
export const BOARD_REFRESH_SECONDS = 15;

/** "Reload every N seconds" / "Stop reloading": the reader turns the reloading on and off. */
function LiveToggle(p: { url: string; live: boolean; seconds: number; what: string }) {
  return (
    <p class="no-print">
      {p.live ? (
        <>
          {p.what} reloads every {p.seconds} seconds. <a href={p.url}>Stop reloading</a>
        </>
      ) : (
        <>
          <a href={`${p.url}?live=1`}>Reload every {p.seconds} seconds</a> to follow it without touching
          anything, or <a href={p.url}>refresh now</a>.
        </>
      )}
    </p>
  );
}

export function TicketPage(
  p: PageFrame & { branch: string; ticketId: string; status: TicketStatus; joined?: boolean; live?: boolean },
) {
  const url = `/computers/${p.branch}/ticket/${p.ticketId}`;
  const live = p.live === true;
  return (
    <Layout
      title={`Ticket ${p.status.ticket}`}
      library={p.library}
      {...(live && { refreshSeconds: TICKET_REFRESH_SECONDS })}
    >
      <h1>{p.joined ? 'You are on the waiting list' : `Ticket ${p.status.ticket}`}</h1>
      <TicketView status={p.status} timeZone={p.library.timezone} />
      {p.joined ? (
        <p>
          Keep this link to follow your ticket, here or on your phone:{' '}
          <a href={`${url}?live=1`}>follow ticket {p.status.ticket}</a> (the page reloads every{' '}
          {TICKET_REFRESH_SECONDS} seconds).
        </p>
      ) : (
        <LiveToggle url={url} live={live} seconds={TICKET_REFRESH_SECONDS} what="This page" />
      )}
      <p class="small">The link works only for this ticket, today. It does not say who you are.</p>
      <p>
        <a href={`/computers/${p.branch}`}>Back to the computers</a>
      </p>
    </Layout>
  );
}

export function TicketGonePage(p: PageFrame & { branch: string }) {
  return (
    <Layout title="Ticket not on the list" library={p.library}>
      <h1>This ticket is no longer on the list</h1>
      <p>
        It was used at a computer, its turn passed, staff removed it, or the day ended. Ask at the desk if you
        think this is a mistake, or take a new ticket.
      </p>
      <p>
        <a href={`/computers/${p.branch}`}>Take a new ticket</a>
      </p>
    </Layout>
  );
}

export function BoardPage(p: PageFrame & { branch: string; board: Board; live?: boolean }) {
  const b = p.board;
  const live = p.live === true;
  return (
    <Layout
      title={`Waiting list — ${b.branchName}`}
      library={p.library}
      {...(live && { refreshSeconds: BOARD_REFRESH_SECONDS })}
    >
      <div class="pc-board">
        <h1>Computers — {b.branchName}</h1>
        <section aria-labelledby="called-title">
          <h2 id="called-title">Go now</h2>
          {b.called.length === 0 ? (
            <p>No ticket is called right now.</p>
          ) : (
            <ul class="pc-board-called">
              {b.called.map((c) => (
                <li key={c.ticket}>
                  <strong>{c.ticket}</strong> <span aria-hidden="true">→</span>
                  <span class="visually-hidden">go to</span> <strong>{c.stationName}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting</h2>
          {b.waiting.length === 0 ? (
            <p>Nobody is waiting.</p>
          ) : (
            b.waiting.map((g) => (
              <div key={g.groupName}>
                <h3>{g.groupName}</h3>
                <ol class="pc-board-waiting">
                  {g.tickets.map((t) => (
                    <li key={t}>{t}</li>
                  ))}
                </ol>
              </div>
            ))
          )}
        </section>
        <p class="small">
          Take a ticket at <a href={`/computers/${p.branch}`}>/computers/{p.branch}</a> or at any computer’s
          sign-in screen.
        </p>
        <LiveToggle
          url={`/computers/${p.branch}/board`}
          live={live}
          seconds={BOARD_REFRESH_SECONDS}
          what="This board"
        />
      </div>
    </Layout>
  );
}
