// The law-enforcement case state machine (issue 15 item 2; L2, with L1 and L4): pure rules, no I/O.
// The service loads a case, calls `transition`, and writes the new case and the event record in one
// transaction; the page only offers what `transition` would accept. Tested cell by cell in
// legal.states.test.ts.
//
// Paths (every arrow is an event; every event needs a reason):
//   intake ─triage→ triage ─decline→ declined | ─withdraw→ withdrawn (no process, e.g. informal)
//   triage ─refer→ legal_review ─approve→ approved ─confirm→ producing ─complete_production→ produced
//   legal_review ─request_cure→ cure_requested ─cure→ legal_review   (the requester fixed or narrowed it)
//                                cure_requested ─decline | withdraw→  (never cured / gave up)
//   legal_review ─challenge→ challenged ─uphold→ legal_review         (court upheld it; review again)
//                             challenged ─quash | withdraw→
//   legal_review ─decline | quash | withdraw→  (the instrument decides the path: `instrumentPaths`)
//   search warrant:  intake|triage ─execute_warrant→ warrant_executing ─record_warrant→ warrant_recorded
//                    (inside warrant_executing counsel may approve and a second person confirm a release)
//   emergency:       intake|triage ─open_emergency→ emergency_review ─release (director and counsel)→
//                    emergency_released ─review_after→ emergency_reviewed_after;
//                    emergency_review ─decline→ declined; ─lapse (time box passed)→ declined
//   preservation:    triage ─preserve→ preserving ─convert→ triage (process served) | ─withdraw→ | ─close→
//   closing: declined, quashed, withdrawn, produced, warrant_recorded, emergency_reviewed_after and
//   preserving (expired or released, L4) ─close→ closed. Nothing leaves closed.
import type { Role } from '../../auth/roles.ts';
import { instruments, type Instrument } from './legal.schemas.ts';

export { instruments, type Instrument };

/** How a state reads after "while the case is". */
export const stateLabels = {
  intake: 'recorded at intake',
  triage: 'in triage',
  declined: 'declined',
  legal_review: "in counsel's legal review",
  cure_requested: 'waiting for the requester to cure the process',
  challenged: 'challenged in court',
  approved: 'approved by counsel',
  quashed: 'quashed',
  withdrawn: 'withdrawn',
  producing: 'producing records',
  produced: 'produced',
  closed: 'closed',
  warrant_executing: 'on the search-warrant path, being executed',
  warrant_recorded: 'on the search-warrant path, recorded',
  emergency_review: 'awaiting the emergency decisions of the director and counsel',
  emergency_released: 'released as an emergency',
  emergency_reviewed_after: 'reviewed after an emergency release',
  preserving: 'preserving records',
} as const;
export type CaseState = keyof typeof stateLabels;
export const caseStates = Object.keys(stateLabels) as CaseState[];

/**
 * How each instrument reads inside a sentence ("a case for a subpoena"); the list of instruments
 * itself is the intake form's (legal.schemas.ts), the one stored on the case.
 */
export const instrumentNouns: Record<Instrument, string> = {
  'informal-request': 'informal request',
  subpoena: 'subpoena',
  'court-order': 'court order',
  'search-warrant': 'search warrant',
  'nsl-or-fisa-order': 'national-security letter or FISA order',
  'administrative-immigration-warrant': 'administrative immigration warrant',
  'emergency-request': 'emergency request',
  'preservation-request': 'preservation request',
};

type Path = 'none' | 'review' | 'warrant' | 'emergency' | 'preserve';
/** The one path each instrument may take out of intake or triage (besides declining). */
export const instrumentPaths: Record<Instrument, Path> = {
  'informal-request': 'none',
  subpoena: 'review',
  'court-order': 'review',
  'search-warrant': 'warrant',
  'nsl-or-fisa-order': 'review',
  'administrative-immigration-warrant': 'review',
  'emergency-request': 'emergency',
  'preservation-request': 'preserve',
};
const pathSentences: Record<Path, string> = {
  none: 'it is not legal process; decline it and tell the requester that records are released only under a subpoena, court order or warrant',
  review: "it goes to counsel's review",
  warrant: 'it takes the search-warrant path',
  emergency: 'it takes the emergency path',
  preserve: 'it only preserves records; preserve them, or convert the case when legal process is served',
};

/** What counsel's legal review must record before approving (L2). All required, none blank. */
export const findingLabels = {
  issuingAuthority: 'issuing authority',
  court: 'court',
  form: 'form',
  jurisdiction: 'jurisdiction',
  goodCause: 'good cause',
  particularity: 'particularity of scope',
  stateLaw: 'state-law analysis',
} as const;
export type FindingName = keyof typeof findingLabels;
export const findingNames = Object.keys(findingLabels) as FindingName[];
export type Findings = Record<FindingName, string>;

/** A staff member as the case rules see them; the director is an administrator so flagged. */
export interface CaseActor {
  kind: 'staff';
  id: string;
  roles: readonly Role[];
  isDirector: boolean;
}
/** The clock, through a job: may only end an emergency whose time box has passed. */
export interface ClockActor {
  kind: 'system';
}

/** What the rules need to know of a case; the service maps its row to this and back. */
export interface CaseSnapshot {
  state: CaseState;
  instrument: Instrument;
  /** Counsel's findings, recorded with the approval. */
  findings?: Findings;
  /** Counsel who approved a release (for an emergency: counsel who released). */
  approvedBy?: string;
  /** The second person who confirmed it (for an emergency: the director). */
  confirmedBy?: string;
  emergency?: {
    openedAt: string;
    threat: string;
    counselReleasedBy?: string;
    directorReleasedBy?: string;
  };
  /** Under a warrant: what was searched and taken, as recorded afterwards. */
  warrantTaken?: string;
}

type Base<K extends string> = { kind: K; reason: string };
export type CaseEvent =
  | Base<'triage'>
  | Base<'refer'>
  | Base<'decline'>
  | Base<'request_cure'>
  | Base<'cure'>
  | Base<'challenge'>
  | Base<'uphold'>
  | Base<'quash'>
  | Base<'withdraw'>
  | (Base<'approve'> & { findings: Partial<Record<FindingName, string>> })
  | Base<'confirm'>
  | Base<'complete_production'>
  | Base<'close'>
  | Base<'execute_warrant'>
  | (Base<'record_warrant'> & { taken: string })
  | (Base<'open_emergency'> & { threat: string })
  | (Base<'release'> & { as: 'director' | 'counsel' })
  | Base<'lapse'>
  | Base<'review_after'>
  | Base<'preserve'>
  | (Base<'convert'> & { instrument: Instrument });
export type EventKind = CaseEvent['kind'];

/** One line of the case log (L2): who, when, why, from where to where. */
export interface EventRecord {
  event: EventKind;
  actorId: string;
  at: string;
  reason: string;
  from: CaseState;
  to: CaseState;
}

export type RefusalCode =
  | 'not_in_this_state'
  | 'wrong_instrument'
  | 'role'
  | 'reason_required'
  | 'details_required'
  | 'findings_missing'
  | 'not_approved'
  | 'same_person'
  | 'time_box_passed'
  | 'time_box_open';
export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** A sentence for the person at the screen. */
  message: string;
}
export type TransitionResult = { ok: true; case: CaseSnapshot; record: EventRecord } | Refusal;

/** How an event reads after "it cannot be". */
export const eventLabels: Record<EventKind, string> = {
  triage: 'taken into triage',
  refer: "referred to counsel's review",
  decline: 'declined',
  request_cure: 'sent back for a cure',
  cure: 'returned to review as cured',
  challenge: 'challenged',
  uphold: 'returned to review as upheld',
  quash: 'recorded as quashed',
  withdraw: 'recorded as withdrawn',
  approve: 'approved',
  confirm: 'confirmed for release',
  complete_production: 'recorded as produced',
  close: 'closed',
  execute_warrant: 'put on the search-warrant path',
  record_warrant: 'recorded as a searched warrant',
  open_emergency: 'put on the emergency path',
  release: 'released as an emergency',
  lapse: 'ended as an emergency out of time',
  review_after: 'reviewed after an emergency release',
  preserve: 'answered by preserving records',
  convert: 'converted into a case',
};

type Who = 'privacy-officer' | 'counsel' | 'director' | 'any-staff';
const whoLabels: Record<Who, string> = {
  'privacy-officer': 'the privacy officer',
  counsel: "the library's counsel",
  director: 'the director',
  'any-staff': 'any staff member',
};

const each = (states: CaseState[], who: Who[]): Partial<Record<CaseState, Who[]>> =>
  Object.fromEntries(states.map((st) => [st, who]));

/** Which states each event leaves from, where it goes, and who may take it there. */
const rules: Record<EventKind, { from: Partial<Record<CaseState, Who[]>>; to: CaseState | null }> = {
  triage: { from: { intake: ['privacy-officer'] }, to: 'triage' },
  refer: { from: { triage: ['privacy-officer'] }, to: 'legal_review' },
  decline: {
    from: {
      triage: ['privacy-officer'],
      legal_review: ['counsel'],
      cure_requested: ['counsel'],
      emergency_review: ['director', 'counsel'],
    },
    to: 'declined',
  },
  request_cure: { from: { legal_review: ['counsel'] }, to: 'cure_requested' },
  cure: { from: { cure_requested: ['counsel', 'privacy-officer'] }, to: 'legal_review' },
  challenge: { from: { legal_review: ['counsel'] }, to: 'challenged' },
  uphold: { from: { challenged: ['counsel'] }, to: 'legal_review' },
  quash: { from: { legal_review: ['counsel'], challenged: ['counsel'] }, to: 'quashed' },
  withdraw: {
    from: each(
      ['triage', 'legal_review', 'cure_requested', 'challenged', 'preserving'],
      ['privacy-officer', 'counsel'],
    ),
    to: 'withdrawn',
  },
  // In warrant_executing approve and confirm record a decision and the state stays (to: null).
  approve: { from: { legal_review: ['counsel'], warrant_executing: ['counsel'] }, to: null },
  confirm: {
    from: {
      approved: ['privacy-officer', 'counsel', 'director'],
      warrant_executing: ['privacy-officer', 'counsel', 'director'],
    },
    to: null,
  },
  complete_production: { from: { producing: ['privacy-officer', 'counsel'] }, to: 'produced' },
  close: {
    from: each(
      [
        'declined',
        'quashed',
        'withdrawn',
        'produced',
        'warrant_recorded',
        'emergency_reviewed_after',
        'preserving',
      ],
      ['privacy-officer'],
    ),
    to: 'closed',
  },
  execute_warrant: { from: { intake: ['any-staff'], triage: ['any-staff'] }, to: 'warrant_executing' },
  record_warrant: { from: { warrant_executing: ['privacy-officer', 'counsel'] }, to: 'warrant_recorded' },
  open_emergency: {
    from: {
      intake: ['privacy-officer', 'counsel', 'director'],
      triage: ['privacy-officer', 'counsel', 'director'],
    },
    to: 'emergency_review',
  },
  release: { from: { emergency_review: ['director', 'counsel'] }, to: null },
  lapse: { from: { emergency_review: ['privacy-officer', 'counsel', 'director'] }, to: 'declined' },
  review_after: { from: { emergency_released: ['counsel'] }, to: 'emergency_reviewed_after' },
  preserve: { from: { triage: ['privacy-officer'] }, to: 'preserving' },
  convert: { from: { preserving: ['privacy-officer'] }, to: 'triage' },
};

export const eventKinds = Object.keys(rules) as EventKind[];

/** The events that can leave a state at all (for whom and with what is `transition`'s business). */
export const eventsFrom = (state: CaseState): EventKind[] =>
  eventKinds.filter((k) => rules[k].from[state] !== undefined);

const holds = (actor: CaseActor, who: Who): boolean =>
  who === 'any-staff'
    ? true
    : who === 'director'
      ? actor.isDirector && actor.roles.includes('admin')
      : actor.roles.includes(who);

const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';
const list = (items: string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** Default minutes the director and counsel have to decide an emergency request. */
export const DEFAULT_EMERGENCY_MINUTES = 60;

/**
 * The emergency time box. Decisions are accepted while `now` is before the deadline
 * (openedAt + minutes); at the deadline itself the window has passed. After it, release is
 * refused and the case may only be declined or lapse into `declined` (the clock's job or a person
 * takes `lapse`): an emergency the two deciders could not confirm in time does not release
 * anything; the requester can still bring legal process as a new case. We chose refusal over
 * escalation because an escalation would keep patron data releasable without the two decisions.
 */
export function emergencyWindow(
  openedAt: string,
  now: Date,
  minutes: number = DEFAULT_EMERGENCY_MINUTES,
): { deadline: string; passed: boolean; msLeft: number } {
  if (!Number.isInteger(minutes) || minutes <= 0)
    throw new RangeError('emergency minutes must be a positive integer');
  const deadline = Date.parse(openedAt) + minutes * 60_000;
  const msLeft = deadline - now.getTime();
  return { deadline: new Date(deadline).toISOString(), passed: msLeft <= 0, msLeft: Math.max(0, msLeft) };
}

/** Names of the findings that are missing or blank, in the order they are listed. */
export const missingFindings = (findings: Partial<Record<FindingName, string>>): FindingName[] =>
  findingNames.filter((n) => blank(findings[n]));

/** The events that put a case on a path, and so depend on its instrument. */
const pathOf: Partial<Record<EventKind, Path>> = {
  refer: 'review',
  execute_warrant: 'warrant',
  open_emergency: 'emergency',
  preserve: 'preserve',
};

function pathRefusal(c: CaseSnapshot, kind: EventKind): Refusal | undefined {
  const need = pathOf[kind];
  const has = instrumentPaths[c.instrument];
  if (need === undefined || need === has) return;
  const what = article(instrumentNouns[c.instrument]);
  return refuse(
    'wrong_instrument',
    `A case for ${what} cannot be ${eventLabels[kind]}: ${pathSentences[has]}.`,
  );
}

const article = (label: string): string => (/^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`);

/**
 * Applies one event to a case, or says why not. Checks, in order: the event can leave this state,
 * the instrument may take this path, the actor holds a role allowed here, the reason is given,
 * then the event's own conditions. Pure: the caller supplies `now` and writes the result.
 */
export function transition(
  c: CaseSnapshot,
  event: CaseEvent,
  actor: CaseActor | ClockActor,
  now: Date,
  options: { emergencyMinutes?: number } = {},
): TransitionResult {
  const rule = rules[event.kind];
  const allowed = rule.from[c.state];
  if (!allowed) {
    const tail = eventsFrom(c.state).length ? '.' : '; nothing more can be done with it.';
    return refuse(
      'not_in_this_state',
      `While the case is ${stateLabels[c.state]}, it cannot be ${eventLabels[event.kind]}${tail}`,
    );
  }
  const path = pathRefusal(c, event.kind);
  if (path) return path;
  if (actor.kind === 'system') {
    if (event.kind !== 'lapse')
      return refuse('role', 'Only people move cases; the clock only ends emergencies whose time ran out.');
  } else if (!allowed.some((w) => holds(actor, w))) {
    return refuse(
      'role',
      `Only ${list(allowed.map((w) => whoLabels[w]))} can do this while the case is ${stateLabels[c.state]}.`,
    );
  }
  if (blank(event.reason))
    return refuse('reason_required', 'Give a reason: every step in a case records why it was taken.');

  const actorId = actor.kind === 'system' ? 'system' : actor.id;
  const next: CaseSnapshot = { ...c };
  const minutes = options.emergencyMinutes ?? DEFAULT_EMERGENCY_MINUTES;
  switch (event.kind) {
    case 'approve': {
      if (c.approvedBy) return refuse('not_in_this_state', 'Counsel has already approved this release.');
      const missing = missingFindings(event.findings);
      if (missing.length)
        return refuse(
          'findings_missing',
          `Counsel cannot approve until the review records ${list(missing.map((m) => findingLabels[m]))}.`,
        );
      next.findings = Object.fromEntries(findingNames.map((n) => [n, event.findings[n]!.trim()])) as Findings;
      next.approvedBy = actorId;
      if (c.state === 'legal_review') next.state = 'approved';
      break;
    }
    case 'confirm': {
      if (!c.approvedBy)
        return refuse('not_approved', "A release can be confirmed only after counsel's approval.");
      if (c.approvedBy === actorId)
        return refuse('same_person', 'Someone other than the counsel who approved must confirm.');
      if (c.confirmedBy) return refuse('not_in_this_state', 'This release has already been confirmed.');
      next.confirmedBy = actorId;
      if (c.state === 'approved') next.state = 'producing';
      break;
    }
    case 'record_warrant':
      if (blank(event.taken))
        return refuse('details_required', 'Record what the agents searched and what they took.');
      next.warrantTaken = event.taken.trim();
      break;
    case 'open_emergency':
      if (blank(event.threat))
        return refuse('details_required', 'Record the threat the requester described.');
      next.emergency = { openedAt: now.toISOString(), threat: event.threat.trim() };
      break;
    case 'release': {
      const e = c.emergency;
      if (!e) return refuse('not_in_this_state', 'This emergency has no opening time recorded.');
      if (actor.kind === 'system') break; // unreachable: refused above
      if (!holds(actor, event.as))
        return refuse('role', `Only ${whoLabels[event.as]} can decide as ${whoLabels[event.as]}.`);
      if (emergencyWindow(e.openedAt, now, minutes).passed)
        return refuse(
          'time_box_passed',
          `The ${minutes} minutes for deciding this emergency have passed; it can only be declined now.`,
        );
      const mine = event.as === 'director' ? e.directorReleasedBy : e.counselReleasedBy;
      const other = event.as === 'director' ? e.counselReleasedBy : e.directorReleasedBy;
      if (mine)
        return refuse('same_person', `This emergency already has a decision from ${whoLabels[event.as]}.`);
      if (other === actorId)
        return refuse('same_person', 'The director and counsel must be two different people.');
      const decided =
        event.as === 'director' ? { directorReleasedBy: actorId } : { counselReleasedBy: actorId };
      next.emergency = { ...e, ...decided };
      const both = next.emergency;
      if (both.directorReleasedBy && both.counselReleasedBy) {
        next.state = 'emergency_released';
        next.approvedBy = both.counselReleasedBy;
        next.confirmedBy = both.directorReleasedBy;
      }
      break;
    }
    case 'lapse':
      if (!c.emergency || !emergencyWindow(c.emergency.openedAt, now, minutes).passed)
        return refuse('time_box_open', 'The time for deciding this emergency has not run out yet.');
      break;
    case 'convert':
      if (event.instrument === 'preservation-request')
        return refuse('wrong_instrument', 'Convert the case into the legal process that was served.');
      next.instrument = event.instrument;
      break;
  }
  if (rule.to) next.state = rule.to;
  const [at, reason] = [now.toISOString(), event.reason.trim()];
  return {
    ok: true,
    case: next,
    record: { event: event.kind, actorId, at, reason, from: c.state, to: next.state },
  };
}

/** States in which patron records may leave, given approval and confirmation (L2, issue 15 item 3). */
export const releaseStates: readonly CaseState[] = ['producing', 'warrant_executing', 'emergency_released'];

/**
 * May this person export patron records for this case now? Only the privacy officer or counsel,
 * only in a release state, only after counsel's approval and a different second person's
 * confirmation. The service records a refusal too.
 */
export function mayProduce(c: CaseSnapshot, actor: CaseActor): { ok: true } | Refusal {
  if (!releaseStates.includes(c.state))
    return refuse('not_in_this_state', `Nothing can be exported while the case is ${stateLabels[c.state]}.`);
  if (!actor.roles.includes('privacy-officer') && !actor.roles.includes('counsel'))
    return refuse('role', "Only the privacy officer or the library's counsel can export records for a case.");
  if (!c.approvedBy) return refuse('not_approved', "Nothing can be exported before counsel's approval.");
  if (!c.confirmedBy)
    return refuse('not_approved', 'Nothing can be exported before a second person confirms the release.');
  if (c.confirmedBy === c.approvedBy)
    return refuse('same_person', 'A second person, not the one who approved, must confirm the release.');
  return { ok: true };
}
