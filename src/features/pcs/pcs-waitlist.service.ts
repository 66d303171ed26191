// The waiting list (P2): anonymous tickets ("B-17") per group, a freed computer held for the first
// ticket for the group's hold_minutes, then the ticket is skipped and the next one called; staff
// call, skip, remove and release. A served ticket leaves only its wait time, without the ticket.
import { addMs, iso, MINUTE } from '../../clock.ts';
import type { Actor } from '../../auth/actors.ts';
import type { AppContext } from '../../context.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { checkCard, refuse, today, type Refused } from './pcs.common.ts';
import { claimCodeFor, sameText } from './pcs.keys.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';
import { cardKeyFor } from './pcs.common.ts';
import { localHour, onlineSince } from './pcs.rules.ts';

export interface Ticket {
  ok: true;
  ticketId: string;
  /** What the patron sees and the board shows, e.g. "B-17". */
  ticket: string;
  /** 1 = next. */
  position: number;
}

/** Joins a group's waiting list; with a card (verified once) the card holds at most one ticket. */
export async function joinWaitlist(
  ctx: AppContext,
  input: { groupId: string; card?: { cardNumber: string; pin: string } },
): Promise<Ticket | Refused> {
  const group = await repo.findGroup(ctx.db, input.groupId);
  if (!group) throw new NotFoundError('There is no such group of computers.');
  const day = today(ctx);
  let cardKey: string | null = null;
  if (input.card) {
    const c = await checkCard(ctx, input.card.cardNumber, input.card.pin);
    if (!c.ok) return refuse(ctx, { branch: group.branch, groupId: group.id }, c.reason, c.message);
    cardKey = await cardKeyFor(ctx, ctx.db, day, c.patron.cardNumber);
    const held = await queue.findTicketByCardKey(ctx.db, cardKey);
    if (held)
      return { ok: true, ticketId: held.id, ticket: held.ticket, position: await positionOf(ctx, held) };
  }
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const n = await queue.nextTicketNumber(trx, day, group.branch);
    const r = {
      id: newId(now.getTime()),
      branch: group.branch,
      group_id: group.id,
      day,
      ticket: `${group.ticket_prefix}-${n}`,
      number: n,
      card_key: cardKey,
      joined_at: iso(now),
      called_station_id: null,
      called_at: null,
      hold_until: null,
    };
    await queue.insertTicket(trx, r);
    return r;
  });
  // A computer may be free already (e.g. everyone left while this ticket was taken).
  await offerFreeStations(ctx, group.id);
  const fresh = await queue.findTicket(ctx.db, row.id);
  return {
    ok: true,
    ticketId: row.id,
    ticket: row.ticket,
    position: fresh ? await positionOf(ctx, fresh) : 0,
  };
}

async function positionOf(ctx: AppContext, t: queue.PcTicketRow): Promise<number> {
  const all = await queue.findGroupTickets(ctx.db, t.group_id);
  return all.findIndex((x) => x.id === t.id) + 1;
}

export interface TicketStatus {
  ticket: string;
  position: number;
  /** For a ticket taken without a card: the 4 digits that claim the computer it is called to. */
  claimCode: string | null;
  /** The computer's name when the ticket is called, with the time the hold ends. */
  calledTo: { stationName: string; holdUntil: string | null } | null;
}

/** Where a ticket stands; undefined when it is gone (served, skipped, removed or the day ended). */
export async function ticketStatus(ctx: AppContext, ticketId: string): Promise<TicketStatus | undefined> {
  const t = await queue.findTicket(ctx.db, ticketId);
  if (!t) return undefined;
  const station = t.called_station_id ? await repo.findStation(ctx.db, t.called_station_id) : undefined;
  return {
    ticket: t.ticket,
    position: await positionOf(ctx, t),
    claimCode: t.card_key === null ? claimCodeFor(ctx.config.secret, t.id) : null,
    calledTo: station ? { stationName: station.name, holdUntil: t.hold_until } : null,
  };
}

/** The board of a branch: tickets in order and the computer each is called to; never who. */
export async function waitlistBoard(
  ctx: AppContext,
  branch: string,
): Promise<Array<{ ticketId: string; ticket: string; groupId: string; stationName: string | null }>> {
  const tickets = await queue.findBranchTickets(ctx.db, branch);
  const names = new Map((await repo.findStations(ctx.db, branch)).map((s) => [s.id, s.name]));
  return tickets.map((t) => ({
    ticketId: t.id,
    ticket: t.ticket,
    groupId: t.group_id,
    stationName: t.called_station_id ? (names.get(t.called_station_id) ?? null) : null,
  }));
}

/** The free computers of a group now: in service, online (seen lately), nobody on it, not held. */
export const freeStations = (ctx: AppContext, groupId: string) =>
  repo.findFreeStations(ctx.db, groupId, onlineSince(ctx.clock.now()));

/** Calls the first waiting tickets of a group to its free reservable computers; returns how many. */
export async function offerFreeStations(ctx: AppContext, groupId: string): Promise<number> {
  const group = await repo.findGroup(ctx.db, groupId);
  if (!group) return 0;
  const free = await freeStations(ctx, groupId);
  if (!free.length) return 0;
  const waiting = (await queue.findGroupTickets(ctx.db, groupId)).filter((t) => t.called_station_id === null);
  const now = ctx.clock.now();
  let n = 0;
  for (const [i, station] of free.entries()) {
    const t = waiting[i];
    if (!t) break;
    await queue.updateTicket(ctx.db, t.id, {
      called_station_id: station.id,
      called_at: iso(now),
      hold_until: iso(addMs(now, group.hold_minutes * MINUTE)),
    });
    n++;
  }
  return n;
}

/** Skips every ticket whose hold ran out and offers its computer to the next; returns how many. */
export async function expireHolds(ctx: AppContext): Promise<number> {
  const expired = await queue.findExpiredHolds(ctx.db, iso(ctx.clock.now()));
  for (const t of expired) await queue.deleteTicket(ctx.db, t.id);
  for (const g of new Set(expired.map((t) => t.group_id))) await offerFreeStations(ctx, g);
  return expired.length;
}

/** The ticket holding a computer, if any (its hold counts until the periodic check skips it). */
export const holdOn = (ctx: AppContext, db: repo.Db, stationId: string) =>
  queue.findTicketForStation(db, stationId);

/** A ticket is served at a login: its wait is kept anonymously (day, hour, branch, group, seconds). */
export async function serveTicket(ctx: AppContext, db: repo.Db, t: queue.PcTicketRow): Promise<void> {
  const now = ctx.clock.now();
  const tz = ctx.config.library.timezone;
  await queue.insertWait(db, {
    id: newId(now.getTime()),
    day: t.day,
    hour: localHour(new Date(t.joined_at), tz),
    branch: t.branch,
    group_id: t.group_id,
    seconds: Math.max(0, Math.round((now.getTime() - Date.parse(t.joined_at)) / 1000)),
  });
  await queue.deleteTicket(db, t.id);
}

async function staffTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<queue.PcTicketRow> {
  assertCanManagePcs(actor);
  const t = await queue.findTicket(ctx.db, ticketId);
  if (!t) throw new NotFoundError('That ticket is no longer on the list.');
  return t;
}

/** Staff call a ticket now to a free computer of its group (or the one named). */
export async function callTicket(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  stationId?: string,
): Promise<string> {
  const t = await staffTicket(ctx, actor, ticketId);
  const group = await repo.findGroup(ctx.db, t.group_id);
  const free = (await freeStations(ctx, t.group_id)).filter((s) => !stationId || s.id === stationId);
  const station = free[0];
  if (!group || !station) throw new ConflictError('No computer of that group is free.');
  const now = ctx.clock.now();
  if (t.called_station_id) await queue.updateTicket(ctx.db, t.id, { called_station_id: null });
  await queue.updateTicket(ctx.db, t.id, {
    called_station_id: station.id,
    called_at: iso(now),
    hold_until: iso(addMs(now, group.hold_minutes * MINUTE)),
    is_released: 0,
    is_claimed: 0,
  });
  return station.name;
}

/** Staff skip a ticket (the patron is not there): it leaves the list and its computer goes to the next. */
export async function skipTicket(ctx: AppContext, actor: Actor, ticketId: string): Promise<void> {
  const t = await staffTicket(ctx, actor, ticketId);
  await queue.deleteTicket(ctx.db, t.id);
  await offerFreeStations(ctx, t.group_id);
}

/** Staff remove a ticket (asked to leave the list); same effect as a skip. */
export const removeTicket = skipTicket;

/**
 * At the computer a card-less ticket is called to, its number and claim code confirm it there:
 * the next sign-in at that computer while the hold lasts serves it. Returns the ticket, or
 * undefined (wrong code, another computer, a card's ticket, or the hold ran out).
 */
export async function claimHold(
  ctx: AppContext,
  stationId: string,
  ticket: string,
  code: string,
): Promise<string | undefined> {
  const held = await holdOn(ctx, ctx.db, stationId);
  if (!held || held.card_key !== null || held.ticket !== ticket.trim().toUpperCase()) return undefined;
  if (held.hold_until !== null && held.hold_until <= iso(ctx.clock.now())) return undefined;
  if (!sameText(code.trim(), claimCodeFor(ctx.config.secret, held.id))) return undefined;
  await queue.updateTicket(ctx.db, held.id, { is_claimed: 1 });
  return held.ticket;
}

/** Staff release a held computer: the next login there, whoever it is, serves the called ticket. */
export async function releaseHold(ctx: AppContext, actor: Actor, stationId: string): Promise<void> {
  assertCanManagePcs(actor);
  const t = await queue.findTicketForStation(ctx.db, stationId);
  if (!t) throw new NotFoundError('That computer is not held for a ticket.');
  await queue.updateTicket(ctx.db, t.id, { is_released: 1 });
}
