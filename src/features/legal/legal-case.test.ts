// Moving cases through the service (issue 15 item 2; L1, L2, L6) on both databases: the issue's
// ordinary path end to end, one refused move per refusal code, refused production recorded in the
// log, the role matrix, a second person who must differ, the emergency time box on the test clock,
// every move a valid link in `verifyCases`, and reasons, findings and threats unreadable in the raw
// SQLite file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { MINUTE } from '../../clock.ts';
import { ForbiddenError, type ValidationError } from '../../errors.ts';
import { domainStatus } from '../../http/errors.tsx';
import { parseInput } from '../../validation.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { moveSchema } from './legal-case.schemas.ts';
import { LegalKeyError } from './legal.crypto.ts';
import type { EventKind, Findings, RefusalCode } from './legal.states.ts';
import { openCase } from './legal.service.ts';
import { rekeyCases } from './legal-rekey.service.ts';
import { verifyCases } from './legal-verify.service.ts';
import {
  CaseRefusedError,
  caseHistory,
  moveCase,
  requireProduction,
  type MoveInput,
} from './legal-case.service.ts';
import { intake, sqliteBytes, staffActor } from './legal.test-support.ts';

const REASON = 'Reason-zq81-narrow-it-to-February';
const GOOD_CAUSE = 'GoodCause-vw42-affidavit-shows-need';
const THREAT = 'Threat-kp55-caller-named-the-branch';
const findings: Findings = {
  issuingAuthority: 'District Attorney, Lane County',
  court: 'Circuit Court, Lane County',
  form: 'Subpoena duces tecum, signed and sealed',
  jurisdiction: 'Oregon; the library is in the county',
  goodCause: GOOD_CAUSE,
  particularity: 'One patron, loans only, 1–14 Feb 2026',
  stateLaw: 'State law permits release under this process only',
};

const move = (
  e: TestEnv,
  actor: StaffActor | { kind: 'system' },
  id: string,
  kind: EventKind,
  input: Partial<MoveInput> = {},
) => moveCase(e.ctx, actor, id, kind, { reason: `Step ${kind}: as the file shows.`, ...input });

/** Asserts a refusal with `code`; returns it. */
async function refused(p: Promise<unknown>, code: RefusalCode): Promise<CaseRefusedError> {
  const err = await p.then(
    () => assert.fail(`expected the refusal ${code}`),
    (x: unknown) => x,
  );
  assert.ok(err instanceof CaseRefusedError, `expected CaseRefusedError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(domainStatus(err), code === 'role' ? 403 : 409);
  assert.match(err.message, /^[A-Z].*[.]$/, 'a sentence for the person at the screen');
  return err;
}

const row = (e: TestEnv, id: string) =>
  e.ctx.db.selectFrom('legal_cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const eventCount = async (e: TestEnv, id: string) =>
  (await e.ctx.db.selectFrom('legal_case_events').select('id').where('case_id', '=', id).execute()).length;
const lastEvent = (e: TestEnv, id: string) =>
  e.ctx.db
    .selectFrom('legal_case_events')
    .selectAll()
    .where('case_id', '=', id)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();

async function assertChainSound(e: TestEnv, ...ids: string[]): Promise<void> {
  const report = await verifyCases(e.ctx);
  assert.deepEqual(
    report.breaks.filter((b) => ids.includes(b.caseId)),
    [],
  );
}

describeEachDialect('moving a case through its states', (env, dialect) => {
  let desk: StaffActor, officer: StaffActor, counsel: StaffActor, counsel2: StaffActor, director: StaffActor;
  const people = async (e: TestEnv) => {
    desk = await staffActor(e, ['circulation']);
    officer = await staffActor(e, ['privacy-officer']);
    counsel = await staffActor(e, ['counsel']);
    counsel2 = await staffActor(e, ['counsel']);
    director = await staffActor(e, ['admin'], { director: true });
  };
  const open = async (e: TestEnv, instrument = 'subpoena') =>
    (await openCase(e.ctx, desk, intake(e, { instrument, attachments: [] }))).caseId;
  /** A subpoena case taken to counsel's review. */
  const inReview = async (e: TestEnv) => {
    const id = await open(e);
    await move(e, officer, id, 'triage');
    await move(e, officer, id, 'refer');
    return id;
  };

  test('the ordinary path from intake to closed, the second person and refused exports in the log (L2, L6)', async () => {
    const e = env();
    await people(e);
    const id = await open(e);
    const steps: Array<[StaffActor, EventKind, Partial<MoveInput>, string]> = [
      [officer, 'triage', {}, 'triage'],
      [officer, 'refer', {}, 'legal_review'],
      [counsel, 'request_cure', { reason: `Too broad. ${REASON}` }, 'cure_requested'],
      [officer, 'cure', {}, 'legal_review'],
      [counsel, 'approve', { findings }, 'approved'],
    ];
    for (const [who, kind, input, state] of steps) {
      e.clock.advance(MINUTE);
      assert.equal((await move(e, who, id, kind, input)).state, state);
      assert.equal((await row(e, id)).state, state);
    }
    // Counsel who approved cannot also confirm; nothing leaves before the confirmation.
    const same = await refused(move(e, counsel, id, 'confirm'), 'same_person');
    assert.equal(same.recorded, true);
    await refused(requireProduction(e.ctx, counsel, id, 'Export the loans.'), 'not_in_this_state');
    assert.equal((await move(e, officer, id, 'confirm')).state, 'producing');
    const released = await requireProduction(e.ctx, officer, id, 'Export the loans.');
    assert.deepEqual(
      [released.approvedBy, released.confirmedBy, released.findings?.goodCause],
      [counsel.id, officer.id, GOOD_CAUSE],
    );
    assert.equal((await move(e, officer, id, 'complete_production')).state, 'produced');
    e.clock.advance(MINUTE);
    assert.equal((await move(e, officer, id, 'close')).state, 'closed');
    assert.equal((await row(e, id)).closed_at, e.clock.now().toISOString());
    e.clock.advance(MINUTE);
    await refused(requireProduction(e.ctx, counsel, id, 'One more copy.'), 'not_in_this_state');
    await refused(move(e, counsel2, id, 'confirm'), 'not_in_this_state');
    assert.equal(
      (await row(e, id)).closed_at,
      new Date(e.clock.now().getTime() - MINUTE).toISOString(),
      'a refusal recorded on a closed case does not move its closing time',
    );

    const history = await caseHistory(e.ctx, counsel, id);
    assert.deepEqual(
      history.map((h) => [h.kind, h.fromState, h.toState, h.actorId]),
      [
        ['opened', null, 'intake', desk.id],
        ['triage', 'intake', 'triage', officer.id],
        ['refer', 'triage', 'legal_review', officer.id],
        ['request_cure', 'legal_review', 'cure_requested', counsel.id],
        ['cure', 'cure_requested', 'legal_review', officer.id],
        ['approve', 'legal_review', 'approved', counsel.id],
        ['refused:confirm', 'approved', 'approved', counsel.id],
        ['refused:export', 'approved', 'approved', counsel.id],
        ['confirm', 'approved', 'producing', officer.id],
        ['complete_production', 'producing', 'produced', officer.id],
        ['close', 'produced', 'closed', officer.id],
        ['refused:export', 'closed', 'closed', counsel.id],
        ['refused:confirm', 'closed', 'closed', counsel2.id],
      ],
    );
    assert.equal(history[3]!.reason, `Too broad. ${REASON}`);
    assert.equal(
      history[6]!.reason,
      'Refused: Someone other than the counsel who approved must confirm. Reason given: Step confirm: as the file shows.',
    );
    assert.match(
      history[7]!.reason ?? '',
      /^Refused: Nothing can be exported while the case is approved by counsel\./,
    );
    await assertChainSound(e, id);
  });

  test('one refused move per refusal code, with the machine’s sentence; production refusals are recorded', async () => {
    const e = env();
    await people(e);
    const cases = {
      intake: await open(e),
      informal: await open(e, 'informal-request'),
      review: await inReview(e),
      warrant: await open(e, 'search-warrant'),
    };
    await move(e, officer, cases.informal, 'triage');
    await move(e, desk, cases.warrant, 'execute_warrant'); // the desk may: agents are not obstructed
    const partial = { ...findings, goodCause: '  ' };
    const tries: Array<[string, () => Promise<unknown>, RefusalCode, boolean]> = [
      ['intake', () => move(e, officer, cases.intake, 'refer'), 'not_in_this_state', false],
      ['informal', () => move(e, officer, cases.informal, 'refer'), 'wrong_instrument', false],
      ['intake', () => move(e, counsel, cases.intake, 'triage'), 'role', false],
      ['intake', () => move(e, officer, cases.intake, 'triage', { reason: '   ' }), 'reason_required', false],
      [
        'warrant',
        () => move(e, officer, cases.warrant, 'record_warrant', { taken: ' ' }),
        'details_required',
        false,
      ],
      ['warrant', () => move(e, officer, cases.warrant, 'confirm'), 'not_approved', true],
      [
        'review',
        () => move(e, counsel, cases.review, 'approve', { findings: partial }),
        'findings_missing',
        true,
      ],
    ];
    for (const [which, attempt, code, recorded] of tries) {
      const id = cases[which as keyof typeof cases];
      const [before, state] = [await eventCount(e, id), (await row(e, id)).state];
      const err = await refused(attempt(), code);
      assert.equal(err.recorded, recorded, code);
      assert.equal(await eventCount(e, id), before + (recorded ? 1 : 0), `${code}: recorded or not`);
      assert.equal((await row(e, id)).state, state, `${code}: the state stays`);
    }
    const missing = await lastEvent(e, cases.review);
    assert.deepEqual([missing.kind, missing.actor_id], ['refused:approve', counsel.id]);
    assert.match(
      (await caseHistory(e.ctx, officer, cases.review)).at(-1)!.reason ?? '',
      /Counsel cannot approve until the review records good cause\./,
    );
    // The second person must differ from the first (same_person), then a different one confirms.
    await move(e, counsel, cases.review, 'approve', { findings });
    await refused(move(e, counsel, cases.review, 'confirm'), 'same_person');
    assert.equal((await move(e, counsel2, cases.review, 'confirm')).state, 'producing');
    await assertChainSound(e, ...Object.values(cases));
  });

  test('circulation, reference, webmaster and an administrator who is not the director: no step, no log, no export (L1)', async () => {
    const e = env();
    await people(e);
    const approved = await inReview(e);
    await move(e, counsel, approved, 'approve', { findings });
    const emergency = await open(e, 'emergency-request');
    await move(e, officer, emergency, 'open_emergency', { threat: THREAT });
    for (const roles of [['circulation'], ['reference'], ['webmaster'], ['admin']] as const) {
      const who = await staffActor(e, [...roles]);
      const before = await eventCount(e, approved);
      await assert.rejects(move(e, who, approved, 'triage'), ForbiddenError);
      await assert.rejects(move(e, who, approved, 'confirm'), ForbiddenError);
      await assert.rejects(requireProduction(e.ctx, who, approved, 'Just looking.'), ForbiddenError);
      await assert.rejects(caseHistory(e.ctx, who, approved), ForbiddenError);
      await assert.rejects(move(e, who, emergency, 'release', { as: 'director' }), ForbiddenError);
      await assert.rejects(
        move(e, who, 'no-such-case', 'confirm'),
        ForbiddenError,
        'not even whether it exists',
      );
      const log = (await caseHistory(e.ctx, officer, approved)).slice(before);
      assert.deepEqual(
        log.map((h) => [h.kind, h.actorId]),
        [
          ['refused:confirm', who.id],
          ['refused:export', who.id],
        ],
        `${roles[0]}: the production attempts are recorded, the triage attempt is not`,
      );
    }
    assert.equal((await row(e, approved)).state, 'approved');
    await assertChainSound(e, approved, emergency);
  });

  test('an emergency: director and counsel decide within the time box on the test clock; after it, only decline (L2)', async () => {
    const e = env();
    await people(e);
    const quick = await open(e, 'emergency-request');
    await move(e, officer, quick, 'triage');
    await refused(move(e, officer, quick, 'open_emergency', { threat: ' ' }), 'details_required');
    await move(e, officer, quick, 'open_emergency', { threat: THREAT });
    e.clock.advance(10 * MINUTE);
    assert.equal((await move(e, counsel, quick, 'release', { as: 'counsel' })).state, 'emergency_review');
    await refused(move(e, officer, quick, 'lapse'), 'time_box_open');
    await refused(requireProduction(e.ctx, counsel, quick, 'Now?'), 'not_in_this_state');
    e.clock.advance(50 * MINUTE - 1); // one millisecond before the deadline
    await refused(move(e, counsel, quick, 'release', { as: 'director' }), 'role');
    assert.equal((await move(e, director, quick, 'release', { as: 'director' })).state, 'emergency_released');
    const snap = await requireProduction(e.ctx, counsel, quick, 'The minimum for the threat.');
    assert.deepEqual(
      [snap.approvedBy, snap.confirmedBy, snap.emergency?.threat],
      [counsel.id, director.id, THREAT],
    );
    await move(e, counsel, quick, 'review_after');
    assert.equal((await move(e, officer, quick, 'close')).state, 'closed');

    const slow = await open(e, 'emergency-request');
    await move(e, counsel, slow, 'open_emergency', { threat: THREAT });
    await move(e, counsel, slow, 'release', { as: 'counsel' });
    e.clock.advance(60 * MINUTE); // the deadline itself: the window has passed
    const late = await refused(move(e, director, slow, 'release', { as: 'director' }), 'time_box_passed');
    assert.equal(late.recorded, true);
    assert.equal((await move(e, { kind: 'system' }, slow, 'lapse')).state, 'declined');
    const last = await lastEvent(e, slow);
    assert.deepEqual([last.kind, last.actor_id, last.to_state], ['lapse', null, 'declined']);
    await refused(requireProduction(e.ctx, counsel, slow, 'Anyway?'), 'not_in_this_state');
    await assertChainSound(e, quick, slow);
  });

  test('a step as a page sends it: checked by moveSchema at the edge, blanks left to the machine', async () => {
    const e = env();
    await people(e);
    const id = await open(e);
    const fields = (raw: unknown): Record<string, string> => {
      try {
        parseInput(moveSchema, raw);
      } catch (err) {
        return (err as ValidationError).fields;
      }
      return {};
    };
    assert.match(fields({ event: 'teleport' }).event ?? '', /Choose a step/);
    assert.match(fields({ event: 'triage', reason: 'x'.repeat(5001) }).reason ?? '', /at most 5000/);
    assert.match(fields({ event: 'release', as: 'mayor' }).as ?? '', /director or as counsel/);
    assert.ok(Object.keys(fields({ event: 'approve', findings: { mood: 'fine' } })).length > 0);
    const v = parseInput(moveSchema, { event: 'triage', reason: '  Papers look real.  ' });
    assert.equal((await moveCase(e.ctx, officer, id, v.event, v)).state, 'triage');
    assert.equal((await caseHistory(e.ctx, officer, id)).at(-1)!.reason, 'Papers look real.');
    const blank = parseInput(moveSchema, { event: 'refer' });
    await refused(moveCase(e.ctx, officer, id, blank.event, blank), 'reason_required');
  });

  test('decisions put back from an older copy are refused; the chain alone does not cover them', async () => {
    const e = env();
    await people(e);
    const id = await inReview(e);
    await move(e, counsel, id, 'approve', { findings });
    const approvedOnly = (await row(e, id)).decisions;
    await move(e, officer, id, 'confirm');
    await e.ctx.db.updateTable('legal_cases').set({ decisions: approvedOnly }).where('id', '=', id).execute();
    await assert.rejects(move(e, officer, id, 'complete_production'), LegalKeyError);
    await assert.rejects(requireProduction(e.ctx, officer, id, 'Export.'), LegalKeyError);
    assert.equal((await row(e, id)).state, 'producing', 'nothing moved');
  });

  test('key rotation re-encrypts the decisions too: the next move reads them under the new key (L6)', async () => {
    const e = env();
    await people(e);
    const id = await inReview(e);
    await move(e, counsel, id, 'approve', { findings });
    const newKey = path.join(e.dataDir, 'rotated-moves', 'legal-2.key');
    await rekeyCases(e.ctx, newKey);
    const moved = {
      ...e.ctx,
      config: { ...e.ctx.config, legal: { ...e.ctx.config.legal, keyFile: newKey } },
    };
    await assert.rejects(requireProduction(e.ctx, officer, id, 'Export.'), /encrypted with key/);
    const next = await moveCase(moved, officer, id, 'confirm', { reason: 'A second person agrees.' });
    assert.equal(next.state, 'producing');
    assert.equal((await requireProduction(moved, officer, id, 'Export.')).findings?.goodCause, GOOD_CAUSE);
    // Back to a fresh key in the usual place, for the other tests in this suite.
    const back = path.join(e.dataDir, 'legal-moves-3.key');
    await rekeyCases(moved, back);
    fs.rmSync(e.config.legal.keyFile);
    fs.copyFileSync(back, e.config.legal.keyFile);
    fs.chmodSync(e.config.legal.keyFile, 0o600);
    await assertChainSound(e, id);
  });

  if (dialect === 'sqlite')
    test('reasons, findings and threats are not in the raw database file (L6)', async () => {
      const e = env();
      await people(e);
      const id = await inReview(e);
      await move(e, counsel, id, 'request_cure', { reason: REASON });
      await move(e, officer, id, 'cure');
      await move(e, counsel, id, 'approve', { findings });
      const emergency = await open(e, 'emergency-request');
      await move(e, officer, emergency, 'open_emergency', { threat: THREAT });
      const history = await caseHistory(e.ctx, officer, id);
      assert.ok(
        history.some((h) => h.reason === REASON),
        'readable through the service',
      );
      const raw = sqliteBytes(e);
      for (const secret of [REASON, GOOD_CAUSE, THREAT, findings.particularity])
        assert.equal(raw.includes(Buffer.from(secret)), false, `${secret} is not in the file`);
      assert.ok(raw.includes(Buffer.from(`${id}`)), 'the scan does see plain values (the case id)');
    });
});
