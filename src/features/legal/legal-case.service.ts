// Moving a law-enforcement case through its states (issue 15 item 2; L2, with L1 and L6). In one
// transaction: lock the case, read its log, rebuild the state machine's view of it (the state on
// the row, the rest from the encrypted `decisions`), ask `transition`, and either append the move
// to the hash-chained log with the new state and decisions, or refuse with the machine's sentence.
// A refused step that concerns production (approving, confirming, releasing, producing, exporting)
// is written to the log too, as an entry that leaves the state as it was.
import type { AppContext } from '../../context.ts';
import { DomainError, ForbiddenError, NotFoundError, type ErrorKind } from '../../errors.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { aad, decrypt, encrypt, LegalKeyError, loadKey, type LegalKey } from './legal.crypto.ts';
import { appendEvent } from './legal.log.ts';
import { canReadCases, canTakeStep } from './legal.policy.ts';
import * as repo from './legal.repository.ts';
import type { Instrument } from './legal.schemas.ts';
import { caseKey } from './legal.service.ts';
import {
  eventKinds,
  mayProduce,
  transition,
  type CaseActor,
  type CaseEvent,
  type CaseSnapshot,
  type ClockActor,
  type EventKind,
  type FindingName,
  type Refusal,
  type RefusalCode,
} from './legal.states.ts';

/** A step the state machine refused; 403 when it is about who may take it, 409 otherwise. */
export class CaseRefusedError extends DomainError {
  readonly kind: ErrorKind;
  readonly code: RefusalCode;
  /** Whether the refusal was written to the case log. */
  readonly recorded: boolean;
  constructor(refusal: Refusal, recorded: boolean) {
    super(refusal.message);
    this.code = refusal.code;
    this.kind = refusal.code === 'role' ? 'forbidden' : 'conflict';
    this.recorded = recorded;
  }
}

/** What a step carries besides its kind; each kind reads only its own fields. */
export interface MoveInput {
  reason: string;
  /** approve: counsel's findings. */
  findings?: Partial<Record<FindingName, string>>;
  /** record_warrant: what the agents searched and took. */
  taken?: string;
  /** open_emergency: the threat the requester described. */
  threat?: string;
  /** release: in which capacity the decision is given. */
  as?: 'director' | 'counsel';
  /** convert: the legal process that was served. */
  instrument?: Instrument;
}

/** The steps whose refusal is recorded: they concern patron records leaving the library. */
const productionSteps: ReadonlySet<string> = new Set([
  'approve',
  'confirm',
  'release',
  'complete_production',
]);
/** The log's kind for the refusal of an export (not a move: nothing changes state). */
export const EXPORT = 'export';
const machineKinds: ReadonlySet<string> = new Set(eventKinds);

/** What the case row keeps encrypted in `decisions`: the snapshot minus state and instrument. */
type Decisions = Omit<CaseSnapshot, 'state' | 'instrument'> & {
  /** The log entry (seq) of the move that wrote these decisions. */
  asOfSeq: number;
};

function buildEvent(kind: EventKind, input: MoveInput): CaseEvent {
  const reason = input.reason;
  switch (kind) {
    case 'approve':
      return { kind, reason, findings: input.findings ?? {} };
    case 'record_warrant':
      return { kind, reason, taken: input.taken ?? '' };
    case 'open_emergency':
      return { kind, reason, threat: input.threat ?? '' };
    case 'release':
      return { kind, reason, as: input.as ?? 'counsel' };
    case 'convert':
      return { kind, reason, instrument: input.instrument ?? 'preservation-request' };
    default:
      return { kind, reason };
  }
}

const machineActor = (actor: Actor): CaseActor | ClockActor =>
  actor.kind === 'system'
    ? { kind: 'system' }
    : { kind: 'staff', id: actor.id, roles: actor.roles, isDirector: actor.isDirector === true };

/**
 * The case as the state machine sees it. The decisions must be those written by the case's last
 * move: an older copy put back in the row (a restored backup, a hand-edit) is refused.
 */
function snapshotOf(key: LegalKey, row: repo.LegalCaseRow, events: repo.LegalCaseEventRow[]): CaseSnapshot {
  const lastMove = events.filter((e) => machineKinds.has(e.kind)).at(-1);
  const decisions: Decisions | null =
    row.decisions === null
      ? null
      : (JSON.parse(decrypt(key, row.decisions, aad.decisions(row.id)).toString('utf8')) as Decisions);
  if ((decisions?.asOfSeq ?? null) !== (lastMove?.seq ?? null))
    throw new LegalKeyError(
      `The decisions stored with case ${row.id} do not match its log; run \`carrel cases verify\` and restore the case from a sound backup.`,
    );
  const { asOfSeq: _seq, ...rest } = decisions ?? { asOfSeq: 0 };
  return { ...rest, state: row.state as CaseSnapshot['state'], instrument: row.instrument as Instrument };
}

/** Writes a refusal to the log as an entry that leaves the state as it was. */
async function recordRefusal(
  trx: repo.Db,
  ctx: AppContext,
  key: LegalKey,
  row: repo.LegalCaseRow,
  actor: Actor,
  attempted: string,
  message: string,
  reason: string,
): Promise<void> {
  const given = reason.trim() ? ` Reason given: ${reason.trim()}` : '';
  await appendEvent(trx, ctx.clock, key, row.id, {
    actorId: actor.kind === 'staff' ? actor.id : null,
    kind: `refused:${attempted}`,
    toState: row.state,
    reason: `Refused: ${message}${given}`,
  });
}

const NOT_YOURS =
  'Only the privacy officer, counsel and the director work on a case; the privacy officer will respond to the request.';

/**
 * Takes one step in a case (L2). Refuses with CaseRefusedError (the machine's sentence) or, for
 * staff who do not work on cases, ForbiddenError; either way a refused step that concerns
 * production is recorded in the case log.
 */
export async function moveCase(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  kind: EventKind,
  input: MoveInput,
): Promise<{ state: string; seq: number }> {
  const key = caseKey(ctx);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.lockCase(trx, ctx.database.ops, caseId);
    if (!canTakeStep(actor, kind)) {
      if (row && productionSteps.has(kind))
        await recordRefusal(trx, ctx, key, row, actor, kind, NOT_YOURS, input.reason);
      return { type: 'forbidden' } as const;
    }
    if (!row) throw new NotFoundError('There is no such case.');
    const events = await repo.findEvents(trx, caseId);
    const before = snapshotOf(key, row, events);
    const result = transition(before, buildEvent(kind, input), machineActor(actor), ctx.clock.now());
    if (!result.ok) {
      const recorded = productionSteps.has(kind);
      if (recorded) await recordRefusal(trx, ctx, key, row, actor, kind, result.message, input.reason);
      return { type: 'refused', refusal: result, recorded } as const;
    }
    const next = result.case;
    const seq = await appendEvent(trx, ctx.clock, key, caseId, {
      actorId: actor.kind === 'staff' ? actor.id : null,
      kind,
      toState: next.state,
      reason: result.record.reason,
      closes: next.state === 'closed',
    });
    const { state: _s, instrument, ...rest } = next;
    const decisions: Decisions = { ...rest, asOfSeq: seq };
    await repo.updateCaseDecisions(trx, caseId, {
      decisions: encrypt(key, JSON.stringify(decisions), aad.decisions(caseId)),
      instrument,
    });
    return { type: 'moved', moved: { state: next.state, seq } } as const;
  });
  if (outcome.type === 'forbidden') throw new ForbiddenError(NOT_YOURS);
  if (outcome.type === 'refused') throw new CaseRefusedError(outcome.refusal, outcome.recorded);
  return outcome.moved;
}

/**
 * May this person export patron records for this case now (issue 15 item 3)? Returns the case as
 * the machine sees it, or records the refusal in the case log and throws it: an export is refused
 * in every state but the release states, before approval and a second person's confirmation.
 */
export async function requireProduction(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  reason: string,
): Promise<CaseSnapshot> {
  const key = caseKey(ctx);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.lockCase(trx, ctx.database.ops, caseId);
    if (actor.kind !== 'staff' || !canReadCases(actor)) {
      if (row) await recordRefusal(trx, ctx, key, row, actor, EXPORT, NOT_YOURS, reason);
      return { type: 'forbidden' } as const;
    }
    if (!row) throw new NotFoundError('There is no such case.');
    const snapshot = snapshotOf(key, row, await repo.findEvents(trx, caseId));
    const may = mayProduce(snapshot, machineActor(actor) as CaseActor);
    if (!may.ok) {
      await recordRefusal(trx, ctx, key, row, actor, EXPORT, may.message, reason);
      return { type: 'refused', refusal: may, recorded: true } as const;
    }
    return { type: 'allowed', snapshot } as const;
  });
  if (outcome.type === 'forbidden') throw new ForbiddenError(NOT_YOURS);
  if (outcome.type === 'refused') throw new CaseRefusedError(outcome.refusal, outcome.recorded);
  return outcome.snapshot;
}

/** One entry of a case's log as the privacy officer and counsel read it. */
export interface HistoryEntry {
  seq: number;
  at: string;
  /** The staff member, or null for the operator at the command line or the clock. */
  actorId: string | null;
  /** The step (e.g. "approve"), "opened", or "refused:<step>" for a recorded refusal. */
  kind: string;
  fromState: string | null;
  toState: string;
  reason: string | null;
}

/** A case's log, decrypted, in order: for the privacy officer and counsel only. */
export async function caseHistory(ctx: AppContext, actor: Actor, caseId: string): Promise<HistoryEntry[]> {
  if (!canReadCases(actor)) throw new ForbiddenError('Only the privacy officer and counsel read case files.');
  const row = await repo.findCase(ctx.db, caseId);
  if (!row) throw new NotFoundError('There is no such case.');
  const key = loadKey(ctx.config.legal.keyFile, { create: false });
  return (await repo.findEvents(ctx.db, caseId)).map((e) => ({
    seq: e.seq,
    at: e.at,
    actorId: e.actor_id,
    kind: e.kind,
    fromState: e.from_state,
    toState: e.to_state,
    reason: e.reason === null ? null : decrypt(key, e.reason, aad.reason(e.id)).toString('utf8'),
  }));
}
