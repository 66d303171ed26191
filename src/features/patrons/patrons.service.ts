// Patron accounts as staff handle them: registration, look-up, viewing (always logged with a
// purpose, A6), edits, card renewal, blocks, PIN resets and closing. SQL lives in the repository.
import type { Transaction } from 'kysely';
import { addMs, DAY, iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { DB } from '../../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { hashSecret } from '../../auth/passwords.ts';
import { accountKey, attemptSucceeded } from '../../auth/throttle.ts';
import { canReadAccessLog, canRegisterPatrons, canViewPatron, type Actor } from '../staff/staff.policy.ts';
import { findStaffByUsername } from '../staff/staff.repository.ts';
import { findAccessLog, logPatronAccess } from './access-log.repository.ts';
import type { AccessLogEntry, AccessPurpose } from './access-log.ts';
import { cardNumberProblem, generateCardNumber } from './card-numbers.ts';
import { startOfDayIso, toPatron, type Patron } from './patron.ts';
import { generateOneTimePin, pinProblem } from './pins.ts';
import * as repo from './patrons.repository.ts';
import type {
  AccessLogQuery,
  BlockInput,
  LookupInput,
  RegisterPatronValues,
  UpdatePatronValues,
} from './patrons.schemas.ts';
import { pluralForm } from '../../plural.ts';

const FIX = 'Please correct the marked fields.';

function ensure(actor: Actor, allowed: (a: Actor) => boolean): void {
  if (!allowed(actor))
    throw new ForbiddenError('Your staff roles do not allow this. Ask an administrator if you need it.');
}

/** Writes the access-log entry for a staff action (A6); the command line (system) is not a staff view. */
async function logAccess(
  db: Transaction<DB> | AppContext['db'],
  ctx: AppContext,
  actor: Actor,
  patronId: string,
  purpose: AccessPurpose,
): Promise<void> {
  if (actor.kind !== 'staff') return;
  await logPatronAccess(db, { staffId: actor.id, patronId, purpose, at: iso(ctx.clock.now()) });
}

export interface RegisteredPatron {
  patron: Patron;
  /** The generated one-time PIN, shown once; null when staff typed the patron's own PIN. */
  oneTimePin: string | null;
}

/**
 * Registers a patron with only what circulation needs (A1); a generated PIN must be changed at first
 * sign-in. The values are checked by registerPatronSchema at the edge; the card number's format and
 * the PIN's strength, which depend on each other and the configuration, are checked here.
 */
export async function registerPatron(
  ctx: AppContext,
  actor: Actor,
  data: RegisterPatronValues,
): Promise<RegisteredPatron> {
  ensure(actor, canRegisterPatrons);
  const library = ctx.config.library;
  const format = library.circulation.cardNumbers;
  if (data.cardNumber !== undefined) {
    const problem = cardNumberProblem(data.cardNumber, format);
    if (problem) throw new ValidationError(FIX, { cardNumber: problem });
  }
  if (data.pin !== undefined) {
    const problem = pinProblem(data.pin, data.cardNumber);
    if (problem) throw new ValidationError(FIX, { pin: problem });
  }
  const oneTimePin = data.pin === undefined ? generateOneTimePin() : null;
  const pinHash = await hashSecret(data.pin ?? oneTimePin!);
  const now = ctx.clock.now();
  const id = newId();
  const taken = (card: string) =>
    new ValidationError(FIX, { cardNumber: `Card number ${card} already belongs to another patron.` });
  try {
    await insertNewPatron();
  } catch (err) {
    // Two desks registering the same scanned card at once: the unique index decides.
    if (data.cardNumber !== undefined && !(err instanceof ValidationError))
      if (await repo.findPatronByCard(ctx.db, data.cardNumber)) throw taken(data.cardNumber);
    throw err;
  }
  return { patron: toPatron((await repo.findPatronById(ctx.db, id))!), oneTimePin };

  async function insertNewPatron() {
    await ctx.db.transaction().execute(async (trx) => {
      let card = data.cardNumber;
      if (card !== undefined) {
        if (await repo.findPatronByCard(trx, card)) throw taken(card);
      } else {
        do card = generateCardNumber(format);
        while (await repo.findPatronByCard(trx, card));
      }
      await repo.insertPatron(trx, {
        id,
        card_number: card,
        name: data.name,
        home_branch: data.homeBranch,
        email: data.email ?? null,
        phone: data.phone ?? null,
        age_band: data.ageBand ?? null,
        pin_hash: pinHash,
        pin_must_change: oneTimePin === null ? 0 : 1,
        card_expires_at: iso(addMs(now, library.circulation.cardValidityDays * DAY)),
        block_reason: null,
        blocked_at: null,
        keep_history: 0,
        open_loans: 0,
        created_at: iso(now),
        updated_at: iso(now),
        notice_email: 1,
        notice_titles: 0,
        email_undeliverable_at: null,
        announcements_consent_at: null,
      });
      await logAccess(trx, ctx, actor, id, 'registration');
    });
  }
}

export interface PatronMatch {
  id: string;
  cardNumber: string;
  name: string;
  homeBranch: string;
}

/**
 * Finds patrons by exact card number or by name (starts with or contains; at most 20). The list
 * shows no account details; opening one record is what gets logged.
 */
export async function findPatrons(
  ctx: AppContext,
  actor: Actor,
  q: LookupInput,
): Promise<{ purpose: AccessPurpose; matches: PatronMatch[]; byCard: boolean }> {
  ensure(actor, canViewPatron);
  const rows = q.cardNumber
    ? [await repo.findPatronByCard(ctx.db, q.cardNumber)].filter((r) => r !== undefined)
    : await repo.findPatronsByName(ctx.db, q.name!, 20);
  return {
    purpose: q.purpose,
    byCard: Boolean(q.cardNumber),
    matches: rows.map((r) => ({
      id: r.id,
      cardNumber: r.card_number,
      name: r.name,
      homeBranch: r.home_branch,
    })),
  };
}

async function loadPatron(ctx: AppContext, id: string): Promise<repo.PatronRow> {
  const row = await repo.findPatronById(ctx.db, id);
  if (!row) throw new NotFoundError('There is no such patron account. It may have been closed.');
  return row;
}

/** Opens a patron record for a staff member, writing the access-log entry first (A6). Account details only (C3). */
export async function viewPatron(
  ctx: AppContext,
  actor: Actor,
  id: string,
  purpose: AccessPurpose,
): Promise<Patron> {
  ensure(actor, canViewPatron);
  const row = await loadPatron(ctx, id);
  await logAccess(ctx.db, ctx, actor, id, purpose);
  return toPatron(row);
}

/** Changes name, home branch, contact details or age band. */
export async function updatePatronDetails(
  ctx: AppContext,
  actor: Actor,
  id: string,
  data: UpdatePatronValues,
): Promise<void> {
  ensure(actor, canRegisterPatrons);
  const before = await loadPatron(ctx, id);
  const email = data.email ?? null;
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePatron(trx, id, {
      name: data.name,
      home_branch: data.homeBranch,
      email,
      // A changed (corrected) address gets a fresh chance; an unchanged one stays flagged.
      email_undeliverable_at: email === before.email ? before.email_undeliverable_at : null,
      phone: data.phone ?? null,
      age_band: data.ageBand ?? null,
      updated_at: iso(ctx.clock.now()),
    });
    await logAccess(trx, ctx, actor, id, 'registration');
  });
}

/** Renews the card for the configured validity, counted from today. */
export async function renewCard(ctx: AppContext, actor: Actor, id: string): Promise<string> {
  ensure(actor, canRegisterPatrons);
  await loadPatron(ctx, id);
  const now = ctx.clock.now();
  const expires = iso(addMs(now, ctx.config.library.circulation.cardValidityDays * DAY));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePatron(trx, id, { card_expires_at: expires, updated_at: iso(now) });
    await logAccess(trx, ctx, actor, id, 'card-renewal');
  });
  return expires;
}

/** Blocks borrowing with a reason the patron sees; the patron can still sign in and see the account. */
export async function blockPatron(
  ctx: AppContext,
  actor: Actor,
  id: string,
  { reason }: BlockInput,
): Promise<void> {
  ensure(actor, canRegisterPatrons);
  await loadPatron(ctx, id);
  const now = iso(ctx.clock.now());
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePatron(trx, id, { block_reason: reason, blocked_at: now, updated_at: now });
    await logAccess(trx, ctx, actor, id, 'block');
  });
}

export async function unblockPatron(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  ensure(actor, canRegisterPatrons);
  await loadPatron(ctx, id);
  const now = iso(ctx.clock.now());
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePatron(trx, id, { block_reason: null, blocked_at: null, updated_at: now });
    await logAccess(trx, ctx, actor, id, 'block');
  });
}

/**
 * After checking the patron's ID (the form's resetPinSchema insists on the tick): a new one-time
 * PIN, shown once, to be changed at next sign-in. Every session of the patron ends.
 */
export async function resetPin(ctx: AppContext, actor: Actor, id: string): Promise<string> {
  ensure(actor, canRegisterPatrons);
  const patron = await loadPatron(ctx, id);
  const pin = generateOneTimePin();
  const pinHash = await hashSecret(pin);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePatron(trx, id, {
      pin_hash: pinHash,
      pin_must_change: 1,
      updated_at: iso(ctx.clock.now()),
    });
    await repo.deletePatronSessionsOf(trx, id);
    await logAccess(trx, ctx, actor, id, 'pin-reset');
  });
  // Staff have checked who the patron is: guesses from elsewhere no longer hold the card back (A3).
  await attemptSucceeded(ctx.db, ctx.database.ops, [
    accountKey(ctx.config.secret, 'patron', patron.card_number),
  ]);
  return pin;
}

const stillOut = (n: number) =>
  `${n} ${pluralForm(n, 'item is', 'items are')} still checked out. The account can be closed once everything is returned.`;

/**
 * Deletes an account and everything attached to it (holds, sessions, reading history) when nothing
 * is out; the deleted values are then compacted out of the database files too.
 */
export async function deletePatronAccount(
  ctx: AppContext,
  id: string,
  onDelete?: (trx: Transaction<DB>) => Promise<void>,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.findPatronById(trx, id);
    if (!row) throw new NotFoundError('There is no such patron account. It may have been closed.');
    const out = Math.max(Number(row.open_loans), await repo.countLoansOf(trx, id));
    if (out > 0) throw new ConflictError(stillOut(out));
    if (onDelete) await onDelete(trx);
    if (!(await repo.deletePatronWithoutLoans(trx, id))) throw new ConflictError(stillOut(1));
  });
  await ctx.database.ops.compactAfterPurge(ctx.db, [
    'patrons',
    'patron_sessions',
    'holds',
    'reading_history',
  ]);
}

/** Closes an account at the patron's request, at the desk. */
export async function closePatronAccount(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  ensure(actor, canRegisterPatrons);
  await deletePatronAccount(ctx, id, (trx) => logAccess(trx, ctx, actor, id, 'closure'));
}

export const ACCESS_LOG_PAGE = 50;

/** The access-log filter as a link may carry it: the patron by id, never by card number. */
export interface AccessLogLinkFilter {
  patron?: string;
  staff?: string;
  from?: string;
  to?: string;
}

/**
 * Checks a posted access-log filter and resolves its card number to the patron's id, so that the
 * page and its paging links can carry the filter without a card number (issue 12 item 1, G4).
 * Null when no patron has that card (then no entry can match).
 */
export async function resolveAccessLogFilter(
  ctx: AppContext,
  actor: Actor,
  q: AccessLogQuery,
): Promise<AccessLogLinkFilter | null> {
  if (!canReadAccessLog(actor))
    throw new ForbiddenError('Only the privacy officer can read the staff access log.');
  let patron = q.patron;
  if (q.cardNumber) {
    patron = (await repo.findPatronByCard(ctx.db, q.cardNumber))?.id;
    if (!patron) return null;
  }
  return {
    ...(patron && { patron }),
    ...(q.staff && { staff: q.staff }),
    ...(q.from && { from: q.from }),
    ...(q.to && { to: q.to }),
  };
}

/**
 * One page of the staff access log (A6), filtered by card number or patron id, staff user name and
 * dates; with the filtered patron's card number, for the form to show.
 */
export async function readAccessLog(
  ctx: AppContext,
  actor: Actor,
  q: AccessLogQuery,
): Promise<{ entries: AccessLogEntry[]; hasMore: boolean; page: number; cardNumber?: string }> {
  if (!canReadAccessLog(actor))
    throw new ForbiddenError('Only the privacy officer can read the staff access log.');
  const tz = ctx.config.library.timezone;
  const none = { entries: [], hasMore: false, page: q.page };
  let patronId: string | undefined;
  let cardNumber: string | undefined;
  if (q.cardNumber) {
    patronId = (await repo.findPatronByCard(ctx.db, q.cardNumber))?.id;
    if (!patronId) return none;
    cardNumber = q.cardNumber;
  } else if (q.patron) {
    patronId = q.patron;
    cardNumber = (await repo.findPatronById(ctx.db, q.patron))?.card_number;
  }
  let staffId: string | undefined;
  if (q.staff) {
    staffId = (await findStaffByUsername(ctx.db, q.staff))?.id;
    if (!staffId) return { ...none, ...(cardNumber && { cardNumber }) };
  }
  const nextDay = (d: string) => new Date(Date.parse(`${d}T12:00:00.000Z`) + DAY).toISOString().slice(0, 10);
  const res = await findAccessLog(
    ctx.db,
    {
      ...(patronId && { patronId }),
      ...(staffId && { staffId }),
      ...(q.from && { fromIso: startOfDayIso(q.from, tz) }),
      ...(q.to && { toIso: startOfDayIso(nextDay(q.to), tz) }),
    },
    { limit: ACCESS_LOG_PAGE, offset: (q.page - 1) * ACCESS_LOG_PAGE },
  );
  return { ...res, page: q.page, ...(cardNumber && { cardNumber }) };
}
