// Holds: placing, queue position, suspending, cancelling, catching a copy at check-in, the hold
// shelf and its expiry. A hold is deleted at pickup, cancellation or expiry, leaving only counts
// (C4); the hold shelf shows a pickup code, never a name next to a title.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { endOfLocalDay, iso, localDay, startOfLocalDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { DB } from '../../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { holdRefusal, isHoldableCopy } from '../catalog/holdable.ts';
import { materialTypeForFormat, type FormatCode } from '../catalog/import/formats.ts';
import type { PatronActor } from '../patrons/patron-actor.ts';
import { noticeHoldEnded, noticeHoldReady } from '../notices/notices.service.ts';
import { borrowingBlock } from '../patrons/patrons.policy.ts';
import { findPatronById } from '../patrons/patrons.repository.ts';
import { canUseDesk } from './circulation.policy.ts';
import * as repo from './circulation.repository.ts';
import type { CheckinResult, Who } from './circulation.types.ts';
import { plural } from '../../plural.ts';
import * as holdsRepo from './holds.repository.ts';

// Letters and digits that cannot be mistaken for one another on a slip or read aloud.
const CODE_ALPHABET = 'ACDEFHJKMNPRTUVWXY3479';

async function newPickupCode(db: Kysely<DB>): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    let code = '';
    for (let i = 0; i < 5; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
    if (!(await holdsRepo.pickupCodeInUse(db, code))) return code;
  }
  throw new Error('could not find a free pickup code');
}

function patronIdOf(who: Who, patronId: string): string {
  if (who.kind === 'patron') {
    if (who.patron.id !== patronId) throw new ForbiddenError('You can only manage your own holds.');
  } else if (!canUseDesk(who.actor)) {
    throw new ForbiddenError('Only circulation staff and administrators manage holds for patrons.');
  }
  return patronId;
}

/**
 * Catches `item` for `hold` at `branch`: on the hold shelf when this is the pickup branch, else in
 * transit to it. Called inside the check-in transaction.
 */
export async function trapForHold(
  ctx: AppContext,
  trx: Kysely<DB>,
  hold: holdsRepo.HoldRow,
  item: repo.ItemRow,
  branch: string,
  now: Date,
  opts: { countTrap: boolean },
): Promise<CheckinResult['route']> {
  const nowIso = iso(now);
  const tz = ctx.config.library.timezone;
  if (opts.countTrap)
    await repo.incrementCount(trx, {
      day: localDay(now, tz),
      branchCode: branch,
      materialType: item.material_type,
      action: 'hold_trapped',
    });
  if (hold.pickup_branch !== branch) {
    await holdsRepo.updateHold(trx, hold.id, {
      status: 'in_transit',
      trapped_item_id: item.id,
      trapped_at: nowIso,
    });
    await repo.updateItemStatus(trx, item.id, 'in_transit', hold.pickup_branch, nowIso);
    return { to: 'transit', branch: hold.pickup_branch, forHold: true };
  }
  if (hold.status === 'ready' && hold.pickup_code && hold.shelf_expires_at) {
    // Scanned again while already on the shelf: nothing changes.
    return { to: 'hold_shelf', pickupCode: hold.pickup_code, shelfExpiresAt: hold.shelf_expires_at };
  }
  const pickupCode = await newPickupCode(trx);
  const shelfExpiresAt = iso(endOfLocalDay(now, tz, ctx.config.library.circulation.holdShelfDays));
  await holdsRepo.updateHold(trx, hold.id, {
    status: 'ready',
    trapped_item_id: item.id,
    trapped_at: hold.trapped_at ?? nowIso,
    shelf_expires_at: shelfExpiresAt,
    pickup_code: pickupCode,
    suspended_until: null,
  });
  // transit_to keeps the branch whose shelf holds it, so a cancelled hold's copy can be found.
  await repo.updateItemStatus(trx, item.id, 'on_hold_shelf', branch, nowIso);
  await noticeHoldReady(ctx, trx, hold, pickupCode, shelfExpiresAt);
  return { to: 'hold_shelf', pickupCode, shelfExpiresAt };
}

/**
 * The material type a hold event is counted under (C2), the same classification as check-outs and
 * check-ins (items.material_type): the asked-for or caught copy's type; for "any copy", the type
 * all the title's lendable copies share; failing that, the type the record's format gives new copies.
 * Never the record's format code itself: a DVD counted as "video" for holds and "dvd" for check-outs
 * split one title over two rows (issue 12 item 18).
 */
export function holdMaterialType(
  copy: Pick<repo.ItemRow, 'material_type'> | undefined,
  copies: ReadonlyArray<Pick<repo.ItemRow, 'material_type' | 'status'>>,
  format: string | undefined,
): string {
  if (copy) return copy.material_type;
  const lendable = new Set(
    copies.filter((i) => !['lost', 'missing', 'damaged'].includes(i.status)).map((i) => i.material_type),
  );
  if (lendable.size === 1) return [...lendable][0]!;
  return (format && materialTypeForFormat[format as FormatCode]) || 'unknown';
}

/** holdMaterialType for a stored hold: its caught or chosen copy, else its title's copies. */
async function materialTypeOfHold(trx: Kysely<DB>, hold: holdsRepo.HoldRow): Promise<string> {
  const copyId = hold.trapped_item_id ?? hold.item_id;
  const copy = copyId ? await repo.findItemById(trx, copyId) : undefined;
  if (copy) return copy.material_type;
  const bib = await holdsRepo.findRecordFormat(trx, hold.bib_id);
  return holdMaterialType(undefined, await repo.findItemsOfRecord(trx, hold.bib_id), bib?.format);
}

export interface PlaceHoldInput {
  patronId: string;
  bibId: string;
  /** A specific copy, by id; omitted (or empty) for any copy. */
  itemId?: string | undefined;
  /** Checked here against the library's branches: 'Choose where you will pick it up.' */
  pickupBranch: string;
}

export async function placeHold(
  ctx: AppContext,
  who: Who,
  input: PlaceHoldInput,
): Promise<{ holdId: string }> {
  const patronId = patronIdOf(who, input.patronId);
  const bibId = input.bibId;
  const itemId = input.itemId || null;
  const pickup = input.pickupBranch;
  const policy = ctx.config.library.circulation;
  if (!ctx.config.library.branches.some((b) => b.code === pickup))
    throw new ValidationError('Choose where you will pick it up.', {
      pickupBranch: 'Choose a pickup branch.',
    });
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const nowIso = iso(now);
    const patron = await repo.lockPatron(trx, ctx.database.ops, patronId);
    if (!patron) throw new NotFoundError('That patron account does not exist.');
    const bib = await holdsRepo.findRecordFormat(trx, bibId);
    if (!bib) throw new NotFoundError('That title is not in the catalog.');
    const block = borrowingBlock(patron, nowIso);
    if (block) throw new ValidationError(`${block} Holds cannot be placed until then.`);
    const items = await repo.findItemsOfRecord(trx, bib.id);
    const refusal = holdRefusal(items.map((i) => i.status));
    if (refusal) throw new ValidationError(refusal);
    if (itemId) {
      const chosen = items.find((i) => i.id === itemId);
      if (!chosen)
        throw new ValidationError('That copy does not belong to this title.', {
          itemId: 'Choose a copy of this title.',
        });
      if (!isHoldableCopy(chosen.status))
        throw new ValidationError('That copy is lost, missing or damaged; choose another or any copy.', {
          itemId: 'That copy cannot be requested.',
        });
    }
    if (await holdsRepo.patronHasHoldOnRecord(trx, patronId, bib.id))
      throw new ConflictError('There is already a hold on this title for this account.');
    if (await repo.patronHasLoanOfRecord(trx, patronId, bib.id))
      throw new ConflictError('This account has this title checked out already.');
    if ((await holdsRepo.countHoldsOfPatron(trx, patronId)) >= policy.maxHoldsPerPatron)
      throw new ValidationError(
        `An account can have at most ${plural(policy.maxHoldsPerPatron, 'hold')} at a time.`,
      );
    const holdId = newId(now.getTime());
    await holdsRepo.insertHold(trx, {
      id: holdId,
      patron_id: patronId,
      bib_id: bib.id,
      item_id: itemId,
      pickup_branch: pickup,
      placed_at: nowIso,
      status: 'waiting',
      suspended_until: null,
      trapped_item_id: null,
      trapped_at: null,
      shelf_expires_at: null,
      pickup_code: null,
    });
    await repo.incrementCount(trx, {
      day: localDay(now, ctx.config.library.timezone),
      branchCode: pickup,
      materialType: holdMaterialType(
        itemId ? items.find((i) => i.id === itemId) : undefined,
        items,
        bib.format,
      ),
      action: 'hold_placed',
    });
    return { holdId };
  });
}

/**
 * Places a hold from the desk by the barcode of any copy of the title: for the title, or for that
 * copy when `thisCopy` is set.
 */
export async function placeHoldByCopyBarcode(
  ctx: AppContext,
  who: Who,
  input: { patronId: string; barcode: string | undefined; thisCopy: boolean; pickupBranch: string },
): Promise<{ holdId: string }> {
  const barcode = (input.barcode ?? '').trim();
  const item = barcode ? await holdsRepo.findItemByBarcode(ctx.db, barcode) : undefined;
  if (!item)
    throw new ValidationError('Scan or type the barcode of a copy of the title.', {
      hold_item: barcode ? `No item has the barcode ${barcode}.` : 'Scan or type a barcode.',
    });
  return placeHold(ctx, who, {
    patronId: input.patronId,
    bibId: item.bib_id,
    itemId: input.thisCopy ? item.id : undefined,
    pickupBranch: input.pickupBranch,
  });
}

/** What the patron's "place a hold" form needs: the title, its copies, and the patron's home branch. */
export interface HoldForm {
  record: { id: string; title: string; author: string | null };
  /** Copies that may be asked for. */
  copies: Array<Pick<repo.ItemRow, 'id' | 'branch_code' | 'call_number' | 'status'>>;
  /** Why no hold can be placed on this title, or null. */
  refusal: string | null;
  homeBranch: string;
}

export async function getHoldForm(ctx: AppContext, patronId: string, recordId: string): Promise<HoldForm> {
  const patron = await findPatronById(ctx.db, patronId);
  if (!patron) throw new NotFoundError('Your account no longer exists.');
  const record = await holdsRepo.findRecordSummary(ctx.db, recordId);
  if (!record) throw new NotFoundError('That title is not in the catalog.');
  const items = await repo.findItemsOfRecord(ctx.db, record.id);
  return {
    record,
    copies: items
      .filter((i) => isHoldableCopy(i.status))
      .map((i) => ({ id: i.id, branch_code: i.branch_code, call_number: i.call_number, status: i.status })),
    refusal: holdRefusal(items.map((i) => i.status)),
    homeBranch: patron.home_branch,
  };
}

async function ownHold(
  ctx: AppContext,
  trx: Kysely<DB>,
  who: Who,
  holdId: string,
): Promise<holdsRepo.HoldRow> {
  const hold = await holdsRepo.findHoldForUpdate(trx, ctx.database.ops, holdId);
  if (!hold) throw new NotFoundError('That hold no longer exists.');
  patronIdOf(who, hold.patron_id);
  return hold;
}

/** Pauses a hold that is still waiting, until a date (or until resumed). It keeps its place. */
export async function suspendHold(
  ctx: AppContext,
  who: Who,
  holdId: string,
  /** A calendar day checked by suspendHoldForm; empty or undefined until resumed. */
  until: string | undefined,
): Promise<void> {
  let untilIso: string | null = null;
  if (until) {
    // Active again from the start of that day where the library is, and shown as that day
    // (issue 12 item 14).
    untilIso = iso(startOfLocalDay(until, ctx.config.library.timezone));
    if (untilIso <= iso(ctx.clock.now()))
      throw new ValidationError('Choose a date in the future.', { until: 'Choose a date in the future.' });
  }
  await ctx.db.transaction().execute(async (trx) => {
    const hold = await ownHold(ctx, trx, who, holdId);
    if (hold.trapped_item_id)
      throw new ConflictError('A copy has already been set aside for this hold, so it cannot be paused.');
    await holdsRepo.updateHold(trx, hold.id, { status: 'suspended', suspended_until: untilIso });
  });
}

export async function resumeHold(ctx: AppContext, who: Who, holdId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const hold = await ownHold(ctx, trx, who, holdId);
    if (hold.status !== 'suspended') return;
    await holdsRepo.updateHold(trx, hold.id, { status: 'waiting', suspended_until: null });
  });
}

/**
 * Cancels a hold: the row is deleted (C4). A copy already on the hold shelf stays there until staff
 * check it in again (it is listed under "to clear"), which sends it to the next hold or home.
 */
export async function cancelHold(ctx: AppContext, who: Who, holdId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const hold = await ownHold(ctx, trx, who, holdId);
    await holdsRepo.deleteHold(trx, hold.id);
    // The patron is told when staff cancel; a patron cancelling their own hold needs no e-mail.
    if (who.kind === 'staff') await noticeHoldEnded(ctx, trx, hold, 'cancelled');
    await repo.incrementCount(trx, {
      day: localDay(now, ctx.config.library.timezone),
      branchCode: hold.pickup_branch,
      materialType: await materialTypeOfHold(trx, hold),
      action: 'hold_cancelled',
    });
  });
}

/** Deletes holds whose shelf time ran out (C4), counting them; run hourly by the holds job. */
export async function expireShelfHolds(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.clock.now();
      const expired = await holdsRepo.findExpiredShelfHolds(trx, iso(now), 200);
      for (const h of expired) {
        await holdsRepo.deleteHold(trx, h.id);
        await noticeHoldEnded(ctx, trx, h, 'expired');
        await repo.incrementCount(trx, {
          day: localDay(now, ctx.config.library.timezone),
          branchCode: h.pickup_branch,
          materialType: await materialTypeOfHold(trx, h),
          action: 'hold_expired',
        });
      }
      return expired.length;
    });
    total += n;
    if (n < 200) return total;
  }
}

export async function getHolds(
  ctx: AppContext,
  who: Who,
  patronId: string,
): Promise<holdsRepo.HoldListing[]> {
  return holdsRepo.findHoldsOfPatron(ctx.db, patronIdOf(who, patronId));
}

export interface ShelfView {
  ready: Awaited<ReturnType<typeof holdsRepo.findHoldShelf>>;
  toClear: Awaited<ReturnType<typeof holdsRepo.findShelfItemsToClear>>;
  toPull: Awaited<ReturnType<typeof holdsRepo.findPullList>>;
}

/** The hold shelf, copies to clear from it, and copies to pull for holds, at a branch — no names. */
export async function getShelf(ctx: AppContext, actor: Who, branch: string): Promise<ShelfView> {
  if (actor.kind !== 'staff' || !canUseDesk(actor.actor))
    throw new ForbiddenError('Only circulation staff and administrators see the hold shelf.');
  const nowIso = iso(ctx.clock.now());
  return {
    ready: await holdsRepo.findHoldShelf(ctx.db, branch),
    toClear: await holdsRepo.findShelfItemsToClear(ctx.db, branch),
    toPull: await holdsRepo.findPullList(ctx.db, branch, nowIso),
  };
}

export type { PatronActor };
