// What the staff screens need beyond the core services (issue 14 items 1, 4, 7): editing groups and
// stations, deleting a station, the groups of a branch, and the waiting list as staff see it
// (tickets, positions and how long each has waited; never who, P1–P2).
import type { Actor } from '../../auth/actors.ts';
import type { AppContext } from '../../context.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { branchOf } from './pcs.common.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import { createGroup, createStation, type GroupInput, type StationInput } from './pcs-stations.service.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';

const STATION_NAME = /^[A-Za-z0-9 ._-]{1,64}$/;

/** Refuses an age band the library does not define (it would admit nobody). */
function assertKnownBands(ctx: AppContext, bands: readonly string[] | null | undefined): void {
  const known = ctx.config.library.circulation.ageBands;
  const unknown = (bands ?? []).filter((b) => !known.includes(b));
  if (unknown.length)
    throw new ValidationError(`The library has no age band ${unknown.join(', ')}.`, {
      ageBands: `Choose from ${known.join(', ')}.`,
    });
}

/** Staff add a group (its age bands checked against the library's); returns its id. */
export async function addGroup(ctx: AppContext, actor: Actor, input: GroupInput): Promise<string> {
  assertCanManagePcs(actor);
  assertKnownBands(ctx, input.ageBands);
  return createGroup(ctx, actor, input);
}

const inRange = (n: number, field: string, max: number): number => {
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ValidationError(`Please correct the minutes: between 1 and ${max}.`, {
      [field]: `Between 1 and ${max}.`,
    });
  return n;
};

/** The groups of a branch, by name. */
export async function branchGroups(
  ctx: AppContext,
  actor: Actor,
  branch: string,
): Promise<repo.PcGroupRow[]> {
  assertCanManagePcs(actor);
  branchOf(ctx, branch);
  return repo.findGroups(ctx.db, branch);
}

/** The computers of a branch, by name (approved or waiting). */
export async function branchStations(
  ctx: AppContext,
  actor: Actor,
  branch: string,
): Promise<repo.PcStationRow[]> {
  assertCanManagePcs(actor);
  branchOf(ctx, branch);
  return repo.findStations(ctx.db, branch);
}

/**
 * Staff add a computer and get its key (shown once). A name already waiting for approval is
 * approved and keyed; the name of a computer already in use is refused, so its key is not replaced.
 */
export async function addStation(
  ctx: AppContext,
  actor: Actor,
  input: StationInput,
): Promise<{ name: string; stationId: string; stationKey: string }> {
  assertCanManagePcs(actor);
  assertKnownBands(ctx, input.ageBands);
  const existing = await repo.findStationByName(ctx.db, input.branch, input.name.trim());
  if (existing?.is_approved)
    throw new ValidationError('A computer at this branch already has that name.', {
      name: 'Choose another name.',
    });
  return { name: input.name.trim(), ...(await createStation(ctx, actor, input)) };
}

/** One group, for its edit form. */
export async function findGroup(ctx: AppContext, actor: Actor, groupId: string): Promise<repo.PcGroupRow> {
  assertCanManagePcs(actor);
  const g = await repo.findGroup(ctx.db, groupId);
  if (!g) throw new NotFoundError('There is no such group of computers.');
  return g;
}

/** One station, for its page; never who uses it. */
export async function findStation(
  ctx: AppContext,
  actor: Actor,
  stationId: string,
): Promise<repo.PcStationRow> {
  assertCanManagePcs(actor);
  const s = await repo.findStation(ctx.db, stationId);
  if (!s) throw new NotFoundError('There is no such computer.');
  return s;
}

/** Refuses a group name that another group of the branch has (the database would refuse it too). */
export async function assertGroupNameFree(ctx: AppContext, branch: string, name: string, exceptId?: string) {
  const other = await repo.findGroupByName(ctx.db, branch, name);
  if (other && other.id !== exceptId)
    throw new ValidationError('Another group at this branch has that name.', {
      name: 'Choose another name.',
    });
}

export interface GroupChanges {
  name: string;
  ticketPrefix: string;
  dailyMinutes: number;
  sessionMinutes: number;
  holdMinutes: number;
  /** Allowed age bands; empty or null for everyone. */
  ageBands: string[] | null;
}

/** Changes a group's rules; sessions already running keep the minutes they were granted. */
export async function updateGroup(
  ctx: AppContext,
  actor: Actor,
  groupId: string,
  input: GroupChanges,
): Promise<void> {
  const group = await findGroup(ctx, actor, groupId);
  const name = input.name.trim();
  if (!name) throw new ValidationError('Name the group.', { name: 'Required.' });
  if (!/^[A-Z]$/.test(input.ticketPrefix))
    throw new ValidationError('The ticket prefix is one capital letter.', {
      ticketPrefix: 'One letter A–Z.',
    });
  await assertGroupNameFree(ctx, group.branch, name, group.id);
  assertKnownBands(ctx, input.ageBands);
  await repo.updateGroup(ctx.db, group.id, {
    name,
    ticket_prefix: input.ticketPrefix,
    daily_minutes: inRange(input.dailyMinutes, 'dailyMinutes', 1440),
    session_minutes: inRange(input.sessionMinutes, 'sessionMinutes', 1440),
    hold_minutes: inRange(input.holdMinutes, 'holdMinutes', 60),
    age_bands: input.ageBands?.length ? JSON.stringify(input.ageBands) : null,
  });
}

export interface StationChanges {
  name: string;
  groupId: string;
  ageBands: string[] | null;
  isReservable: boolean;
}

/** Renames a station, moves it to another group of its branch, or changes its age bands. */
export async function updateStation(
  ctx: AppContext,
  actor: Actor,
  stationId: string,
  input: StationChanges,
): Promise<void> {
  const station = await findStation(ctx, actor, stationId);
  const group = await repo.findGroup(ctx.db, input.groupId);
  if (!group || group.branch !== station.branch)
    throw new ValidationError('Choose a group of this branch.', { groupId: 'Choose a group from the list.' });
  assertKnownBands(ctx, input.ageBands);
  const name = input.name.trim();
  if (!STATION_NAME.test(name))
    throw new ValidationError('Use 1–64 letters, digits, spaces, dots, dashes.', {
      name: 'Not a station name.',
    });
  const other = await repo.findStationByName(ctx.db, station.branch, name);
  if (other && other.id !== station.id)
    throw new ValidationError('Another computer at this branch has that name.', {
      name: 'Choose another name.',
    });
  await repo.updateStation(ctx.db, station.id, {
    name,
    group_id: group.id,
    age_bands: input.ageBands?.length ? JSON.stringify(input.ageBands) : null,
    is_reservable: input.isReservable ? 1 : 0,
  });
}

/** Deletes a computer nobody is using and no ticket holds; returns its branch. */
export async function deleteStation(ctx: AppContext, actor: Actor, stationId: string): Promise<string> {
  const station = await findStation(ctx, actor, stationId);
  if (await repo.findSessionByStation(ctx.db, station.id))
    throw new ConflictError('Someone is using this computer; end the session first.');
  if (await queue.findTicketForStation(ctx.db, station.id))
    throw new ConflictError('The computer is held for a ticket; skip the ticket first.');
  await repo.deleteStation(ctx.db, station.id);
  return station.branch;
}

export interface StaffTicket {
  ticketId: string;
  ticket: string;
  groupId: string;
  /** 1 for the next in its group. */
  position: number;
  waitedMinutes: number;
  calledTo: { stationId: string; stationName: string; holdUntil: string | null; isReleased: boolean } | null;
}

/** The branch's waiting list as staff see it: tickets in order with position and wait; never who. */
export async function staffWaitlist(ctx: AppContext, actor: Actor, branch: string): Promise<StaffTicket[]> {
  assertCanManagePcs(actor);
  branchOf(ctx, branch);
  const now = ctx.clock.now().getTime();
  const names = new Map((await repo.findStations(ctx.db, branch)).map((s) => [s.id, s.name]));
  const positions = new Map<string, number>();
  return (await queue.findBranchTickets(ctx.db, branch)).map((t) => {
    const position = (positions.get(t.group_id) ?? 0) + 1;
    positions.set(t.group_id, position);
    const stationName = t.called_station_id ? names.get(t.called_station_id) : undefined;
    return {
      ticketId: t.id,
      ticket: t.ticket,
      groupId: t.group_id,
      position,
      waitedMinutes: Math.max(0, Math.floor((now - Date.parse(t.joined_at)) / 60_000)),
      calledTo:
        t.called_station_id && stationName
          ? {
              stationId: t.called_station_id,
              stationName,
              holdUntil: t.hold_until,
              isReleased: t.is_released === 1,
            }
          : null,
    };
  });
}

/** The branch a ticket belongs to (for the page to return to after an action on it). */
export async function ticketBranch(ctx: AppContext, actor: Actor, ticketId: string): Promise<string> {
  assertCanManagePcs(actor);
  const t = await queue.findTicket(ctx.db, ticketId);
  if (!t) throw new NotFoundError('That ticket is no longer on the list.');
  return t.branch;
}
