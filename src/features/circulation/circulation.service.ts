// Circulation: check-out, check-in, renewal, lost items and current loans (the desk's patron:
// desk.service.ts; reading history: reading-history.service.ts; statistics: stats.service.ts).
// Every operation is one transaction that changes the loan, the item, the patron's open-loan
// counter and the patron-free count together (C1, C2): a check-in that fails leaves nothing half
// done, and a check-in that succeeds leaves no link between the patron and the item.
import type { Kysely } from 'kysely';
import { endOfLocalDay, iso, localDay } from '../../clock.ts';
import type { DB } from '../../db/schema.ts';
import type { AppContext } from '../../context.ts';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { formatDate } from '../../http/form-parts.tsx';
import { newId } from '../../ids.ts';
import { executeWrites, type Write } from '../../db/writes.ts';
import type { AccessPurpose } from '../patrons/access-log.ts';
import { patronAccessWrite } from '../patrons/access-log.repository.ts';
import { borrowingBlock } from '../patrons/patrons.policy.ts';
import type { DeskActor } from '../../auth/actors.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canOverrideLoanRules, loanRuleFor } from './circulation.policy.ts';
import * as repo from './circulation.repository.ts';
import type { CheckInValues, CheckOutValues, MarkLostValues } from './circulation.schemas.ts';
import type { CheckinResult, Who } from './circulation.types.ts';
import { trapForHold } from './holds.service.ts';
import { plural } from '../../plural.ts';
import { requireDesk } from './desk.service.ts';
import * as holdsRepo from './holds.repository.ts';

export type { CheckinResult, Who };

/** A loan rule stands in the way; staff with an override role may proceed with a reason. */
export class LoanRuleError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'loan_rule';
  constructor(
    message: string,
    /** Which rule, e.g. "blocked", "loan_limit", "type_limit", "age_band", "renewal_limit", "no_gain". */
    readonly rule: string,
    readonly overridable: boolean,
  ) {
    super(message);
  }
}

/** A check-out: the checked form or body (checkOutSchema) and who it is for. */
export interface CheckoutInput extends CheckOutValues {
  /** The patron, by id (the desk page has opened them already) or by card number (the API). */
  patronId?: string | undefined;
  cardNumber?: string | undefined;
  /**
   * Write this staff view of the patron to the access log in the check-out's own transaction (the
   * API, where no desk page was opened first): one commit instead of two.
   */
  logAccess?: AccessPurpose;
}

export interface CheckoutResult {
  loanId: string;
  title: string;
  barcode: string;
  dueAt: string;
  /** The copy was waiting on the hold shelf for this patron; the hold is now gone (C4). */
  pickedUpHold: boolean;
  overridden: string[];
}

export async function checkOut(
  ctx: AppContext,
  actor: DeskActor,
  input: CheckoutInput,
): Promise<CheckoutResult> {
  requireDesk(actor);
  const { branch, barcode } = input;
  const reason = input.overrideReason ?? '';
  const policy = ctx.config.library.circulation;
  const tz = ctx.config.library.timezone;
  const ops = ctx.database.ops;
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const nowIso = iso(now);
    const card = input.cardNumber?.trim();
    const who = card ? { cardNumber: card } : input.patronId ? { patronId: input.patronId } : null;
    // Patron and copy, both locked, in one round trip on PostgreSQL.
    const { patron, item, loansOfType } = who
      ? await repo.lockPatronAndItem(trx, ops, who, barcode)
      : { patron: undefined, item: undefined, loansOfType: undefined };
    if (!patron)
      throw new NotFoundError(
        card ? 'No patron has that card number.' : 'That patron account does not exist.',
      );
    if (!item) throw new NotFoundError(`No item has the barcode ${barcode}.`);
    // The writes go together at the end, in one statement on PostgreSQL (db/writes.ts); all of them
    // are undone if a check below fails.
    const writes: Write[] = [];
    if (input.logAccess && actor.kind === 'staff')
      writes.push(
        patronAccessWrite({ staffId: actor.id, patronId: patron.id, purpose: input.logAccess, at: nowIso }),
      );

    let pickedUpHold = false;
    const shelfHold =
      item.status === 'on_hold_shelf' ? await holdsRepo.findHoldByTrappedItem(trx, item.id) : undefined;
    if (item.status === 'on_loan') {
      const loan = await repo.findLoanByItem(trx, item.id);
      // One refusal, one message: the summary and the field say the same thing (issue 12 item 16).
      const why =
        loan?.patron_id === patron.id
          ? 'This patron already has this item checked out. Renew it instead.'
          : 'This item is checked out to someone else. Check it in first.';
      throw new ValidationError(why, { barcode: why });
    }
    if (item.status === 'on_hold_shelf') {
      if (shelfHold && shelfHold.patron_id !== patron.id) {
        const why = 'This item is on the hold shelf for another patron.';
        throw new ValidationError(why, { barcode: why });
      }
      pickedUpHold = shelfHold !== undefined;
    } else if (item.status !== 'available') {
      const why: Record<string, string> = {
        in_transit: 'This item is in transit. Check it in first.',
        lost: 'This item is marked lost. Check it in first to make it available again.',
        damaged: 'This item is marked damaged. Check it in first if it can circulate again.',
        missing: 'This item is marked missing. Check it in first to make it available again.',
      };
      throw new ValidationError(why[item.status] ?? 'This item cannot be checked out.', {
        barcode: why[item.status] ?? 'This item cannot be checked out.',
      });
    }

    // Rules that staff with an override role may pass with a reason.
    const rule = loanRuleFor(policy, item.material_type, branch);
    const problems: Array<{ rule: string; message: string }> = [];
    const block = borrowingBlock(patron, nowIso);
    if (block) problems.push({ rule: 'blocked', message: block });
    if (patron.open_loans >= policy.maxLoansPerPatron)
      problems.push({
        rule: 'loan_limit',
        message: `This patron has ${plural(patron.open_loans, 'item')} out; the limit is ${policy.maxLoansPerPatron}.`,
      });
    if (rule.maxItems !== undefined) {
      const n = loansOfType ?? (await repo.countLoansOfPatronByType(trx, patron.id, item.material_type));
      if (n >= rule.maxItems)
        problems.push({
          rule: 'type_limit',
          message: `The limit for ${item.material_type} is ${rule.maxItems} at a time; this patron has ${n}.`,
        });
    }
    if (rule.ageBands && !(patron.age_band && rule.ageBands.includes(patron.age_band)))
      problems.push({
        rule: 'age_band',
        message: `${item.material_type} lends only to ${rule.ageBands.join(', ')} card holders.`,
      });
    const overridden: string[] = [];
    if (problems.length) {
      const may = canOverrideLoanRules(actor, policy);
      if (!may || !reason)
        throw new LoanRuleError(
          problems.map((p) => p.message).join(' ') +
            (may ? ' To lend anyway, give a reason for the override.' : ''),
          problems[0]!.rule,
          may,
        );
      for (const p of problems) {
        overridden.push(p.rule);
        await repo.insertOverride(trx, {
          id: newId(now.getTime()),
          staffId: actor.kind === 'staff' ? actor.id : 'system',
          branchCode: branch,
          rule: p.rule,
          reason,
          createdAt: nowIso,
        });
      }
    }

    if (pickedUpHold && shelfHold) writes.push(holdsRepo.deleteHoldWrite(shelfHold.id));
    const loanId = newId(now.getTime());
    const dueAt = iso(endOfLocalDay(now, tz, rule.loanDays));
    const day = localDay(now, tz);
    writes.push(
      repo.insertLoanWrite({
        id: loanId,
        item_id: item.id,
        patron_id: patron.id,
        branch_code: branch,
        checked_out_at: nowIso,
        due_at: dueAt,
        renewals: 0,
        due_soon_notice_at: null,
        overdue_notice_at: null,
      }),
      repo.itemStatusWrite(item.id, 'on_loan', null, nowIso),
      repo.openLoansWrite(patron.id, 1, nowIso),
    );
    // Counted last (see checkIn): the shared counter rows are locked only briefly.
    const counted = { day, branchCode: branch, materialType: item.material_type } as const;
    if (pickedUpHold) writes.push(repo.countWrite({ ...counted, action: 'hold_picked_up' }));
    writes.push(repo.countWrite({ ...counted, action: 'checkout' }));
    // The transaction's last statement: on PostgreSQL its COMMIT travels with it (db/pg-driver.ts).
    await executeWrites(trx, ops, writes, { commit: true });
    return { loanId, title: item.title, barcode: item.barcode, dueAt, pickedUpHold, overridden };
  });
}

/**
 * Checks a copy in at a branch. The loan row is deleted (C1) and counted (C2); reading history is
 * written only for patrons who opted in (C3). The copy then goes to the next hold it can fill
 * (trapped), back home in transit, or to the shelf.
 */
export async function checkIn(
  ctx: AppContext,
  actor: DeskActor,
  input: CheckInValues,
): Promise<CheckinResult> {
  requireDesk(actor);
  const { branch, barcode } = input;
  const tz = ctx.config.library.timezone;
  const ops = ctx.database.ops;
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const nowIso = iso(now);
    // The copy, locked, with its loan: one round trip. The writes are gathered and sent together
    // (db/writes.ts) unless the copy is caught for a hold, where they go first.
    const localFirst = localFirstBranch(ctx, branch);
    const found = await repo.findItemForCheckin(trx, ops, barcode, { nowIso, localBranch: localFirst });
    if (!found) throw new NotFoundError(`No item has the barcode ${barcode}.`);
    const {
      loan_id: loanId,
      loan_patron_id: borrower,
      loan_keep_history: keepHistory,
      next_hold: nextHold,
      ...item
    } = found;
    const day = localDay(now, tz);
    const writes: Write[] = [];
    if (loanId && borrower) {
      writes.push(repo.deleteLoanWrite(loanId), repo.openLoansWrite(borrower, -1, nowIso));
      if (keepHistory === 1)
        writes.push(
          repo.historyWrite({
            id: newId(now.getTime()),
            patronId: borrower,
            bibId: item.bib_id,
            returnedOn: day,
          }),
        );
    }
    const wasOnLoan = loanId !== null && borrower !== null;
    const base = { title: item.title, barcode: item.barcode, wasOnLoan };
    const route = await routeCheckedIn(ctx, trx, item, branch, now, input.damaged === true, writes, nextHold);
    // Counted last: on PostgreSQL the day's counter row is shared by every desk, so its row lock
    // is taken as late, and held as briefly, as possible.
    if (wasOnLoan)
      writes.push(
        repo.countWrite({ day, branchCode: branch, materialType: item.material_type, action: 'checkin' }),
      );
    await executeWrites(trx, ops, writes, { commit: true });
    return { ...base, route };
  });
}

/** The branch whose own patrons' holds come first for a copy checked in there, if it is such a branch. */
const localFirstBranch = (ctx: AppContext, branch: string): string | null =>
  ctx.config.library.circulation.localFirstBranches.includes(branch) ? branch : null;

/** Where a checked-in copy goes: set aside if damaged, to its hold, home in transit, or the shelf. */
async function routeCheckedIn(
  ctx: AppContext,
  trx: Kysely<DB>,
  item: repo.ItemRow,
  branch: string,
  now: Date,
  damaged: boolean,
  /** The check-in's writes so far: the common routes add theirs; the others send them first. */
  writes: Write[],
  /** The next hold in line when the caller read it already (null: none); undefined: look it up. */
  nextHold: holdsRepo.HoldRow | null | undefined,
): Promise<CheckinResult['route']> {
  const nowIso = iso(now);
  const day = localDay(now, ctx.config.library.timezone);
  const ops = ctx.database.ops;
  const flush = () => executeWrites(trx, ops, writes.splice(0));
  // Only a copy in transit or on the hold shelf can have been caught for a hold.
  const mayBeTrapped = item.status === 'in_transit' || item.status === 'on_hold_shelf';
  if (damaged) {
    await flush();
    // A damaged copy leaves any hold it was caught for; the hold goes back in line.
    const trappedHold = mayBeTrapped ? await holdsRepo.findHoldByTrappedItem(trx, item.id) : undefined;
    if (trappedHold)
      await holdsRepo.updateHold(trx, trappedHold.id, {
        status: 'waiting',
        trapped_item_id: null,
        trapped_at: null,
        shelf_expires_at: null,
        pickup_code: null,
      });
    await repo.updateItemStatus(trx, item.id, 'damaged', null, nowIso);
    await repo.incrementCount(trx, {
      day,
      branchCode: branch,
      materialType: item.material_type,
      action: 'damaged',
    });
    return { to: 'damaged' };
  }
  // A copy already caught for a hold (arriving in transit, or scanned again on the shelf).
  const trapped = mayBeTrapped ? await holdsRepo.findHoldByTrappedItem(trx, item.id) : undefined;
  if (trapped) {
    await flush();
    if (trapped.pickup_branch !== branch) {
      await repo.updateItemStatus(trx, item.id, 'in_transit', trapped.pickup_branch, nowIso);
      return { to: 'transit', branch: trapped.pickup_branch, forHold: true };
    }
    return trapForHold(ctx, trx, trapped, item, branch, now, { countTrap: false });
  }
  const localFirst = localFirstBranch(ctx, branch);
  const next =
    nextHold !== undefined
      ? (nextHold ?? undefined)
      : await holdsRepo.findNextHoldForItem(trx, ops, item, { nowIso, localBranch: localFirst });
  if (next) {
    await flush();
    return trapForHold(ctx, trx, next, item, branch, now, { countTrap: true });
  }
  if (item.branch_code !== branch) {
    writes.push(repo.itemStatusWrite(item.id, 'in_transit', item.branch_code, nowIso));
    return { to: 'transit', branch: item.branch_code, forHold: false };
  }
  writes.push(repo.itemStatusWrite(item.id, 'available', null, nowIso));
  return { to: 'shelf' };
}

/**
 * Renews a loan for the patron (own loans only) or for staff at the desk. Refused (LoanRuleError)
 * when the patron is blocked, the renewals are used up, someone waits for the title, or the
 * renewal would not move the due date later ("no_gain", nothing is used up).
 */
export async function renewLoan(
  ctx: AppContext,
  who: Who,
  loanId: string,
): Promise<{ dueAt: string; renewalsLeft: number }> {
  if (who.kind === 'staff') requireDesk(who.actor);
  const policy = ctx.config.library.circulation;
  const tz = ctx.config.library.timezone;
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const nowIso = iso(now);
    const loan = await repo.findLoanById(trx, loanId);
    if (!loan || (who.kind === 'patron' && loan.patron_id !== who.patron.id))
      throw new NotFoundError('That loan does not exist (it may have been returned).');
    const patron = await repo.lockPatron(trx, ctx.database.ops, loan.patron_id);
    const item = await repo.findItemById(trx, loan.item_id);
    if (!patron || !item) throw new NotFoundError('That loan does not exist (it may have been returned).');
    const block = borrowingBlock(patron, nowIso);
    if (block) throw new LoanRuleError(block, 'blocked', false);
    const rule = loanRuleFor(policy, item.material_type, loan.branch_code);
    if (loan.renewals >= rule.renewals)
      throw new LoanRuleError(
        rule.renewals === 0
          ? `${item.material_type} cannot be renewed.`
          : `This item has been renewed ${plural(loan.renewals, 'time')}, the most allowed.`,
        'renewal_limit',
        false,
      );
    const waiting = await holdsRepo.findNextHoldForItem(trx, ctx.database.ops, item, {
      nowIso,
      localBranch: null,
    });
    if (waiting)
      throw new LoanRuleError(
        'Someone is waiting for this title, so it cannot be renewed. Please return it by the due date.',
        'hold_waiting',
        false,
      );
    const newDue = iso(endOfLocalDay(now, tz, rule.loanDays));
    // A renewal that would not move the due date later gains nothing: refuse it rather than say
    // "Renewed" and use one up (issue 12 item 13).
    if (newDue <= loan.due_at)
      throw new LoanRuleError(
        `This item is already due on ${formatDate(loan.due_at, tz)}, as late as a renewal today would make it. Nothing was changed; try again nearer the due date.`,
        'no_gain',
        false,
      );
    await repo.updateLoanDue(trx, loan.id, newDue, loan.renewals + 1);
    await repo.incrementCount(trx, {
      day: localDay(now, tz),
      branchCode: loan.branch_code,
      materialType: item.material_type,
      action: 'renew',
    });
    return { dueAt: newDue, renewalsLeft: rule.renewals - loan.renewals - 1 };
  });
}

/** Marks a copy lost. A loan on it ends here (C1): no fines, no lingering link to the patron. */
export async function markLost(
  ctx: AppContext,
  actor: Actor,
  input: MarkLostValues,
): Promise<{ title: string; wasOnLoan: boolean }> {
  requireDesk(actor);
  const { branch, barcode } = input;
  const tz = ctx.config.library.timezone;
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const nowIso = iso(now);
    const item = await repo.findItemByBarcodeForUpdate(trx, ctx.database.ops, barcode);
    if (!item) throw new NotFoundError(`No item has the barcode ${barcode}.`);
    const loan = await repo.findLoanByItem(trx, item.id);
    if (loan) {
      await repo.deleteLoan(trx, loan.id);
      await repo.adjustOpenLoans(trx, loan.patron_id, -1, nowIso);
    }
    const trapped = await holdsRepo.findHoldByTrappedItem(trx, item.id);
    if (trapped)
      await holdsRepo.updateHold(trx, trapped.id, {
        status: 'waiting',
        trapped_item_id: null,
        trapped_at: null,
        shelf_expires_at: null,
        pickup_code: null,
      });
    await repo.updateItemStatus(trx, item.id, 'lost', null, nowIso);
    await repo.incrementCount(trx, {
      day: localDay(now, tz),
      branchCode: branch,
      materialType: item.material_type,
      action: 'lost',
    });
    return { title: item.title, wasOnLoan: loan !== undefined };
  });
}

/** Current loans of a patron: their own (patron) or at the desk (staff; never past loans, C3). */
export async function getLoans(ctx: AppContext, who: Who, patronId: string): Promise<repo.LoanListing[]> {
  if (who.kind === 'staff') requireDesk(who.actor);
  else if (who.patron.id !== patronId) throw new ForbiddenError('You can only see your own loans.');
  return repo.findLoansOfPatron(ctx.db, patronId);
}
