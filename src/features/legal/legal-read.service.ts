// Reading cases for the case pages (issue 15 item 1; L1, L6): the list and a case's log, for the
// privacy officer and counsel alone. The log's reasons are decrypted here; the case file itself is
// read by readCaseFile (legal.service.ts).
import type { AppContext } from '../../context.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { aad, decrypt, loadKey } from './legal.crypto.ts';
import { canReadCases } from './legal.policy.ts';
import * as repo from './legal.repository.ts';
import * as read from './legal-read.repository.ts';

/** Cases shown on the list at most (newest first). */
export const CASE_LIST_LIMIT = 500;

export interface CaseListItem {
  id: string;
  openedAt: string;
  instrument: string;
  state: string;
  closedAt: string | null;
}

export interface CaseLogEntry {
  seq: number;
  at: string;
  /** The staff member's user name; null for the system, "(deleted account)" when gone. */
  actor: string | null;
  kind: string;
  fromState: string | null;
  toState: string;
  reason: string | null;
}

const refuse = () => new ForbiddenError('Only the privacy officer and counsel read case files.');

/** The newest cases, at most CASE_LIST_LIMIT; `more` when older ones were left out. */
export async function listCases(
  ctx: AppContext,
  actor: Actor,
): Promise<{ cases: CaseListItem[]; more: boolean }> {
  if (!canReadCases(actor)) throw refuse();
  const rows = await read.findCaseList(ctx.db, CASE_LIST_LIMIT + 1);
  return {
    cases: rows.slice(0, CASE_LIST_LIMIT).map((r) => ({
      id: r.id,
      openedAt: r.opened_at,
      instrument: r.instrument,
      state: r.state,
      closedAt: r.closed_at,
    })),
    more: rows.length > CASE_LIST_LIMIT,
  };
}

/** A case's log in order, reasons decrypted, actors by user name. */
export async function readCaseLog(ctx: AppContext, actor: Actor, caseId: string): Promise<CaseLogEntry[]> {
  if (!canReadCases(actor)) throw refuse();
  const events = await repo.findEvents(ctx.db, caseId);
  if (events.length === 0) throw new NotFoundError('There is no such case.');
  const key = loadKey(ctx.config.legal.keyFile, { create: false });
  const ids = [...new Set(events.flatMap((e) => (e.actor_id ? [e.actor_id] : [])))];
  const names = await read.findUsernames(ctx.db, ids);
  return events.map((e) => ({
    seq: e.seq,
    at: e.at,
    actor: e.actor_id === null ? null : (names.get(e.actor_id) ?? '(deleted account)'),
    kind: e.kind,
    fromState: e.from_state,
    toState: e.to_state,
    reason: e.reason === null ? null : decrypt(key, e.reason, aad.reason(e.id)).toString('utf8'),
  }));
}
