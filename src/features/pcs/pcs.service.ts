// Sessions on public computers (P1–P3): a login grants min(session length, allowance left today,
// time to closing) + staff minutes; the card is known only by its day key; minutes really used
// are added to the day's usage when the session ends. A poll costs no argon2 verification once
// this process has verified the session's card and PIN (see PollCache).
import { addMs, iso, MINUTE } from '../../clock.ts';
import type { Actor } from '../../auth/actors.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { normalizeCardNumber } from '../patrons/card-numbers.ts';
import {
  branchOf,
  cardKeyFor,
  checkCard,
  dayKey,
  refuse,
  today,
  type PcCredentials,
  type Refused,
} from './pcs.common.ts';
import { dayHmac, newToken, normalizePassCode, pollCache, sha256 } from './pcs.keys.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';
import { ageBandAllowed, grantMinutes, localHour, minutesUntilClose, minutesUsed } from './pcs.rules.ts';
import { holdOn, offerFreeStations, serveTicket } from './pcs-waitlist.service.ts';

export interface Started {
  ok: true;
  sessionId: string;
  /** Random; only its SHA-256 is stored. For a client API that can carry it. */
  token: string;
  minutesLeft: number;
  closesAt: string;
}

/** When a session ends: its minutes, staff minutes and closing time, whichever comes first. */
export function sessionEnd(s: repo.PcSessionRow): Date {
  const byTime = addMs(new Date(s.started_at), (s.minutes_granted + Number(s.staff_minutes)) * MINUTE);
  const closes = new Date(s.closes_at);
  return byTime < closes ? byTime : closes;
}

/** Whole minutes left (rounded up: 30 s left shows as 1). */
export const minutesLeft = (s: repo.PcSessionRow, now: Date): number =>
  Math.max(0, Math.ceil((sessionEnd(s).getTime() - now.getTime()) / MINUTE));

/**
 * Signs in at a station. Refusals are counted per reason (never who). A computer held for a called
 * ticket accepts only that ticket's card, or anyone once staff released it or the holder of a
 * card-less ticket confirmed it there with its claim code (the ticket number alone is on the
 * board for all to see, so it proves nothing).
 */
export async function startSession(
  ctx: AppContext,
  input: { stationId: string; credentials: PcCredentials },
): Promise<Started | Refused> {
  const station = await repo.findStation(ctx.db, input.stationId);
  if (!station) throw new NotFoundError('There is no such computer.');
  const where = { branch: station.branch, groupId: station.group_id };
  // Not counted: a computer waiting for approval is listed as such (and asks every 10 s).
  if (!station.is_approved || !station.group_id) return { ok: false, reason: 'STATION_NOT_APPROVED' };
  if (station.is_out_of_order) return refuse(ctx, where, 'OUT_OF_ORDER');
  if (await repo.findSessionByStation(ctx.db, station.id)) return refuse(ctx, where, 'STATION_BUSY');
  const group = await repo.findGroup(ctx.db, station.group_id);
  if (!group) return refuse(ctx, where, 'STATION_NOT_APPROVED');
  const now = ctx.clock.now();
  const tz = ctx.config.library.timezone;
  const open = minutesUntilClose(branchOf(ctx, station.branch), now, tz);
  if (open.minutes < 1 || !open.closesAt) return refuse(ctx, where, 'CLOSED');
  const day = today(ctx);

  let cardKey: string | null = null;
  let ageBand: string | null = null;
  let pass: queue.PcPassRow | undefined;
  let allowanceLeft: number;
  let sessionMinutes = group.session_minutes;
  if (input.credentials.kind === 'card') {
    const c = await checkCard(ctx, input.credentials.cardNumber, input.credentials.pin);
    if (!c.ok) return refuse(ctx, where, c.reason, c.message);
    ageBand = c.patron.ageBand;
    cardKey = await cardKeyFor(ctx, ctx.db, day, c.patron.cardNumber);
    allowanceLeft = group.daily_minutes - (await repo.findUsageMinutes(ctx.db, day, cardKey));
  } else {
    const codeHash = dayHmac(await dayKey(ctx, ctx.db, day), normalizePassCode(input.credentials.code));
    pass = await queue.findPassByHash(ctx.db, codeHash);
    if (!pass || pass.used_at !== null || pass.branch !== station.branch || pass.day !== day)
      return refuse(ctx, where, 'BAD_LOGIN');
    allowanceLeft = pass.minutes;
    sessionMinutes = pass.minutes;
  }
  if (!ageBandAllowed(group.age_bands, ageBand) || !ageBandAllowed(station.age_bands, ageBand))
    return refuse(ctx, where, 'AGE_BAND');
  if (cardKey && (await repo.findSessionByCardKey(ctx.db, cardKey)))
    return refuse(ctx, where, 'ALREADY_IN_USE');
  const held = await holdOn(ctx, ctx.db, station.id);
  if (held) {
    const mine =
      held.is_released === 1 ||
      held.is_claimed === 1 ||
      (held.card_key !== null && held.card_key === cardKey);
    if (!mine) return refuse(ctx, where, 'RESERVED');
  }
  if (allowanceLeft <= 0) return refuse(ctx, where, 'NO_TIME');
  const granted = grantMinutes(sessionMinutes, allowanceLeft, open.minutes);

  const token = newToken();
  const sessionId = newId(now.getTime());
  const inserted = await ctx.db.transaction().execute(async (trx) => {
    if (pass && (await queue.markPassUsed(trx, pass.id, iso(now))) === 0) return false;
    if (held) await serveTicket(ctx, trx, held);
    await repo.updateStation(trx, station.id, { is_kicked: 0 });
    // A card's own ticket for this group is served by any computer of the group.
    if (!held && cardKey) {
      const own = await queue.findTicketByCardKey(trx, cardKey);
      if (own && own.group_id === group.id) await serveTicket(ctx, trx, own);
    }
    await repo.insertSession(trx, {
      id: sessionId,
      station_id: station.id,
      branch: station.branch,
      group_id: group.id,
      day,
      token_hash: sha256(token),
      card_key: cardKey,
      pass_id: pass?.id ?? null,
      age_band: ageBand,
      started_at: iso(now),
      minutes_granted: granted,
      closes_at: iso(open.closesAt!),
      message: null,
    });
    if (pass)
      await queue.addStats(trx, {
        day,
        hour: localHour(now, tz),
        branch: station.branch,
        group_id: group.id,
        passes_used: 1,
      });
    return true;
  });
  if (!inserted) return refuse(ctx, where, 'BAD_LOGIN');
  if (input.credentials.kind === 'card')
    pollCache.set(sessionId, normalizeCardNumber(input.credentials.cardNumber), input.credentials.pin);
  else pollCache.set(sessionId, normalizePassCode(input.credentials.code), '');
  const s = await repo.findSession(ctx.db, sessionId);
  return {
    ok: true,
    sessionId,
    token,
    minutesLeft: s ? minutesLeft(s, now) : granted,
    closesAt: iso(open.closesAt),
  };
}

export type PollResult =
  | {
      status: 'active';
      sessionId: string;
      minutesLeft: number;
      closesAt: string;
      message: string | null;
      /** A closing-time warning due now (once each): the branch closes in about this many minutes. */
      closingWarning: 15 | 5 | null;
    }
  /** `kicked`: staff ended the session (told once); `timeUp`: this poll found its time up. */
  | { status: 'ended'; kicked: boolean; timeUp?: boolean }
  | { status: 'refused'; reason: 'BAD_LOGIN' };

/** Closing-time warnings: shown once each, this many minutes before closing. */
const CLOSING_WARNINGS = [
  { level: 2, minutes: 5 },
  { level: 1, minutes: 15 },
] as const;

/**
 * The client's poll (every 10 s, with the same card and PIN): settles the session (extends or
 * ends it when its time is up), delivers a pending staff message once, and says what is left.
 */
export async function pollSession(
  ctx: AppContext,
  input: { stationId: string; credentials: PcCredentials },
): Promise<PollResult> {
  const now = ctx.clock.now();
  // The station's last_seen_at is kept by identifyStation, which every client request goes through.
  const s = await repo.findSessionByStation(ctx.db, input.stationId);
  if (!s) return { status: 'ended', kicked: await repo.clearKicked(ctx.db, input.stationId) };
  const same = await sameCredentials(ctx, s, input.credentials);
  if (same === 'orphaned') {
    await finishSession(ctx, s, now);
    return { status: 'ended', kicked: false };
  }
  if (!same) return { status: 'refused', reason: 'BAD_LOGIN' };
  const live = await settleSession(ctx, s);
  if (!live) return { status: 'ended', kicked: false, timeUp: true };
  let message: string | null = null;
  if (live.message !== null && (await repo.clearSessionMessage(ctx.db, live.id, live.message)) === 1)
    message = live.message;
  const toClose = Math.ceil((Date.parse(live.closes_at) - now.getTime()) / MINUTE);
  let closingWarning: 15 | 5 | null = null;
  const due = CLOSING_WARNINGS.find((w) => toClose <= w.minutes && live.closing_warnings < w.level);
  if (due && (await repo.markClosingWarning(ctx.db, live.id, due.level))) closingWarning = due.minutes;
  return {
    status: 'active',
    sessionId: live.id,
    minutesLeft: minutesLeft(live, now),
    closesAt: live.closes_at,
    message,
    closingWarning,
  };
}

/**
 * Cached digest when this process has one; otherwise one verification, then cached.
 * 'orphaned': a card session that lost its card key at the day's rollover, polled on a process
 * that never verified it: nothing can tell whether this is the same card, so it must end.
 */
async function sameCredentials(
  ctx: AppContext,
  s: repo.PcSessionRow,
  cred: PcCredentials,
): Promise<boolean | 'orphaned'> {
  const [id, secret] =
    cred.kind === 'card'
      ? [normalizeCardNumber(cred.cardNumber), cred.pin]
      : [normalizePassCode(cred.code), ''];
  const cached = pollCache.matches(s.id, id, secret);
  const lostKey = s.pass_id === null && s.card_key === null;
  if (cached === true && lostKey && cred.kind === 'card') {
    // Verified here before the rollover: re-key the card under today's key (no argon2 needed).
    const day = today(ctx);
    await repo.updateSession(ctx.db, s.id, { day, card_key: await cardKeyFor(ctx, ctx.db, day, id) });
    return true;
  }
  if (cached !== undefined) return cached;
  if (lostKey) return 'orphaned';
  let ok: boolean;
  if (cred.kind === 'card') {
    const c = await checkCard(ctx, cred.cardNumber, cred.pin);
    ok = c.ok && s.card_key === (await cardKeyFor(ctx, ctx.db, s.day, c.patron.cardNumber));
  } else {
    const key = await repo.findDayKey(ctx.db, s.day);
    const pass = key ? await queue.findPassByHash(ctx.db, dayHmac(key, id)) : undefined;
    ok = pass !== undefined && pass.id === s.pass_id;
  }
  if (ok) pollCache.set(s.id, id, secret);
  return ok;
}

/**
 * A session whose time is up is extended by up to one more session length when nobody waits for
 * its group, the card has allowance left and the branch is not closing; otherwise it ends.
 * Returns the live session, or undefined when it ended.
 */
export async function settleSession(
  ctx: AppContext,
  s: repo.PcSessionRow,
): Promise<repo.PcSessionRow | undefined> {
  const now = ctx.clock.now();
  const end = sessionEnd(s);
  if (now < end) return s;
  const group = await repo.findGroup(ctx.db, s.group_id);
  const untilClose = Math.floor((Date.parse(s.closes_at) - end.getTime()) / MINUTE);
  if (
    group &&
    s.card_key !== null &&
    untilClose >= 1 &&
    (await queue.countGroupTickets(ctx.db, group.id)) === 0
  ) {
    const used =
      (await repo.findUsageMinutes(ctx.db, s.day, s.card_key)) + minutesUsed(new Date(s.started_at), end);
    const extra = grantMinutes(group.session_minutes, group.daily_minutes - used, untilClose);
    if (extra > 0) {
      await repo.updateSession(ctx.db, s.id, { minutes_granted: s.minutes_granted + extra });
      const extended = { ...s, minutes_granted: s.minutes_granted + extra };
      if (now < sessionEnd(extended)) return extended;
    }
  }
  await finishSession(ctx, s, end < now ? end : now);
  return undefined;
}

/** Ends a session: real minutes to the day's usage and the hour's statistics, then the row goes. */
async function finishSession(ctx: AppContext, s: repo.PcSessionRow, endedAt: Date): Promise<void> {
  const minutes = minutesUsed(new Date(s.started_at), endedAt);
  const tz = ctx.config.library.timezone;
  const done = await ctx.db.transaction().execute(async (trx) => {
    if ((await repo.deleteSession(trx, s.id)) === 0) return false; // another process ended it
    if (s.card_key) await repo.addUsageMinutes(trx, s.day, s.card_key, minutes);
    await queue.addStats(trx, {
      day: s.day,
      hour: localHour(new Date(s.started_at), tz),
      branch: s.branch,
      group_id: s.group_id,
      ...(s.pass_id ? { guest_sessions: 1 } : { sessions: 1 }),
      minutes_used: minutes,
    });
    return true;
  });
  pollCache.delete(s.id);
  if (done) await offerFreeStations(ctx, s.group_id);
}

/** The client signs out (same credentials as the session's). */
export async function logout(
  ctx: AppContext,
  input: { stationId: string; credentials: PcCredentials },
): Promise<boolean> {
  const s = await repo.findSessionByStation(ctx.db, input.stationId);
  if (!s) return false;
  // An orphaned session (see sameCredentials) ends too: the client is leaving it anyway.
  if (!(await sameCredentials(ctx, s, input.credentials))) return false;
  await finishSession(ctx, s, ctx.clock.now());
  return true;
}

/** Periodic check (every minute): settles every session whose time is up. Returns how many ended. */
export async function settleAllSessions(ctx: AppContext): Promise<number> {
  let ended = 0;
  for (const s of await repo.findSessions(ctx.db)) if (!(await settleSession(ctx, s))) ended++;
  return ended;
}

async function staffSession(ctx: AppContext, actor: Actor, sessionId: string): Promise<repo.PcSessionRow> {
  assertCanManagePcs(actor);
  const s = await repo.findSession(ctx.db, sessionId);
  if (!s) throw new NotFoundError('That session has ended.');
  return s;
}

/** Staff add minutes to a session (closing time still ends it). */
export async function addMinutes(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  minutes: number,
): Promise<number> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 480)
    throw new ValidationError('Add between 1 and 480 minutes.', { minutes: 'Between 1 and 480.' });
  const s = await staffSession(ctx, actor, sessionId);
  const staff = Number(s.staff_minutes) + minutes;
  await repo.updateSession(ctx.db, s.id, { staff_minutes: staff });
  return minutesLeft({ ...s, staff_minutes: staff }, ctx.clock.now());
}

/** Staff send a message, shown once by the client at its next poll. */
export async function sendMessage(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  text: string,
): Promise<void> {
  const message = text.trim();
  if (!message || message.length > 500)
    throw new ValidationError('Write a message of up to 500 characters.', {
      message: 'Up to 500 characters.',
    });
  const s = await staffSession(ctx, actor, sessionId);
  await repo.updateSession(ctx.db, s.id, { message });
}

/** Staff end a session now. */
export async function endSession(ctx: AppContext, actor: Actor, sessionId: string): Promise<void> {
  const s = await staffSession(ctx, actor, sessionId);
  await finishSession(ctx, s, ctx.clock.now());
  // The client is told "Kicked" at its next poll (once).
  await repo.updateStation(ctx.db, s.station_id, { is_kicked: 1 });
}
