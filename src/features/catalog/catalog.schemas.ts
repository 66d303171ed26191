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
  branch: optionalText(20, 'Branch')
    .transform((v) => v?.toUpperCase())
    .optional(),
  /** Create and update copies from 852/949 fields. */
  items: checkbox,
  /** How ISO 2709 records are decoded: per record (auto) or forced. */
  encoding: z.preprocess(
    (v) => (v === undefined || v === '' ? 'auto' : v),
    z.enum(encodingChoices, { message: 'Choose the encoding auto, marc-8 or utf-8.' }),
  ),
});
/** Checked import options, as the import service takes them. */
export type ImportOptions = z.output<typeof importOptionsSchema>;

/**
 * The web upload form: the options and the file. The route puts the uploaded file's display name
 * in `file` (absent when no file or an empty one was sent), so one parse reports every mistake.
 */
export const importFormSchema = importOptionsSchema.extend({
  /** The uploaded file's name, cleaned for display. */
  file: z.string({ message: 'Choose a MARC file to import.' }).min(1, 'Choose a MARC file to import.'),
});

/** Statuses staff may set on a copy by hand; the others move only through the circulation desk. */
export const editableStatuses = ['available', 'damaged', 'missing', 'lost'] as const;

const itemFields = {
  callNumber: optionalText(200, 'Call number'),
  branchCode: z
    .string({ message: 'Choose a branch.' })
    .trim()
    .min(1, 'Choose a branch.')
    .max(20, 'Choose a branch from the list.'),
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
/** A checked new copy, as addItem takes it. */
export type NewItem = z.output<typeof newItemSchema>;

export const editItemSchema = z.object(itemFields);
/** A copy's checked details, as updateItemDetails takes them. */
export type ItemDetails = z.output<typeof editItemSchema>;
