// The Libki kiosk client's actions on top of the public-computer services (issue 14 item 2): which
// station is asking, card + PIN or guest pass, throttled guesses, the waiting list when the group
// is full. Credentials live only in this request's memory (P3).
import { TooManyRequestsError } from '../../errors.ts';
import { attemptSucceeded, reserveAttempt, signInKeys, type ThrottleKey } from '../../auth/throttle.ts';
import type { AppContext } from '../../context.ts';
import { normalizeCardNumber } from '../patrons/card-numbers.ts';
import { today, type PcCredentials } from './pcs.common.ts';
import type { LibkiRequest } from './libki.query.ts';
import { libkiCode, type LoginOutcome } from './libki.presenter.ts';
import * as repo from './pcs.repository.ts';
import { logout, pollSession, startSession, type PollResult } from './pcs.service.ts';
import { identifyStation } from './pcs-stations.service.ts';
import { claimHold, freeStations, holdOn, joinWaitlist } from './pcs-waitlist.service.ts';

/** A printed guest pass as typed, e.g. "K7DP-9XQ2-MH4T" (the PIN field is ignored). */
const PASS = /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/;

/** A waiting-list ticket typed as the card number, e.g. "I-17" (card numbers are digits only). */
const TICKET = /^[A-Za-z]-\d{1,6}$/;

/** What the user name and password fields hold: a guest pass, or a card and its PIN. */
export function credentialsOf(r: LibkiRequest): PcCredentials {
  const name = r.username.trim();
  return PASS.test(name) ? { kind: 'pass', code: name } : { kind: 'card', cardNumber: name, pin: r.password };
}

/** The station by its key (header) or its approved name; undefined for an unknown one. */
export async function libkiStation(
  ctx: AppContext,
  r: LibkiRequest,
  stationKey: string | undefined,
): Promise<repo.PcStationRow | undefined> {
  // An unknown branch code is an unknown station, not an error (the client would show the URL).
  if (!ctx.config.library.branches.some((b) => b.code === r.location) || !r.node) return undefined;
  const id = await identifyStation(ctx, {
    branch: r.location,
    name: r.node,
    ...(stationKey ? { stationKey } : {}),
  });
  return id.ok ? repo.findStation(ctx.db, id.stationId) : undefined;
}

/** register_node: whether the computer may take logins, and the ticket it is held for. */
export async function libkiRegister(ctx: AppContext, station: repo.PcStationRow | undefined) {
  if (!station) return { registered: false, online: false, reservedFor: '' };
  const held = await holdOn(ctx, ctx.db, station.id);
  return {
    registered: true,
    online: station.is_out_of_order === 0,
    reservedFor: held && held.is_released !== 1 ? held.ticket : '',
  };
}

/**
 * The patron sign-in throttle (A3) with the station as the source, so one station cannot guess
 * many cards; the card's own counter is the one the website's sign-in uses, so guesses here and
 * there add up (and reach the staff alert).
 */
function throttleKeys(ctx: AppContext, stationId: string, cred: PcCredentials) {
  const account = cred.kind === 'card' ? normalizeCardNumber(cred.cardNumber) : 'guest-pass';
  const k = signInKeys(ctx.config.secret, 'patron', account, `station:${stationId}`);
  // A pass code (~59.5 bits) needs no per-account counter; the station's still slows a guesser.
  const clear: ThrottleKey[] = cred.kind === 'card' ? [k.pair] : [];
  const giveBack: ThrottleKey[] = cred.kind === 'card' ? [k.source, k.account] : [k.source];
  return { all: [...clear, ...giveBack], clear, giveBack };
}

/** login: a session, or the code the client shows; a full group puts the card on the waiting list. */
export async function libkiLogin(
  ctx: AppContext,
  station: repo.PcStationRow | undefined,
  r: LibkiRequest,
): Promise<LoginOutcome> {
  if (!station) return { ok: false, code: 'INVALID_CLIENT' };
  if (TICKET.test(r.username.trim())) return libkiClaim(ctx, station, r.username, r.password);
  const credentials = credentialsOf(r);
  const keys = throttleKeys(ctx, station.id, credentials);
  try {
    await reserveAttempt(ctx.db, ctx.database.ops, keys.all, ctx.clock.now(), ctx.logger);
  } catch (err) {
    if (err instanceof TooManyRequestsError) return { ok: false, code: 'TOO_MANY_ATTEMPTS' };
    throw err;
  }
  const started = await startSession(ctx, { stationId: station.id, credentials });
  // Only a wrong card or PIN (or pass) keeps its reservation as a failure.
  if (started.ok || started.reason !== 'BAD_LOGIN')
    await attemptSucceeded(ctx.db, ctx.database.ops, keys.clear, keys.giveBack);
  if (started.ok) return { ok: true, minutesLeft: started.minutesLeft };
  if (started.reason === 'RESERVED' && credentials.kind === 'card' && station.group_id) {
    const free = await freeStations(ctx, station.group_id);
    if (free.length === 0) {
      const t = await joinWaitlist(ctx, { groupId: station.group_id, card: credentials });
      if (t.ok) return { ok: false, waiting: t.ticket };
    }
  }
  // A short text from the library system is shown as is ("Login Failed: …").
  return { ok: false, code: started.message ?? libkiCode(started.reason) };
}

/**
 * Ticket number in the card field and its claim code in the PIN field, at the computer a card-less
 * ticket is called to: confirms it there (the next sign-in serves it). Wrong codes are throttled as
 * card guesses are: per station, per ticket, and per both.
 */
async function libkiClaim(
  ctx: AppContext,
  station: repo.PcStationRow,
  typed: string,
  code: string,
): Promise<LoginOutcome> {
  const ticket = typed.trim().toUpperCase();
  const k = signInKeys(
    ctx.config.secret,
    'patron',
    `ticket:${today(ctx)}:${ticket}`,
    `station:${station.id}`,
  );
  try {
    await reserveAttempt(
      ctx.db,
      ctx.database.ops,
      [k.pair, k.source, k.account],
      ctx.clock.now(),
      ctx.logger,
    );
  } catch (err) {
    if (err instanceof TooManyRequestsError) return { ok: false, code: 'TOO_MANY_ATTEMPTS' };
    throw err;
  }
  if (!(await claimHold(ctx, station.id, ticket, code)))
    return {
      ok: false,
      text: `Ticket ${ticket}: wrong code, or not called to this computer. Your ticket page names the computer and the code.`,
    };
  await attemptSucceeded(ctx.db, ctx.database.ops, [k.pair], [k.source, k.account]);
  return {
    ok: false,
    text: `Ticket ${ticket} confirmed. Now sign in with your card and PIN, or a guest pass.`,
  };
}

/** get_user_data: the session's state for the poll (no argon2 once verified in this process). */
export async function libkiPoll(
  ctx: AppContext,
  station: repo.PcStationRow | undefined,
  r: LibkiRequest,
): Promise<PollResult> {
  if (!station) return { status: 'ended', kicked: false };
  return pollSession(ctx, { stationId: station.id, credentials: credentialsOf(r) });
}

/** logout: ends the session when the credentials are the session's. */
export async function libkiLogout(
  ctx: AppContext,
  station: repo.PcStationRow | undefined,
  r: LibkiRequest,
): Promise<void> {
  if (station) await logout(ctx, { stationId: station.id, credentials: credentialsOf(r) });
}
