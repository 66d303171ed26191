// The staff side of the catalog: looking records up, and adding and editing copies (items).
// The MARC import lives in import/import.service.ts; circulation moves item statuses it owns
// (on loan, in transit, on the hold shelf) itself.
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canManageItems, canViewStaffCatalog } from './catalog.policy.ts';
import * as repo from './catalog.repository.ts';
import { editableStatuses, type ItemDetails, type NewItem } from './catalog.schemas.ts';
import type { ItemStatus } from './catalog.table.ts';

/** A bibliographic record as the staff pages and API show it. */
export interface StaffRecord {
  id: string;
  controlNumber: string;
  title: string;
  author: string | null;
  format: string;
  language: string | null;
  pubYear: number | null;
  publisher: string | null;
  isbn: string | null;
  issn: string | null;
  subjects: string[];
  series: string[];
  notes: string[];
  marc: {
    leader: string;
    fields: Array<{
      tag: string;
      ind1?: string;
      ind2?: string;
      value?: string;
      subfields?: Array<{ code: string; value: string }>;
    }>;
  };
  createdAt: string;
  updatedAt: string;
}

/** A copy as the staff pages and API show it. */
export interface StaffItem {
  id: string;
  bibId: string;
  barcode: string;
  callNumber: string | null;
  branchCode: string;
  location: string | null;
  materialType: string;
  status: ItemStatus;
  transitTo: string | null;
  updatedAt: string;
}

const splitLines = (v: string | null): string[] => (v ? v.split('\n') : []);

/** Presenter: field by field, so a new column never reaches a page or the API by accident. */
export const presentRecord = (r: repo.BibRow): StaffRecord => ({
  id: r.id,
  controlNumber: r.control_number,
  title: r.title,
  author: r.author,
  format: r.format,
  language: r.language,
  pubYear: r.pub_year,
  publisher: r.publisher,
  isbn: r.isbn,
  issn: r.issn,
  subjects: splitLines(r.subjects),
  series: splitLines(r.series),
  notes: splitLines(r.notes),
  marc: JSON.parse(r.marc) as StaffRecord['marc'],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const presentItem = (i: repo.ItemRow): StaffItem => ({
  id: i.id,
  bibId: i.bib_id,
  barcode: i.barcode,
  callNumber: i.call_number,
  branchCode: i.branch_code,
  location: i.location,
  materialType: i.material_type,
  status: i.status,
  transitTo: i.transit_to,
  updatedAt: i.updated_at,
});

const LIST_LIMIT = 50;

function requireView(actor: Actor): void {
  if (!canViewStaffCatalog(actor)) throw new ForbiddenError('Your staff roles do not include the catalog.');
}
function requireItems(actor: Actor): void {
  if (!canManageItems(actor))
    throw new ForbiddenError('Only administrators and circulation staff can add or change copies.');
}

/** Records with this control number or a copy with this barcode; the latest changed without a term. */
export async function findRecords(
  ctx: AppContext,
  actor: Actor,
  term: string | undefined,
): Promise<repo.BibSummary[]> {
  requireView(actor);
  const t = term?.trim().slice(0, 100);
  return t
    ? repo.findBibsByControlNumberOrBarcode(ctx.db, t, LIST_LIMIT)
    : repo.findRecentBibs(ctx.db, LIST_LIMIT);
}

export async function getRecord(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ record: StaffRecord; items: StaffItem[] }> {
  requireView(actor);
  const row = await repo.findBibById(ctx.db, id);
  if (!row) throw new NotFoundError('There is no such catalog record.');
  const items = await repo.findItemsOfBib(ctx.db, id);
  return { record: presentRecord(row), items: items.map(presentItem) };
}

export async function getItem(ctx: AppContext, actor: Actor, id: string): Promise<StaffItem> {
  requireView(actor);
  const item = await repo.findItemById(ctx.db, id);
  if (!item) throw new NotFoundError('There is no such copy.');
  return presentItem(item);
}

function checkBranch(ctx: AppContext, code: string): string {
  const upper = code.toUpperCase();
  if (!ctx.config.library.branches.some((b) => b.code.toUpperCase() === upper))
    throw new ValidationError('Please correct the marked fields.', {
      branchCode: 'Choose a branch from the list.',
    });
  return ctx.config.library.branches.find((b) => b.code.toUpperCase() === upper)!.code;
}

/** Adds a copy (checked with newItemSchema) to a record; the barcode must not be on any other copy. */
export async function addItem(
  ctx: AppContext,
  actor: Actor,
  bibId: string,
  data: NewItem,
): Promise<StaffItem> {
  requireItems(actor);
  const branch = checkBranch(ctx, data.branchCode);
  const now = ctx.clock.now();
  const id = newId(now.getTime());
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.findBibById(trx, bibId))) throw new NotFoundError('There is no such catalog record.');
    if (await repo.findItemByBarcode(trx, data.barcode))
      throw new ValidationError('Please correct the marked fields.', {
        barcode: `The barcode ${data.barcode} is already on another copy.`,
      });
    await repo.insertItems(trx, [
      {
        id,
        bib_id: bibId,
        barcode: data.barcode,
        call_number: data.callNumber ?? null,
        branch_code: branch,
        location: data.location ?? null,
        material_type: data.materialType,
        status: data.status,
        transit_to: null,
        created_at: iso(now),
        updated_at: iso(now),
      },
    ]);
  });
  return presentItem((await repo.findItemById(ctx.db, id))!);
}

const circulationStatuses: Record<string, string> = {
  on_loan: 'on loan',
  in_transit: 'in transit',
  on_hold_shelf: 'on the hold shelf',
};

/**
 * Changes a copy's call number, branch, location, material type and status (checked with
 * editItemSchema). Only copies that are
 * available, damaged, missing or lost can be edited here; the others are moving through the
 * circulation desk, which must check them in (or clear the hold) first.
 */
export async function updateItemDetails(
  ctx: AppContext,
  actor: Actor,
  itemId: string,
  data: ItemDetails,
): Promise<StaffItem> {
  requireItems(actor);
  const branch = checkBranch(ctx, data.branchCode);
  await ctx.db.transaction().execute(async (trx) => {
    const item = await repo.findItemById(trx, itemId);
    if (!item) throw new NotFoundError('There is no such copy.');
    const changed = await repo.updateItem(
      trx,
      itemId,
      {
        call_number: data.callNumber ?? null,
        branch_code: branch,
        location: data.location ?? null,
        material_type: data.materialType,
        status: data.status,
      },
      iso(ctx.clock.now()),
      editableStatuses,
    );
    if (!changed) {
      const current = (await repo.findItemById(trx, itemId))?.status ?? item.status;
      throw new ConflictError(
        `This copy is ${circulationStatuses[current] ?? current.replace(/_/g, ' ')}; it can be changed here only after the circulation desk has checked it in or cleared it from the hold shelf.`,
      );
    }
  });
  return presentItem((await repo.findItemById(ctx.db, itemId))!);
}
