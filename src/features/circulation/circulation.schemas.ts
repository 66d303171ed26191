// What circulation's forms and API bodies must hold, checked at the edge (issue 13 part 2): the
// branch is one of the library's, a barcode is printable ASCII up to 64 characters. The services
// take these schemas' output and trust it; rules that need the database (an unknown barcode, a
// loan rule, a duplicate hold) stay in the services.
import { z } from 'zod';
import { isCalendarDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { checkbox, parseInput } from '../../validation.ts';

type Library = AppContext['config']['library'];

export const BRANCH_SUMMARY = 'Choose the branch you are working at.';
export const BARCODE_SUMMARY = 'Scan or type the item barcode.';

const trimmed = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** One of the library's branch codes, e.g. the branch a desk action is counted at. */
export const branchField = (library: Library) =>
  z.preprocess(
    trimmed,
    z.string().refine((c) => library.branches.some((b) => b.code === c), 'Choose a branch.'),
  );

/** A copy's barcode as a scanner types it: printable ASCII, 1 to 64 characters. */
export const barcodeField = z.preprocess(
  trimmed,
  z
    .string()
    .min(1, BARCODE_SUMMARY)
    .max(64, BARCODE_SUMMARY)
    .regex(/^[\x21-\x7e]+$/, BARCODE_SUMMARY),
);

/** A reason given by staff who may override a loan rule; empty for none, cut to 500 characters. */
const overrideReason = z
  .string()
  .optional()
  .transform((v) => (v ?? '').trim().slice(0, 500));

export const checkOutSchema = (library: Library) =>
  z.object({ branch: branchField(library), barcode: barcodeField, overrideReason });
export const checkInSchema = (library: Library) =>
  z.object({ branch: branchField(library), barcode: barcodeField, damaged: z.boolean().optional() });
export const markLostSchema = (library: Library) =>
  z.object({ branch: branchField(library), barcode: barcodeField });

/** A check-out's checked values; the reason may be left out (no override). */
export type CheckOutValues = Omit<z.output<ReturnType<typeof checkOutSchema>>, 'overrideReason'> & {
  overrideReason?: string;
};
export type CheckInValues = z.output<ReturnType<typeof checkInSchema>>;
export type MarkLostValues = z.output<ReturnType<typeof markLostSchema>>;

/**
 * Parses a circulation body the way the services used to check it: the summary names the first
 * field in the way (the branch before the barcode), each field keeps its own message.
 */
export function parseCirculation<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const res = schema.safeParse(raw);
  if (res.success) return res.data;
  return parseInput(
    schema,
    raw,
    res.error.issues[0]?.path[0] === 'branch' ? BRANCH_SUMMARY : BARCODE_SUMMARY,
  );
}

// The desk's forms, by their field names. The branch is checked by the desk itself before any of
// these (desk.page.tsx), so a desk form without one is refused the same way whatever it is.
export const deskOpenPatronForm = z.object({
  card: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined),
  patron: z
    .string()
    .optional()
    .transform((v) => v || undefined),
});
export const deskCheckOutForm = z.object({
  barcode: barcodeField,
  override_reason: z.string().optional(),
});
export const deskCheckInForm = z.object({ checkin_barcode: barcodeField, damaged: checkbox });
export const deskRenewForm = z.object({ loan: z.string().default('') });
export const deskLostForm = z.object({ lost_barcode: barcodeField });
export const deskHoldForm = z.object({
  hold_item: z.string().optional(),
  this_copy: checkbox,
  pickupBranch: z.string().default(''),
});

// The patron's hold forms (account.routes.tsx); the pickup branch, the title and the copy are
// checked by holds.service.ts against the library and the catalog.
export const accountHoldForm = z.object({
  record: z.string().default(''),
  itemId: z.string().optional(),
  pickupBranch: z.string().default(''),
});
export const SUSPEND_SUMMARY = 'Give the date as YYYY-MM-DD, or leave it empty.';
/** Pause a hold until a day (YYYY-MM-DD), or, left empty, until resumed; the day must be ahead. */
export const suspendHoldForm = z.object({
  until: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || isCalendarDay(v), 'Use YYYY-MM-DD.'),
});
export const historySettingsForm = z.object({ keep: checkbox });
