// Groups and stations (issue 14 item 1): staff create groups and stations (a station key shown
// once, stored as SHA-256), a client identifies itself by key or by name (unknown names wait for
// approval), staff mark computers out of order, and the status list never shows who (P1).
import { iso } from '../../clock.ts';
import type { Actor } from '../../auth/actors.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { branchOf, type Refused } from './pcs.common.ts';
import { newToken, sha256 } from './pcs.keys.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';
import { minutesLeft } from './pcs.service.ts';
import { offerFreeStations } from './pcs-waitlist.service.ts';
import { isOffline } from './pcs.rules.ts';

export interface GroupInput {
  branch: string;
  name: string;
  /** Default 120. */
  dailyMinutes?: number;
  /** Default 60. */
  sessionMinutes?: number;
  /** Allowed age bands; omitted or null for everyone. */
  ageBands?: string[] | null;
  /** Default 5. */
  holdMinutes?: number;
  /** One capital letter for tickets, e.g. "B". */
  ticketPrefix: string;
}

const minutes = (v: number | undefined, dflt: number, field: string, max: number): number => {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ValidationError(`${field} must be between 1 and ${max}.`, { [field]: `Between 1 and ${max}.` });
  return n;
};

/** Creates a group of computers at a branch; returns its id. */
export async function createGroup(ctx: AppContext, actor: Actor, input: GroupInput): Promise<string> {
  assertCanManagePcs(actor);
  branchOf(ctx, input.branch);
  const name = input.name.trim();
  if (!name) throw new ValidationError('Name the group.', { name: 'Required.' });
  if (!/^[A-Z]$/.test(input.ticketPrefix))
    throw new ValidationError('The ticket prefix is one capital letter.', {
      ticketPrefix: 'One letter A–Z.',
    });
  if (await repo.findGroupByName(ctx.db, input.branch, name))
    throw new ValidationError('Another group at this branch has that name.', {
      name: 'Choose another name.',
    });
  const id = newId(ctx.clock.now().getTime());
  await repo.insertGroup(ctx.db, {
    id,
    branch: input.branch,
    name,
    daily_minutes: minutes(input.dailyMinutes, 120, 'dailyMinutes', 1440),
    session_minutes: minutes(input.sessionMinutes, 60, 'sessionMinutes', 1440),
    age_bands: input.ageBands ? JSON.stringify(input.ageBands) : null,
    hold_minutes: minutes(input.holdMinutes, 5, 'holdMinutes', 60),
    ticket_prefix: input.ticketPrefix,
    created_at: iso(ctx.clock.now()),
  });
  return id;
}

export interface StationInput {
  branch: string;
  groupId: string;
  name: string;
  ageBands?: string[] | null;
  isReservable?: boolean;
}

/**
 * Creates an approved station (or approves and keys an existing one by that name) and returns its
 * new station key, shown once: the client sends it with every request.
 */
export async function createStation(
  ctx: AppContext,
  actor: Actor,
  input: StationInput,
): Promise<{ stationId: string; stationKey: string }> {
  assertCanManagePcs(actor);
  const group = await repo.findGroup(ctx.db, input.groupId);
  if (!group || group.branch !== input.branch)
    throw new NotFoundError('There is no such group at that branch.');
  const name = input.name.trim();
  if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(name))
    throw new ValidationError('Use 1–64 letters, digits, spaces, dots, dashes.', {
      name: 'Not a station name.',
    });
  const stationKey = newToken();
  const now = iso(ctx.clock.now());
  const fields = {
    group_id: group.id,
    age_bands: input.ageBands ? JSON.stringify(input.ageBands) : null,
    is_reservable: input.isReservable === false ? 0 : 1,
    is_approved: 1,
    key_hash: sha256(stationKey),
  };
  const existing = await repo.findStationByName(ctx.db, input.branch, name);
  if (existing) {
    await repo.updateStation(ctx.db, existing.id, fields);
    return { stationId: existing.id, stationKey };
  }
  const stationId = newId(ctx.clock.now().getTime());
  await repo.insertStation(ctx.db, {
    id: stationId,
    branch: input.branch,
    name,
    is_out_of_order: 0,
    last_seen_at: null,
    created_at: now,
    ...fields,
  });
  return { stationId, stationKey };
}

/** Staff approve a station that asked by name into a group. */
export async function approveStation(
  ctx: AppContext,
  actor: Actor,
  stationId: string,
  groupId: string,
): Promise<void> {
  assertCanManagePcs(actor);
  const station = await repo.findStation(ctx.db, stationId);
  const group = await repo.findGroup(ctx.db, groupId);
  if (!station || !group || group.branch !== station.branch)
    throw new NotFoundError('No such station or group.');
  await repo.updateStation(ctx.db, stationId, { is_approved: 1, group_id: groupId });
}

/** Refused without counting: a computer not yet approved asks every 10 s (register_node). */
const uncounted = (reason: 'UNKNOWN_STATION' | 'STATION_NOT_APPROVED'): Refused => ({ ok: false, reason });

/**
 * last_seen_at is written only when the stored value is older than this: a station is offline
 * after a minute unseen, and a client calling every 10 s then never looks older than 40 s. A write
 * on every call (two per poll of 1,000 stations) made the database's checkpoints stall polls for
 * seconds on a busy disk (bench/HISTORY.md, pcs).
 */
export const SEEN_RESOLUTION_MS = 30_000;

/** Records that a station called, when the stored time is stale (see SEEN_RESOLUTION_MS). */
async function markSeen(ctx: AppContext, station: repo.PcStationRow, now: Date): Promise<void> {
  if (station.last_seen_at && now.getTime() - Date.parse(station.last_seen_at) < SEEN_RESOLUTION_MS) return;
  await repo.touchStation(ctx.db, station.id, iso(now));
}

/**
 * A client says who it is: its station key (always wins), else branch + name. An unknown name is
 * recorded as waiting for approval. Refusals here are not counted in pc_refusals: such a computer
 * is listed as waiting for approval already, and counting its polls would add one refusal every
 * 10 seconds. The station's last_seen_at is updated (at most every SEEN_RESOLUTION_MS).
 */
export async function identifyStation(
  ctx: AppContext,
  input: { branch: string; name: string; stationKey?: string },
): Promise<{ ok: true; stationId: string } | Refused> {
  branchOf(ctx, input.branch);
  const now = iso(ctx.clock.now());
  const station = await repo.findStationByName(ctx.db, input.branch, input.name);
  if (station && input.stationKey && station.key_hash === sha256(input.stationKey)) {
    await seen(ctx, station, ctx.clock.now());
    return { ok: true, stationId: station.id };
  }
  if (!station) {
    if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(input.name)) return uncounted('UNKNOWN_STATION');
    await repo.insertStation(ctx.db, {
      id: newId(ctx.clock.now().getTime()),
      branch: input.branch,
      group_id: null,
      name: input.name,
      age_bands: null,
      is_reservable: 1,
      is_out_of_order: 0,
      is_approved: 0,
      key_hash: null,
      last_seen_at: now,
      created_at: now,
    });
    return uncounted('UNKNOWN_STATION');
  }
  // A keyed station must present its key; one approved by name alone may sign in by name.
  if (!station.is_approved || station.key_hash !== null) {
    await markSeen(ctx, station, ctx.clock.now());
    return uncounted('STATION_NOT_APPROVED');
  }
  await seen(ctx, station, ctx.clock.now());
  return { ok: true, stationId: station.id };
}

/** Notes that a known computer asked; one back from offline may be the free one a ticket waits for. */
async function seen(ctx: AppContext, station: repo.PcStationRow, now: Date): Promise<void> {
  await markSeen(ctx, station, now);
  if (station.group_id && isOffline(station.last_seen_at, now))
    await offerFreeStations(ctx, station.group_id);
}

/**
 * Staff take a computer out of order (or back); a session on it runs to its end. A ticket the
 * computer is held for goes back to the front of its line (it keeps its place) and is called to
 * another free computer of the group if there is one: neither skipping it (which would call the
 * next ticket to this same computer) nor releasing it (the hold stays) would free the computer.
 */
export async function setOutOfOrder(
  ctx: AppContext,
  actor: Actor,
  stationId: string,
  outOfOrder: boolean,
): Promise<void> {
  assertCanManagePcs(actor);
  if (!(await repo.findStation(ctx.db, stationId))) throw new NotFoundError('There is no such computer.');
  const held = outOfOrder ? await queue.findTicketForStation(ctx.db, stationId) : undefined;
  await ctx.db.transaction().execute(async (trx) => {
    if (held) await queue.updateTicket(trx, held.id, { ...uncalled });
    await repo.updateStation(trx, stationId, { is_out_of_order: outOfOrder ? 1 : 0 });
  });
  if (held) await offerFreeStations(ctx, held.group_id);
  // A computer back in order may be the free one a waiting ticket needs.
  const station = await repo.findStation(ctx.db, stationId);
  if (!outOfOrder && station?.group_id) await offerFreeStations(ctx, station.group_id);
}

/** A ticket no longer called to any computer (it keeps its place: joined_at and number). */
const uncalled = {
  called_station_id: null,
  called_at: null,
  hold_until: null,
  is_released: 0,
  is_claimed: 0,
} as const;

export type StationState =
  | { state: 'unapproved' }
  | { state: 'out-of-order' }
  | { state: 'offline' }
  | { state: 'free' }
  | { state: 'reserved'; ticket: string; holdUntil: string | null }
  | { state: 'in-use'; sessionId: string; minutesLeft: number };

/** Every computer of a branch with its state; never who uses it. Offline: see OFFLINE_AFTER_MS. */
export async function stationStatus(
  ctx: AppContext,
  actor: Actor,
  branch: string,
): Promise<Array<{ stationId: string; name: string; groupId: string | null } & StationState>> {
  assertCanManagePcs(actor);
  const now = ctx.clock.now();
  const out = [];
  for (const s of await repo.findStations(ctx.db, branch)) {
    const base = { stationId: s.id, name: s.name, groupId: s.group_id };
    const session = await repo.findSessionByStation(ctx.db, s.id);
    const held = await queue.findTicketForStation(ctx.db, s.id);
    let st: StationState;
    if (!s.is_approved) st = { state: 'unapproved' };
    else if (session) st = { state: 'in-use', sessionId: session.id, minutesLeft: minutesLeft(session, now) };
    else if (s.is_out_of_order) st = { state: 'out-of-order' };
    else if (held) st = { state: 'reserved', ticket: held.ticket, holdUntil: held.hold_until };
    else if (isOffline(s.last_seen_at, now)) st = { state: 'offline' };
    else st = { state: 'free' };
    out.push({ ...base, ...st });
  }
  return out;
}
