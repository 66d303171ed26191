// The case log's hash chain (issue 15 item 6; L6): each event's hash is sha256 over the previous
// hash and a canonical serialisation of the event's own fields, the reason as its ciphertext. An
// edited field, a removed or reordered event, or a case row whose state is not the last event's
// breaks the chain. Pure functions, used when appending and by `carrel cases verify`.
import crypto from 'node:crypto';

/** The prev_hash of every case's first event. */
export const GENESIS = '0'.repeat(64);

/** The fields an event's hash covers. */
export interface ChainedEvent {
  id: string;
  case_id: string;
  seq: number;
  at: string;
  actor_id: string | null;
  kind: string;
  from_state: string | null;
  to_state: string;
  reason: Buffer | null;
}

/** JSON of a fixed-order array: no key order or whitespace to vary. */
export function canonical(e: ChainedEvent): string {
  return JSON.stringify([
    'carrel-legal-event-v1',
    e.id,
    e.case_id,
    e.seq,
    e.at,
    e.actor_id,
    e.kind,
    e.from_state,
    e.to_state,
    e.reason === null ? null : Buffer.from(e.reason).toString('hex'),
  ]);
}

export const eventHash = (prevHash: string, e: ChainedEvent): string =>
  crypto
    .createHash('sha256')
    .update(`${prevHash}\n${canonical(e)}`)
    .digest('hex');

/** One break in a case's chain: the sequence number where it shows, and what is wrong. */
export interface ChainBreak {
  seq: number;
  problem: string;
}

/** Checks one case's events (ordered by seq) against each other and the case row's state. */
export function checkChain(
  caseRow: { state: string; last_hash: string },
  events: ReadonlyArray<ChainedEvent & { prev_hash: string; hash: string }>,
): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  if (events.length === 0) return [{ seq: 1, problem: 'the case has no events' }];
  let prev = GENESIS;
  events.forEach((e, i) => {
    const expectedSeq = i + 1;
    if (e.seq !== expectedSeq)
      breaks.push({
        seq: e.seq,
        problem: `expected sequence number ${expectedSeq} (an event is missing or moved)`,
      });
    if (e.prev_hash !== prev) breaks.push({ seq: e.seq, problem: 'does not follow the event before it' });
    if (eventHash(e.prev_hash, e) !== e.hash)
      breaks.push({ seq: e.seq, problem: 'its fields do not match its hash (edited)' });
    if (i > 0 && e.from_state !== events[i - 1]!.to_state)
      breaks.push({ seq: e.seq, problem: 'does not start from the state the event before it left' });
    prev = e.hash;
  });
  const last = events[events.length - 1]!;
  if (caseRow.state !== last.to_state)
    breaks.push({
      seq: last.seq,
      problem: `the case says "${caseRow.state}" but its last event says "${last.to_state}"`,
    });
  if (caseRow.last_hash !== last.hash)
    breaks.push({
      seq: last.seq,
      problem: 'is not the last event the case recorded (an event was removed or added)',
    });
  return breaks;
}
