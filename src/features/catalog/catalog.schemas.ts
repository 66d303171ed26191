// Input schemas for the staff catalog: import options and the copy (item) forms, shared by the
// web forms, the API and the CLI. Messages are written for the person typing.
import { z } from 'zod';
import { checkbox } from '../../validation.ts';
import { encodingChoices } from './import/sources.ts';
import { materialTypes } from './import/formats.ts';
import { BARCODE } from './import/holdings.ts';

const optionalText = (max: number, label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(max, `${label}: use at most ${max} characters.`).optional(),
  );

/** Options of an import; `branch` is checked against the configured branches by the service. */
export const importOptionsSchema = z.object({
  /** Branch for copies whose holdings field names no configured branch. */
  branch: optionalText(20, 'Branch').transform((v) => v?.toUpperCase()),
  /** Create and update copies from 852/949 fields. */
  items: checkbox,
  /** How ISO 2709 records are decoded: per record (auto) or forced. */
  encoding: z.preprocess(
    (v) => (v === undefined || v === '' ? 'auto' : v),
    z.enum(encodingChoices, { message: 'Choose the encoding auto, marc-8 or utf-8.' }),
  ),
});
export type ImportOptionsInput = z.input<typeof importOptionsSchema>;

/** Statuses staff may set on a copy by hand; the others move only through the circulation desk. */
export const editableStatuses = ['available', 'damaged', 'missing', 'lost'] as const;

const itemFields = {
  callNumber: optionalText(200, 'Call number'),
  branchCode: z.string({ message: 'Choose a branch.' }).trim().min(1, 'Choose a branch.').max(20),
  location: optionalText(100, 'Shelving location'),
  materialType: z.enum(materialTypes, { message: 'Choose a material type from the list.' }),
  status: z.enum(editableStatuses, {
    message: 'Choose available, damaged, missing or lost.',
  }),
};

export const newItemSchema = z.object({
  barcode: z
    .string({ message: 'Enter the barcode.' })
    .trim()
    .min(1, 'Enter the barcode.')
    .regex(
      BARCODE,
      'Use up to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
    ),
  ...itemFields,
});
export type NewItemInput = z.input<typeof newItemSchema>;

export const editItemSchema = z.object(itemFields);
export type EditItemInput = z.input<typeof editItemSchema>;
