// Input schemas for patron forms and the API. Messages are written for the person typing.
// Registration and edits are strict objects: a field circulation does not need is refused (A1).
import { z } from 'zod';
import type { LibraryIdentity } from '../../library.ts';
import { isAccessPurpose, type AccessPurpose } from './access-log.ts';
import { checkbox } from '../../validation.ts';
import { normalizeCardNumber } from './card-numbers.ts';

/** An optional text field: empty or blank means "not given". */
const optionalText = (max: number, message: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(max, message).optional(),
  );

const nameSchema = z.string().trim().min(1, 'Enter the name.').max(100, 'Use at most 100 characters.');

export const emailSchema = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
  z.email('Enter an e-mail address like name@example.org, or leave it empty.').max(200).optional(),
);

const phoneSchema = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string()
    .trim()
    .regex(
      /^\+?[0-9 ().-]{5,30}$/,
      'Enter a phone number of digits (spaces, dashes and + allowed), or leave it empty.',
    )
    .optional(),
);

/** The account details staff may set (A1: nothing beyond what circulation needs). */
function detailsShape(library: LibraryIdentity) {
  const branches = library.branches.map((b) => b.code);
  const bands = library.circulation.ageBands;
  return {
    name: nameSchema,
    homeBranch: z
      .string({ error: 'Choose the home branch.' })
      .refine((v) => branches.includes(v), 'Choose the home branch from the list.'),
    email: emailSchema,
    phone: phoneSchema,
    /** An age band only if a loan rule needs one; never a birth date. */
    ageBand: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .refine((v) => bands.includes(v), 'Choose an age band from the list, or none.')
        .optional(),
    ),
  };
}

export function registerPatronSchema(library: LibraryIdentity) {
  return z.strictObject(
    {
      ...detailsShape(library),
      /** A scanned card number; left empty, Carrel generates one. */
      cardNumber: z.preprocess(
        (v) => (typeof v === 'string' ? normalizeCardNumber(v) || undefined : v),
        z.string().max(40, 'That is not a card number.').optional(),
      ),
      /** A PIN the patron typed at the desk; left empty, a one-time PIN is generated. */
      pin: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(128).optional()),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys' ? `Carrel does not collect ${iss.keys.join(', ')}.` : undefined,
    },
  );
}
export type RegisterPatronInput = z.input<ReturnType<typeof registerPatronSchema>>;
/** A registration as registerPatron takes it, checked by registerPatronSchema. */
export type RegisterPatronValues = z.output<ReturnType<typeof registerPatronSchema>>;

export function updatePatronSchema(library: LibraryIdentity) {
  return z.strictObject(detailsShape(library), {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `Carrel does not collect ${iss.keys.join(', ')}.` : undefined,
  });
}
/** An edit of the account details as updatePatronDetails takes it. */
export type UpdatePatronValues = z.output<ReturnType<typeof updatePatronSchema>>;

export const purposeSchema = z
  .string({ error: 'Choose why you are opening the record.' })
  .refine(isAccessPurpose, 'Choose why you are opening the record.')
  .transform((v) => v as AccessPurpose);

export const lookupSchema = z
  .object({
    purpose: purposeSchema,
    cardNumber: optionalText(40, 'That is not a card number.').transform((v) =>
      v === undefined ? undefined : normalizeCardNumber(v),
    ),
    name: optionalText(100, 'Use at most 100 characters.'),
  })
  .refine((v) => v.cardNumber || (v.name && v.name.length >= 2), {
    path: ['cardNumber'],
    message: 'Enter a card number, or at least two letters of the name.',
  });
export type LookupInput = z.output<typeof lookupSchema>;

export const blockSchema = z.object({
  reason: z
    .string({ error: 'Say why the card is blocked.' })
    .trim()
    .min(3, 'Say why the card is blocked; the patron will see it.')
    .max(200, 'Use at most 200 characters.'),
});
export type BlockInput = z.output<typeof blockSchema>;

export const patronLoginSchema = z.object({
  cardNumber: z
    .string({ error: 'Enter your card number.' })
    .transform(normalizeCardNumber)
    .pipe(z.string().min(1, 'Enter your card number.').max(40, 'Wrong card number or PIN.')),
  pin: z.string({ error: 'Enter your PIN.' }).min(1, 'Enter your PIN.').max(128, 'Wrong card number or PIN.'),
  /** "I am on a public computer": a much shorter idle time-out (A4). */
  publicTerminal: checkbox.optional().default(false),
});
export type PatronLogin = z.output<typeof patronLoginSchema>;

export const changePinSchema = z
  .object({
    currentPin: z.string({ error: 'Enter your current PIN.' }).min(1, 'Enter your current PIN.').max(128),
    newPin: z.string({ error: 'Enter a new PIN.' }).min(1, 'Enter a new PIN.'),
    confirmPin: z.string({ error: 'Enter the new PIN again.' }),
  })
  .refine((v) => v.newPin === v.confirmPin, { path: ['confirmPin'], message: 'The two new PINs differ.' });
export type ChangePinInput = z.output<typeof changePinSchema>;

export const confirmPinSchema = z.object({
  pin: z.string({ error: 'Enter your PIN to confirm.' }).min(1, 'Enter your PIN to confirm.').max(128),
});
export type ConfirmPinInput = z.output<typeof confirmPinSchema>;

const day = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.iso.date('Use a date like 2026-11-28.').optional(),
);

export const accessLogQuerySchema = z.object({
  /** Typed by the privacy officer (posted, never in a URL). */
  cardNumber: optionalText(40, 'That is not a card number.').transform((v) =>
    v === undefined ? undefined : normalizeCardNumber(v),
  ),
  /** The patron's id, which a card number is resolved to so that paging links need no card number. */
  patron: optionalText(64, 'That is not a patron.'),
  staff: optionalText(64, 'That is not a user name.').transform((v) => v?.toLowerCase()),
  from: day,
  to: day,
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type AccessLogQuery = z.output<typeof accessLogQuerySchema>;

/** Staff reset a PIN only after ticking that they checked the patron's identity in person. */
export const resetPinSchema = z.object({
  idChecked: checkbox.refine((v) => v, 'Check the patron’s identity in person first, then tick the box.'),
});
