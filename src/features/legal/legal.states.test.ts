// The case state machine (issue 15 item 2; L2): every state × event cell against a table written
// out here, who may take each step, counsel's findings, the second person, the emergency time box
// with explicit times, and a readable sentence for every refusal. Pure rules: only the clock is given.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { roles, type Role } from '../../auth/roles.ts';
import { caseStates, emergencyWindow, eventKinds, eventsFrom, findingNames } from './legal.states.ts';
import { instruments, mayProduce, transition } from './legal.states.ts';
import type { CaseActor, CaseEvent, CaseSnapshot, CaseState, EventKind } from './legal.states.ts';
import type { Findings, Instrument, Refusal, TransitionResult } from './legal.states.ts';

/** A time on the test day, 2 March 2026 (UTC). */
const at = (time: string) => new Date(`2026-03-02T${time}Z`);
const NOW = at('12:00:00.000');
function staff(id: string, held: Role[], isDirector = false): CaseActor {
  return { kind: 'staff', id, roles: held, isDirector };
}
/** Holds every role and the director's flag: the matrix shows what the state allows, not the role. */
const able = staff('able', [...roles], true);
const officer = staff('po-1', ['privacy-officer']);
const counsel = staff('counsel-1', ['counsel']);
const counsel2 = staff('counsel-2', ['counsel']);
const director = staff('dir-1', ['admin'], true);

const fullFindings: Findings = {
  issuingAuthority: 'District Attorney, Lane County',
  court: 'Circuit Court, Lane County',
  form: 'Subpoena duces tecum, signed',
  jurisdiction: 'Oregon; the library is in the county',
  goodCause: 'Affidavit shows a specific, articulable need',
  particularity: 'One patron, loans only, 1–14 Feb 2026',
  stateLaw: 'ORS 192.355(23) permits release under a court order only',
};

/** A valid event of each kind; `who` decides in which capacity an emergency release is given. */
function ev(kind: EventKind, who: CaseActor = able, reason = 'As recorded in the file'): CaseEvent {
  switch (kind) {
    case 'approve':
      return { kind, reason, findings: fullFindings };
    case 'record_warrant':
      return { kind, reason, taken: 'Staff PC 3 imaged; no library records taken' };
    case 'open_emergency':
      return { kind, reason, threat: 'Caller says a patron threatened to harm someone today' };
    case 'release':
      return { kind, reason, as: who.roles.includes('counsel') ? 'counsel' : 'director' };
    case 'convert':
      return { kind, reason, instrument: 'subpoena' };
    default:
      return { kind, reason };
  }
}

const opened1150 = { openedAt: at('11:50:00.000').toISOString(), threat: 'A threat' };
/** A typical case in each state, on the path that leads there. */
const fixtures: Record<CaseState, CaseSnapshot> = {
  intake: { state: 'intake', instrument: 'subpoena' },
  triage: { state: 'triage', instrument: 'subpoena' },
  declined: { state: 'declined', instrument: 'informal-request' },
  legal_review: { state: 'legal_review', instrument: 'subpoena' },
  cure_requested: { state: 'cure_requested', instrument: 'subpoena' },
  challenged: { state: 'challenged', instrument: 'nsl-or-fisa-order' },
  approved: { state: 'approved', instrument: 'court-order', approvedBy: 'counsel-1', findings: fullFindings },
  quashed: { state: 'quashed', instrument: 'subpoena' },
  withdrawn: { state: 'withdrawn', instrument: 'subpoena' },
  producing: { state: 'producing', instrument: 'court-order', approvedBy: 'counsel-1', confirmedBy: 'po-1' },
  produced: { state: 'produced', instrument: 'court-order', approvedBy: 'counsel-1', confirmedBy: 'po-1' },
  closed: { state: 'closed', instrument: 'subpoena' },
  warrant_executing: { state: 'warrant_executing', instrument: 'search-warrant' },
  warrant_recorded: { state: 'warrant_recorded', instrument: 'search-warrant' },
  emergency_review: { state: 'emergency_review', instrument: 'emergency-request', emergency: opened1150 },
  emergency_released: { state: 'emergency_released', instrument: 'emergency-request' },
  emergency_reviewed_after: { state: 'emergency_reviewed_after', instrument: 'emergency-request' },
  preserving: { state: 'preserving', instrument: 'preservation-request' },
};

/** Every refusal any test saw, checked at the end for a sentence a person understands. */
const refusals: Refusal[] = [];
type AnyActor = CaseActor | { kind: 'system' };
function run(c: CaseSnapshot, e: CaseEvent, who: AnyActor, now = NOW, minutes?: number) {
  const r: TransitionResult = transition(c, e, who, now, minutes ? { emergencyMinutes: minutes } : {});
  if (!r.ok) refusals.push(r);
  return r;
}
const outcome = (r: TransitionResult): string => (r.ok ? r.case.state : r.code);
const said = (r: TransitionResult): string => (r.ok ? `ok: ${r.case.state}` : `${r.code}: ${r.message}`);
const okCase = (r: TransitionResult): CaseSnapshot => {
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  return r.case;
};

/** Reads a written table: a state, then cells `event=value`; a state may continue on further lines. */
function parseTable(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const line of text.trim().split('\n')) {
    const [state, ...cells] = line.trim().split(/\s+/);
    out[state!] = { ...out[state!], ...Object.fromEntries(cells.map((c) => c.split('='))) };
  }
  return out;
}

/**
 * The state × event table: what each event does to the typical case of each state (`fixtures`)
 * when the actor may take it: the state it leads to, or the refusal code. Every cell not written
 * is refused as not_in_this_state; `closed` has none.
 */
const table = parseTable(`
  intake                    triage=triage execute_warrant=wrong_instrument open_emergency=wrong_instrument
  triage                    refer=legal_review decline=declined withdraw=withdrawn
  triage                    execute_warrant=wrong_instrument open_emergency=wrong_instrument preserve=wrong_instrument
  legal_review              approve=approved request_cure=cure_requested challenge=challenged
  legal_review              decline=declined quash=quashed withdraw=withdrawn
  cure_requested            cure=legal_review decline=declined withdraw=withdrawn
  challenged                uphold=legal_review quash=quashed withdraw=withdrawn
  approved                  confirm=producing
  producing                 complete_production=produced
  produced                  close=closed
  declined                  close=closed
  quashed                   close=closed
  withdrawn                 close=closed
  warrant_executing         approve=warrant_executing confirm=not_approved record_warrant=warrant_recorded
  warrant_recorded          close=closed
  emergency_review          release=emergency_review decline=declined lapse=time_box_open
  emergency_released        review_after=emergency_reviewed_after
  emergency_reviewed_after  close=closed
  preserving                convert=triage withdraw=withdrawn close=closed
`) as Record<CaseState, Partial<Record<EventKind, string>>>;
table.closed = {};

describe('the state × event matrix', () => {
  test('every cell equals the written table', () => {
    const actual: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const s of caseStates)
      for (const k of eventKinds) {
        actual[`${s} ${k}`] = outcome(run(fixtures[s], ev(k), able));
        expected[`${s} ${k}`] = table[s][k] ?? 'not_in_this_state';
      }
    assert.equal(Object.keys(actual).length, 18 * 21);
    assert.deepEqual(actual, expected);
  });

  test('eventsFrom lists exactly the events the table lets leave each state', () => {
    for (const s of caseStates) {
      const listed = eventKinds.filter((k) => table[s][k] !== undefined);
      assert.deepEqual(eventsFrom(s), listed, s);
    }
  });

  test('nothing leaves closed, and the refusal says so', () => {
    const r = run(fixtures.closed, ev('triage'), able);
    const sentence =
      'While the case is closed, it cannot be taken into triage; nothing more can be done with it.';
    assert.equal(said(r), `not_in_this_state: ${sentence}`);
  });
});

/** Which instrument may take which step out of triage; every other cell is wrong_instrument. */
const paths = parseTable(`
  informal-request                    decline=declined
  subpoena                            decline=declined refer=legal_review
  court-order                         decline=declined refer=legal_review
  nsl-or-fisa-order                   decline=declined refer=legal_review
  administrative-immigration-warrant  decline=declined refer=legal_review
  search-warrant                      decline=declined execute_warrant=warrant_executing
  emergency-request                   decline=declined open_emergency=emergency_review
  preservation-request                decline=declined preserve=preserving
`) as Record<Instrument, Partial<Record<EventKind, string>>>;

describe('instruments and their paths', () => {
  test('from triage each instrument takes only its own path (or is declined)', () => {
    const steps: EventKind[] = ['refer', 'decline', 'execute_warrant', 'open_emergency', 'preserve'];
    for (const i of instruments)
      for (const k of steps)
        assert.equal(
          outcome(run({ state: 'triage', instrument: i }, ev(k), able)),
          paths[i][k] ?? 'wrong_instrument',
          `${i} ${k}`,
        );
    const r = run({ state: 'triage', instrument: 'informal-request' }, ev('refer'), officer);
    assert.match(r.ok ? '' : r.message, /informal request cannot be referred.*not legal process; decline it/);
  });

  test('a search warrant and an emergency start their paths straight from intake', () => {
    const desk = staff('desk-1', ['circulation']);
    const w = run({ state: 'intake', instrument: 'search-warrant' }, ev('execute_warrant'), desk);
    assert.equal(outcome(w), 'warrant_executing');
    const e = run({ state: 'intake', instrument: 'emergency-request' }, ev('open_emergency'), officer);
    assert.deepEqual(okCase(e).emergency, {
      openedAt: NOW.toISOString(),
      threat: 'Caller says a patron threatened to harm someone today',
    });
  });

  test('a preservation request converts into the process served, never into another preservation', () => {
    const to = (instrument: Instrument): CaseEvent => ({ kind: 'convert', reason: 'Served', instrument });
    assert.equal(outcome(run(fixtures.preserving, to('preservation-request'), officer)), 'wrong_instrument');
    const c = okCase(run(fixtures.preserving, to('search-warrant'), officer));
    assert.deepEqual([c.state, c.instrument], ['triage', 'search-warrant']);
    assert.equal(outcome(run(c, ev('execute_warrant'), officer)), 'warrant_executing');
  });
});

/**
 * Who may take each step allowed in `table` (po = privacy-officer, any = any staff member,
 * director = an admin flagged as director).
 */
type Who = Role | 'director';
const whoTable = parseTable(`
  intake                    triage=po execute_warrant=any open_emergency=po+counsel+director
  triage                    refer=po decline=po withdraw=po+counsel
  legal_review              approve=counsel request_cure=counsel challenge=counsel decline=counsel quash=counsel
  legal_review              withdraw=po+counsel
  cure_requested            cure=po+counsel decline=counsel withdraw=po+counsel
  challenged                uphold=counsel quash=counsel withdraw=po+counsel
  approved                  confirm=po+counsel+director
  producing                 complete_production=po+counsel
  produced                  close=po
  declined                  close=po
  quashed                   close=po
  withdrawn                 close=po
  warrant_executing         approve=counsel confirm=po+counsel+director record_warrant=po+counsel
  warrant_recorded          close=po
  emergency_review          release=counsel+director decline=counsel+director lapse=po+counsel+director
  emergency_released        review_after=counsel
  emergency_reviewed_after  close=po
  preserving                convert=po withdraw=po+counsel close=po
`);
const who: Record<string, Who[]> = Object.fromEntries(
  Object.entries(whoTable).flatMap(([s, cells]) =>
    Object.entries(cells).map(([k, v]) => [
      `${s} ${k}`,
      v === 'any'
        ? [...roles, 'director']
        : v.split('+').map((w) => (w === 'po' ? 'privacy-officer' : w) as Who),
    ]),
  ),
);

describe('roles', () => {
  const people: Array<[Who, CaseActor]> = [
    ...roles.map((r): [Who, CaseActor] => [r, staff(`only-${r}`, [r])]),
    ['director', staff('only-director', ['admin'], true)],
  ];

  test('every allowed step is refused to every role not listed for it', () => {
    const cells = who;
    const fixture = (key: string): CaseSnapshot => {
      const [s, k] = key.split(' ') as [CaseState, EventKind];
      if (k === 'execute_warrant') return { state: s, instrument: 'search-warrant' };
      if (k === 'open_emergency') return { state: s, instrument: 'emergency-request' };
      if (k === 'confirm') return { ...fixtures[s], approvedBy: 'counsel-1' };
      return fixtures[s];
    };
    for (const [key, allowed] of Object.entries(cells)) {
      const k = key.split(' ')[1] as EventKind;
      for (const [name, person] of people) {
        const got = outcome(run(fixture(key), ev(k, person), person));
        if (allowed.includes(name)) assert.notEqual(got, 'role', `${key} by ${name}`);
        else assert.equal(got, 'role', `${key} by ${name}`);
      }
    }
    // Every cell the matrix allows has its role list, and no role list is for a refused cell.
    const allowedCells = caseStates.flatMap((s) =>
      Object.entries(table[s]).flatMap(([k, v]) => (v === 'wrong_instrument' ? [] : [`${s} ${k}`])),
    );
    const intakePaths = ['intake execute_warrant', 'intake open_emergency'];
    assert.deepEqual(Object.keys(who).sort(), [...allowedCells, ...intakePaths].sort());
  });

  test('an administrator not flagged as director decides no emergency; a flag without admin is not enough', () => {
    for (const p of [staff('adm', ['admin']), staff('flag', ['circulation'], true)]) {
      const r = run(fixtures.emergency_review, { kind: 'release', reason: 'Urgent', as: 'director' }, p);
      assert.equal(outcome(r), 'role');
    }
    const r = run(fixtures.emergency_review, { kind: 'release', reason: 'Urgent', as: 'director' }, counsel);
    assert.equal(said(r), 'role: Only the director can decide as the director.');
  });

  test('the clock may only end an emergency whose time ran out', () => {
    for (const s of caseStates)
      for (const k of eventsFrom(s).filter((e) => e !== 'lapse'))
        assert.equal(
          outcome(run(fixtures[s], ev(k), { kind: 'system' })),
          table[s][k] === 'wrong_instrument' ? 'wrong_instrument' : 'role',
          `${s} ${k}`,
        );
    const r = run(fixtures.emergency_review, ev('lapse'), { kind: 'system' }, at('12:50:00.000'));
    assert.ok(r.ok);
    assert.equal(r.record.actorId, 'system');
  });
});

describe('reasons and the event record', () => {
  test('every allowed step refuses an empty or blank reason', () => {
    for (const key of Object.keys(who)) {
      const [s, k] = key.split(' ') as [CaseState, EventKind];
      if (table[s][k] === 'wrong_instrument') continue; // refused before the reason is read
      for (const reason of ['', '   \n'])
        assert.equal(
          outcome(run({ ...fixtures[s], approvedBy: 'counsel-1' }, ev(k, able, reason), able)),
          'reason_required',
          key,
        );
    }
  });

  test('the record says who, when, why, from and to', () => {
    const reason = '  Scope names every patron; ask for one  ';
    const r = run(fixtures.legal_review, ev('request_cure', counsel, reason), counsel);
    assert.ok(r.ok);
    assert.deepEqual(r.record, {
      event: 'request_cure',
      actorId: 'counsel-1',
      at: '2026-03-02T12:00:00.000Z',
      reason: 'Scope names every patron; ask for one',
      from: 'legal_review',
      to: 'cure_requested',
    });
  });

  test('a refused step changes nothing in the case it was given', () => {
    const c = structuredClone(fixtures.legal_review);
    run(c, { ...ev('approve'), findings: {} } as CaseEvent, counsel);
    assert.deepEqual(c, fixtures.legal_review);
  });
});

describe("counsel's findings", () => {
  const approveWith = (findings: Partial<Findings>): CaseEvent => ({
    kind: 'approve',
    reason: 'Seen',
    findings,
  });
  test('approval is refused while any finding is missing or blank, naming each', () => {
    for (const state of ['legal_review', 'warrant_executing'] as const)
      for (const name of findingNames)
        for (const value of [undefined, '', '  \t']) {
          const findings = { ...fullFindings, [name]: value };
          const r = run(fixtures[state], approveWith(findings), counsel);
          assert.ok(!r.ok);
          assert.equal(r.code, 'findings_missing');
          assert.match(r.message, /^Counsel cannot approve until the review records [a-z -]+\.$/);
        }
  });

  test('with none recorded, all seven are named', () => {
    const r = run(fixtures.legal_review, approveWith({ court: 'x' }), counsel);
    assert.ok(!r.ok);
    assert.equal(
      r.message,
      'Counsel cannot approve until the review records issuing authority, form, jurisdiction, good cause, particularity of scope and state-law analysis.',
    );
  });

  test('approval stores the trimmed findings and who approved', () => {
    const findings = { ...fullFindings, court: '  Circuit Court  ' };
    const c = okCase(run(fixtures.legal_review, approveWith(findings), counsel));
    assert.deepEqual([c.state, c.approvedBy, c.findings?.court], ['approved', 'counsel-1', 'Circuit Court']);
  });
});

describe('the second person and export', () => {
  test('the counsel who approved cannot also confirm; a second person can', () => {
    const approved = okCase(run(fixtures.legal_review, ev('approve'), counsel));
    assert.equal(outcome(run(approved, ev('confirm'), counsel)), 'same_person');
    const producing = okCase(run(approved, ev('confirm'), counsel2));
    assert.deepEqual([producing.state, producing.confirmedBy], ['producing', 'counsel-2']);
  });

  test('under a warrant: approve, then a different person confirms, once; then export is allowed', () => {
    const w = fixtures.warrant_executing;
    assert.equal(mayProduce(w, officer).ok, false);
    const approved = okCase(run(w, ev('approve'), counsel));
    assert.equal(outcome(run(approved, ev('approve'), counsel2)), 'not_in_this_state');
    assert.equal(mayProduce(approved, officer).ok, false);
    const confirmed = okCase(run(approved, ev('confirm'), officer));
    assert.equal(confirmed.state, 'warrant_executing');
    assert.equal(outcome(run(confirmed, ev('confirm'), director)), 'not_in_this_state');
    assert.deepEqual(mayProduce(confirmed, counsel), { ok: true });
  });

  test('export is allowed only in producing, warrant_executing and emergency_released', () => {
    const allowed: CaseState[] = ['producing', 'warrant_executing', 'emergency_released'];
    for (const s of caseStates) {
      const r = mayProduce({ ...fixtures[s], approvedBy: 'counsel-1', confirmedBy: 'po-1' }, officer);
      if (!r.ok) refusals.push(r);
      assert.equal(r.ok ? 'ok' : r.code, allowed.includes(s) ? 'ok' : 'not_in_this_state', s);
    }
  });

  test('refusals in a release state: wrong role, no approval, no confirmation, same person', () => {
    const p = fixtures.producing;
    const cases: Array<[CaseSnapshot, CaseActor, string]> = [
      [p, staff('circ', ['circulation', 'admin'], true), 'role'],
      [{ ...p, approvedBy: undefined }, officer, 'not_approved'],
      [{ ...p, confirmedBy: undefined }, officer, 'not_approved'],
      [{ ...p, confirmedBy: 'counsel-1' }, officer, 'same_person'],
      [p, officer, 'ok'],
      [p, counsel2, 'ok'],
    ];
    for (const [c, person, code] of cases) {
      const r = mayProduce(c, person);
      if (!r.ok) refusals.push(r);
      assert.equal(r.ok ? 'ok' : r.code, code);
    }
  });
});

describe('the emergency time box', () => {
  const opened = at('12:00:00.000').toISOString();
  const e: CaseSnapshot = {
    state: 'emergency_review',
    instrument: 'emergency-request',
    emergency: { openedAt: opened, threat: 'T' },
  };
  const both = staff('both', ['counsel', 'admin'], true);

  test('the window: open until the last millisecond, passed at the deadline (default 60 minutes)', () => {
    const w = emergencyWindow(opened, at('12:59:59.999'));
    assert.deepEqual([w.deadline, w.passed, w.msLeft], ['2026-03-02T13:00:00.000Z', false, 1]);
    assert.deepEqual(emergencyWindow(opened, at('13:00:00.000')).passed, true);
    assert.deepEqual(emergencyWindow(opened, at('14:00:00.000')).msLeft, 0);
    assert.equal(emergencyWindow(opened, at('12:14:59.999'), 15).passed, false);
    assert.equal(emergencyWindow(opened, at('12:15:00.000'), 15).passed, true);
    for (const bad of [0, -5, 1.5, Number.NaN])
      assert.throws(() => emergencyWindow(opened, NOW, bad), RangeError);
  });

  test('counsel and the director release within the window; then export is allowed', () => {
    const one = okCase(run(e, ev('release', counsel), counsel, at('12:10:00.000')));
    assert.equal(one.state, 'emergency_review');
    assert.equal(outcome(run(one, ev('release', counsel2), counsel2, at('12:11:00.000'))), 'same_person');
    const r = run(one, ev('release', director), director, at('12:59:59.999'));
    const { state, approvedBy, confirmedBy } = okCase(r);
    assert.deepEqual([state, approvedBy, confirmedBy], ['emergency_released', 'counsel-1', 'dir-1']);
    assert.deepEqual(mayProduce(okCase(r), officer), { ok: true });
  });

  test('one person who is both counsel and director cannot make both decisions', () => {
    const one = okCase(run(e, { kind: 'release', reason: 'Life at risk', as: 'counsel' }, both));
    const r = run(one, { kind: 'release', reason: 'Life at risk', as: 'director' }, both);
    assert.equal(said(r), 'same_person: The director and counsel must be two different people.');
  });

  test('at the deadline release is refused, decline still works, and lapse declines', () => {
    const one = okCase(run(e, ev('release', counsel), counsel, at('12:30:00.000')));
    const late = at('13:00:00.000');
    const r = run(one, ev('release', director), director, late);
    const passed = 'The 60 minutes for deciding this emergency have passed; it can only be declined now.';
    assert.equal(said(r), `time_box_passed: ${passed}`);
    assert.equal(outcome(run(one, ev('decline', director), director, late)), 'declined');
    assert.equal(outcome(run(one, ev('lapse'), officer, at('12:59:59.999'))), 'time_box_open');
    assert.equal(outcome(run(one, ev('lapse'), officer, late)), 'declined');
  });

  test('a configured window of 15 minutes is honoured at its edges', () => {
    const release = (time: string) => outcome(run(e, ev('release', counsel), counsel, at(time), 15));
    assert.equal(release('12:14:59.999'), 'emergency_review');
    assert.equal(release('12:15:00.000'), 'time_box_passed');
    assert.equal(outcome(run(e, ev('lapse'), officer, at('12:15:00.000'), 15)), 'declined');
  });

  test('the threat and what a warrant took must be written down', () => {
    const triaged: CaseSnapshot = { state: 'triage', instrument: 'emergency-request' };
    const open = run(triaged, { kind: 'open_emergency', reason: 'Call', threat: ' ' }, officer);
    assert.equal(outcome(open), 'details_required');
    const rec = run(
      fixtures.warrant_executing,
      { kind: 'record_warrant', reason: 'Done', taken: '' },
      officer,
    );
    assert.equal(outcome(rec), 'details_required');
  });
});

test('the whole ordinary path from the issue, each record starting where the last one ended', () => {
  const steps =
    'triage/po refer/po request_cure/counsel cure/po approve/counsel confirm/po complete_production/po';
  let c: CaseSnapshot = { state: 'intake', instrument: 'subpoena' };
  const seen: string[] = [c.state];
  for (const [k, p] of [...steps.split(' '), 'close/po'].map((x) => x.split('/'))) {
    const person = p === 'po' ? officer : counsel;
    const r = run(c, ev(k as EventKind, person), person);
    assert.ok(r.ok, k);
    assert.deepEqual([r.record.from, r.record.actorId], [c.state, person.id]);
    seen.push(r.record.to);
    c = r.case;
  }
  const path = 'intake triage legal_review cure_requested legal_review approved producing produced closed';
  assert.equal(seen.join(' '), path);
});

test('every refusal seen above is a sentence: a capital, an end stop, no internal names', () => {
  assert.ok(refusals.length > 500, `only ${refusals.length} refusals seen`);
  for (const r of refusals) {
    assert.match(r.message, /^[A-Z][^_{}]{20,}[.]$/, r.message);
    assert.doesNotMatch(r.message, /undefined|null|NaN|\[object/, r.message);
  }
});
