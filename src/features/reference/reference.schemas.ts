// Inputs of Ask a Librarian at the edges (public form, desk forms, statistics range), and the
// fixed word lists they draw on: US states, subject categories and the READ effort scale.
import { z } from 'zod';

/** Longest question or answer accepted (characters). */
export const MAX_TEXT = 10_000;

/** US states, DC and territories: the optional "state" of the public form (R1). */
export const usStates: ReadonlyArray<readonly [code: string, name: string]> = [
  ['AL', 'Alabama'],
  ['AK', 'Alaska'],
  ['AZ', 'Arizona'],
  ['AR', 'Arkansas'],
  ['CA', 'California'],
  ['CO', 'Colorado'],
  ['CT', 'Connecticut'],
  ['DE', 'Delaware'],
  ['DC', 'District of Columbia'],
  ['FL', 'Florida'],
  ['GA', 'Georgia'],
  ['HI', 'Hawaii'],
  ['ID', 'Idaho'],
  ['IL', 'Illinois'],
  ['IN', 'Indiana'],
  ['IA', 'Iowa'],
  ['KS', 'Kansas'],
  ['KY', 'Kentucky'],
  ['LA', 'Louisiana'],
  ['ME', 'Maine'],
  ['MD', 'Maryland'],
  ['MA', 'Massachusetts'],
  ['MI', 'Michigan'],
  ['MN', 'Minnesota'],
  ['MS', 'Mississippi'],
  ['MO', 'Missouri'],
  ['MT', 'Montana'],
  ['NE', 'Nebraska'],
  ['NV', 'Nevada'],
  ['NH', 'New Hampshire'],
  ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'],
  ['NY', 'New York'],
  ['NC', 'North Carolina'],
  ['ND', 'North Dakota'],
  ['OH', 'Ohio'],
  ['OK', 'Oklahoma'],
  ['OR', 'Oregon'],
  ['PA', 'Pennsylvania'],
  ['RI', 'Rhode Island'],
  ['SC', 'South Carolina'],
  ['SD', 'South Dakota'],
  ['TN', 'Tennessee'],
  ['TX', 'Texas'],
  ['UT', 'Utah'],
  ['VT', 'Vermont'],
  ['VA', 'Virginia'],
  ['WA', 'Washington'],
  ['WV', 'West Virginia'],
  ['WI', 'Wisconsin'],
  ['WY', 'Wyoming'],
  ['AS', 'American Samoa'],
  ['GU', 'Guam'],
  ['MP', 'Northern Mariana Islands'],
  ['PR', 'Puerto Rico'],
  ['VI', 'U.S. Virgin Islands'],
];
const stateCodes = new Set(usStates.map(([c]) => c));

/** Subject categories staff file questions under (statistics and the public FAQ). */
export const categories: ReadonlyArray<readonly [value: string, label: string]> = [
  ['local-history', 'Local history'],
  ['genealogy', 'Genealogy'],
  ['government-law', 'Government & law'],
  ['health', 'Health'],
  ['business', 'Business'],
  ['homework', 'Homework'],
  ['technology', 'Technology'],
  ['readers-advisory', "Readers' advisory"],
  ['library-services', 'Library services'],
  ['other', 'Other'],
];
const categoryValues = new Set(categories.map(([v]) => v));
export const categoryLabel = (v: string | null): string =>
  categories.find(([c]) => c === v)?.[1] ?? 'Not categorized';

/** The READ scale (Reference Effort Assessment Data, Gerlich & Berard): effort 1–6. */
export const readScale: ReadonlyArray<readonly [level: number, description: string]> = [
  [1, 'Directional or a quick fact: answered with no resources beyond what is at hand (under 5 minutes).'],
  [2, 'Ready reference: one source or a quick catalog look-up (5–10 minutes).'],
  [3, 'Several sources or some searching and explaining (10–20 minutes).'],
  [4, 'Substantial research in several sources, consulting colleagues (20–60 minutes).'],
  [5, 'In-depth research over more than an hour, perhaps over several sittings.'],
  [6, 'Extended research: specialised collections, outside experts, several days of work.'],
];

const optionalText = (max: number, message: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(z.string().max(max, message));

/** The public question form (R1: the question and a reply address; state and ZIP optional; no name). */
export const askSchema = z.object({
  question: z
    .string({ error: 'Type your question.' })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, 'Type your question.')
        .max(MAX_TEXT, `Please keep your question under ${MAX_TEXT.toLocaleString('en-US')} characters.`),
    ),
  replyTo: z
    .string({ error: 'Enter the e-mail address we should answer.' })
    .transform((v) => v.trim().toLowerCase())
    .pipe(
      z
        .string()
        .min(1, 'Enter the e-mail address we should answer.')
        .max(254, 'That e-mail address is too long.')
        .pipe(z.email('Enter an e-mail address like name@example.org.')),
    ),
  region: optionalText(2, 'Choose a state from the list.').refine((v) => v === '' || stateCodes.has(v), {
    message: 'Choose a state from the list.',
  }),
  zip: optionalText(10, 'Enter a 5-digit ZIP code, or leave it empty.').refine(
    (v) => v === '' || /^\d{5}(?:-\d{4})?$/.test(v),
    { message: 'Enter a 5-digit ZIP code, or leave it empty.' },
  ),
});
export type AskInput = z.output<typeof askSchema>;

const askFields = askSchema.extend({
  /** The signed time the form was shown (reference.guard.ts), checked by the service. */
  renderedAt: z.string().optional(),
});

/**
 * The public form as posted. A filled honeypot field ("website", hidden from people) is taken
 * without checking the rest, so a bot is thanked whatever it typed and nothing is kept; otherwise
 * the question's fields, each with its own message.
 */
export const askFormSchema = z
  .looseObject({ website: z.string().optional() })
  .transform((form, ctx): { honeypot: true } | ({ honeypot: false } & z.output<typeof askFields>) => {
    if (form.website) return { honeypot: true };
    const checked = askFields.safeParse(form);
    if (checked.success) return { honeypot: false, ...checked.data };
    for (const issue of checked.error.issues) ctx.addIssue({ ...issue, input: undefined });
    return z.NEVER;
  });
export type AskFormValues = z.output<typeof askFormSchema>;

/** An answer written at the desk; "waiting" marks that the patron must reply next. */
export const replySchema = z.object({
  body: z
    .string({ error: 'Write the answer.' })
    .transform((v) => v.trim())
    .pipe(z.string().min(1, 'Write the answer.').max(MAX_TEXT, 'The answer is too long.')),
  waiting: z.literal('on').optional(),
});
export type ReplyValues = z.output<typeof replySchema>;

/** An internal note (never sent; deleted at scrubbing). */
export const noteSchema = z.object({
  note: z
    .string({ error: 'Write the note.' })
    .transform((v) => v.trim())
    .pipe(z.string().min(1, 'Write the note.').max(5_000, 'The note is too long.')),
});
export type NoteValues = z.output<typeof noteSchema>;

/** Category and READ effort; either may be left empty. */
export const classifySchema = z.object({
  category: z
    .string()
    .optional()
    .transform((v) => v ?? '')
    .refine((v) => v === '' || categoryValues.has(v), { message: 'Choose a category from the list.' }),
  effort: z
    .string()
    .optional()
    .transform((v) => v ?? '')
    .refine((v) => v === '' || /^[1-6]$/.test(v), { message: 'Choose an effort from 1 to 6.' }),
});
export type ClassifyValues = z.output<typeof classifySchema>;

/** An FAQ entry made from a scrubbed question; publishing needs the explicit confirmation. */
export const faqSchema = z.object({
  question: z
    .string({ error: 'Write the question.' })
    .transform((v) => v.trim())
    .pipe(z.string().min(1, 'Write the question.').max(MAX_TEXT, 'The question is too long.')),
  answer: z
    .string({ error: 'Write the answer.' })
    .transform((v) => v.trim())
    .pipe(z.string().min(1, 'Write the answer.').max(MAX_TEXT, 'The answer is too long.')),
  faqCategory: classifySchema.shape.category,
  confirm: z.literal('on', { error: 'Tick the box to confirm that this entry identifies no one.' }),
});

/**
 * The FAQ form as the desk posts it: the texts checked here; the confirmation box is checked by
 * publishFaq together with what the redaction patterns still find, so one refusal says both.
 */
export const faqFormSchema = faqSchema.omit({ confirm: true }).extend({ confirm: z.string().optional() });
export type FaqFormValues = z.output<typeof faqFormSchema>;

/** A desk action with no fields of its own (claim, unclaim, close): only the CSRF token is posted. */
export { noFields as noFieldsSchema } from '../../http/form-action.ts';

/** Statistics range in whole months (YYYY-MM); empty means the last 12 months. */
export const statsRangeSchema = z.object({
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
});
