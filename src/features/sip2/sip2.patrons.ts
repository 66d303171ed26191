// SIP2 patron messages (issue 14 item 8): 23 Patron Status, 63 Patron Information and 35 End
// Patron Session, and the patron look-up the circulation messages share. A known patron looked
// up by a machine is written to the patron access log under the machine's account, purpose
// `sip2` (A6). A PIN (AD) is checked with one argon2id verification and throttled per card like
// web sign-ins (A3); an unknown card is checked against the dummy hash, so it takes as long.
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { verifySecret } from '../../auth/passwords.ts';
import { attemptSucceeded, reserveAttempt, signInKeys } from '../../auth/throttle.ts';
import { TooManyRequestsError } from '../../errors.ts';
import type { SipMessageOf } from '../../sip2/spec.ts';
import { formatPatronStatus, parseSummary, type PatronStatusFlag } from '../../sip2/status.ts';
import { findLoansOfPatron } from '../circulation/circulation.repository.ts';
import { findHoldsOfPatron } from '../circulation/holds.repository.ts';
import { logPatronAccess } from '../patrons/access-log.repository.ts';
import { borrowingBlock } from '../patrons/patrons.policy.ts';
import { findPatronByCard, type PatronRow } from '../patrons/patrons.repository.ts';
import type { Sip2Session } from './sip2.session.ts';

/** The patron a request names, and what its PIN said (undefined: no AD sent). */
export interface Looked {
  patron: PatronRow | undefined;
  pinOk: boolean | undefined;
}

/** Finds the patron by card (AA) and checks the PIN (AD) when sent. */
export async function lookUpPatron(
  ctx: AppContext,
  session: Sip2Session,
  card: string,
  pin: string | undefined,
): Promise<Looked> {
  const trimmed = card.trim();
  const patron = trimmed ? await findPatronByCard(ctx.db, trimmed) : undefined;
  if (pin === undefined) return { patron, pinOk: undefined };
  // The machine is the source: its many patrons must not lock each other out, so only the card
  // from this machine and the card over all sources are counted.
  const keys = signInKeys(ctx.config.secret, 'patron', trimmed, session.address);
  try {
    await reserveAttempt(ctx.db, ctx.database.ops, [keys.pair, keys.account], ctx.clock.now(), ctx.logger);
  } catch (e) {
    if (e instanceof TooManyRequestsError) return { patron, pinOk: false };
    throw e;
  }
  const ok = await verifySecret(patron?.pin_hash ?? null, pin);
  if (patron && ok) await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.account]);
  return { patron, pinOk: patron !== undefined && ok };
}

/** Writes the machine's look-up of a known patron to the access log (A6). */
async function logLookUp(ctx: AppContext, session: Sip2Session, patron: PatronRow): Promise<void> {
  await logPatronAccess(ctx.db, {
    staffId: `sip2:${session.account.id}`,
    patronId: patron.id,
    purpose: 'sip2',
    at: iso(ctx.clock.now()),
  });
}

/** The 14-character patron status: blocks and expiry deny privileges; the loan limit is flagged. */
export function patronStatusOf(ctx: AppContext, patron: PatronRow | undefined): string {
  if (!patron)
    return formatPatronStatus([
      'chargePrivilegesDenied',
      'renewalPrivilegesDenied',
      'recallPrivilegesDenied',
      'holdPrivilegesDenied',
    ]);
  const flags: PatronStatusFlag[] = [];
  if (borrowingBlock(patron, iso(ctx.clock.now())))
    flags.push(
      'chargePrivilegesDenied',
      'renewalPrivilegesDenied',
      'recallPrivilegesDenied',
      'holdPrivilegesDenied',
    );
  if (patron.open_loans >= ctx.config.library.circulation.maxLoansPerPatron)
    flags.push('chargePrivilegesDenied', 'tooManyItemsCharged');
  return formatPatronStatus(flags);
}

const validity = (looked: Looked) => ({
  validPatron: looked.patron !== undefined,
  ...(looked.pinOk !== undefined ? { validPatronPassword: looked.pinOk } : {}),
});

/** 23 → 24. */
export async function patronStatus(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'23'>,
): Promise<SipMessageOf<'24'>> {
  const looked = await lookUpPatron(ctx, session, req.patronIdentifier, req.patronPassword);
  const { patron } = looked;
  if (patron) await logLookUp(ctx, session, patron);
  const block = patron ? borrowingBlock(patron, iso(ctx.clock.now())) : null;
  return {
    code: '24',
    patronStatus: patronStatusOf(ctx, patron),
    language: req.language,
    transactionDate: session.now(),
    institutionId: req.institutionId,
    patronIdentifier: req.patronIdentifier,
    personalName: patron && looked.pinOk !== false ? patron.name : '',
    ...validity(looked),
    ...(block && looked.pinOk !== false ? { screenMessage: [block] } : {}),
  };
}

/** A 1-based BP/BQ range of a list (the whole list when not given). */
function range<T>(list: T[], start: string | undefined, end: string | undefined): T[] {
  const from = Math.max(1, Number.parseInt(start ?? '', 10) || 1);
  const to = Number.parseInt(end ?? '', 10) || list.length;
  return list.slice(from - 1, Math.max(from - 1, to));
}

/** 63 → 64: counts, limits, and the one item list the summary asks for. */
export async function patronInformation(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'63'>,
): Promise<SipMessageOf<'64'>> {
  const looked = await lookUpPatron(ctx, session, req.patronIdentifier, req.patronPassword);
  const base: SipMessageOf<'64'> = {
    code: '64',
    patronStatus: patronStatusOf(ctx, looked.patron),
    language: req.language,
    transactionDate: session.now(),
    holdItemsCount: 0,
    overdueItemsCount: 0,
    chargedItemsCount: 0,
    fineItemsCount: 0,
    recallItemsCount: 0,
    unavailableHoldsCount: 0,
    institutionId: req.institutionId,
    patronIdentifier: req.patronIdentifier,
    personalName: '',
    ...validity(looked),
  };
  const { patron } = looked;
  // Unknown card, or a wrong PIN: nothing about the account is told.
  if (!patron || looked.pinOk === false) return base;
  await logLookUp(ctx, session, patron);
  const nowIso = iso(ctx.clock.now());
  const loans = await findLoansOfPatron(ctx.db, patron.id);
  const holds = await findHoldsOfPatron(ctx.db, patron.id);
  const overdue = loans.filter((l) => l.dueAt < nowIso);
  const ready = holds.filter((h) => h.status === 'ready');
  const waiting = holds.filter((h) => h.status !== 'ready');
  const policy = ctx.config.library.circulation;
  const lists: Record<string, string[]> = {
    holdItems: ready.map((h) => h.title),
    overdueItems: overdue.map((l) => l.barcode),
    chargedItems: loans.map((l) => l.barcode),
    unavailableHoldItems: waiting.map((h) => h.title),
  };
  const asked = parseSummary(req.summary);
  const list = asked && lists[asked] ? { [asked]: range(lists[asked], req.startItem, req.endItem) } : {};
  const block = borrowingBlock(patron, nowIso);
  return {
    ...base,
    holdItemsCount: ready.length,
    overdueItemsCount: overdue.length,
    chargedItemsCount: loans.length,
    unavailableHoldsCount: waiting.length,
    personalName: patron.name,
    // The age band as the patron category (PC), for PC-booking systems (issue 14 item 9).
    ...(patron.age_band ? { patronCategory: patron.age_band } : {}),
    holdItemsLimit: String(policy.maxHoldsPerPatron),
    chargedItemsLimit: String(policy.maxLoansPerPatron),
    ...list,
    ...(block ? { screenMessage: [block] } : {}),
  };
}

/** 35 → 36: Carrel keeps no SIP2 patron session, so ending one always succeeds. */
export function endPatronSession(session: Sip2Session, req: SipMessageOf<'35'>): SipMessageOf<'36'> {
  return {
    code: '36',
    endSession: true,
    transactionDate: session.now(),
    institutionId: req.institutionId,
    patronIdentifier: req.patronIdentifier,
  };
}
