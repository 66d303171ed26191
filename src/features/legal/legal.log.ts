// Appending to a case's hash-chained log (issue 15 item 6; L6). Every change to a case is an
// event; the case row's state and last hash move with it in the same transaction.
import { iso, type Clock } from '../../clock.ts';
import { newId } from '../../ids.ts';
import { GENESIS, eventHash, type ChainedEvent } from './legal.chain.ts';
import { aad, encrypt, type LegalKey } from './legal.crypto.ts';
import * as repo from './legal.repository.ts';

/** The event to append; the reason is encrypted before it is stored. */
export interface NewEvent {
  actorId: string | null;
  kind: string;
  toState: string;
  reason: string | null;
  /** Set when this event closes the case (its retention period starts then). */
  closes?: boolean;
}

/** Builds a case's first event with its hash (the case row is inserted before it). */
export function firstEvent(
  key: LegalKey,
  caseId: string,
  at: Date,
  e: NewEvent,
): ChainedEvent & { prev_hash: string; hash: string } {
  const id = newId(at.getTime());
  const ev: ChainedEvent = {
    id,
    case_id: caseId,
    seq: 1,
    at: iso(at),
    actor_id: e.actorId,
    kind: e.kind,
    from_state: null,
    to_state: e.toState,
    reason: e.reason === null ? null : encrypt(key, e.reason, aad.reason(id)),
  };
  return { ...ev, prev_hash: GENESIS, hash: eventHash(GENESIS, ev) };
}

/** Appends an event after the case's last one, in `trx`; returns its sequence number. */
export async function appendEvent(
  trx: repo.Db,
  clock: Clock,
  key: LegalKey,
  caseId: string,
  e: NewEvent,
): Promise<number> {
  const last = await repo.findLastEvent(trx, caseId);
  if (!last) throw new Error(`case ${caseId} has no first event`);
  const now = clock.now();
  const id = newId(now.getTime());
  const ev: ChainedEvent = {
    id,
    case_id: caseId,
    seq: last.seq + 1,
    at: iso(now),
    actor_id: e.actorId,
    kind: e.kind,
    from_state: last.to_state,
    to_state: e.toState,
    reason: e.reason === null ? null : encrypt(key, e.reason, aad.reason(id)),
  };
  const hash = eventHash(last.hash, ev);
  await repo.insertEvent(trx, { ...ev, prev_hash: last.hash, hash });
  // An entry that leaves the state as it was (a recorded refusal) leaves the closing time alone.
  await repo.updateCaseHead(trx, caseId, {
    state: e.toState,
    last_hash: hash,
    ...(e.toState !== last.to_state && { closed_at: e.closes ? iso(now) : null }),
  });
  return ev.seq;
}
