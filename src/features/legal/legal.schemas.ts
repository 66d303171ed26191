// The intake form's shape (issue 15 item 1; L1): what any staff member records when law
// enforcement asks for records at the desk. Checked at every edge (page, API, tests).
import { z } from 'zod';

/** What the visitor claims to carry; the value is stored plainly (the transparency report counts it). */
export const instruments = [
  'informal-request',
  'subpoena',
  'court-order',
  'search-warrant',
  'nsl-or-fisa-order',
  'administrative-immigration-warrant',
  'emergency-request',
  'preservation-request',
] as const;
export type Instrument = (typeof instruments)[number];

export const instrumentLabels: Record<Instrument, string> = {
  'informal-request': 'Informal request (no papers)',
  subpoena: 'Subpoena',
  'court-order': 'Court order',
  'search-warrant': 'Search warrant',
  'nsl-or-fisa-order': 'National-security letter or FISA order',
  'administrative-immigration-warrant': 'Administrative immigration warrant',
  'emergency-request': 'Emergency request',
  'preservation-request': 'Preservation request',
};

/** Largest scan or photo accepted, and how many per visit. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

/** Accepted file types and the first bytes each must start with (a renamed file is refused). */
const magic: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47],
};
export const attachmentTypes = Object.keys(magic);

const text = (label: string, max: number) =>
  z
    .string({ error: `${label}: required.` })
    .trim()
    .min(1, `${label}: required.`)
    .max(max, `${label}: at most ${max} characters.`);

const attachment = z
  .object({
    /** The file's name as uploaded (encrypted at rest). */
    name: text('File name', 200),
    /** PDF, JPEG or PNG. */
    mediaType: z.enum(attachmentTypes, { error: 'Attach a PDF, JPEG or PNG file.' }),
    /** The file. */
    bytes: z
      .instanceof(Uint8Array, { error: 'The file is missing.' })
      .refine((b) => b.length > 0, 'The file is empty.')
      .refine((b) => b.length <= MAX_ATTACHMENT_BYTES, 'A file may be at most 10 MB.'),
  })
  .refine((a) => (magic[a.mediaType] ?? []).every((byte, i) => a.bytes[i] === byte), {
    error: 'The file is not the type it says it is.',
    path: ['bytes'],
  });

export const intakeSchema = z.object({
  /** What the visitor says they carry. */
  instrument: z.enum(instruments, { error: 'Choose what the visitor says they have.' }),
  /** The visitor's name as given. */
  visitorName: text('Visitor’s name', 200),
  /** The agency they say they are from. */
  agency: text('Agency', 200),
  /** Badge number or the ID shown. */
  idShown: text('Badge or ID', 200),
  /** How the ID was checked (e.g. "looked at the badge", "called the agency"). */
  idCheck: text('How the ID was checked', 500),
  /** When they came (ISO 8601 with a time zone). */
  arrivedAt: z.iso.datetime({ offset: true, error: 'When they came: a date and time.' }),
  /** What they ask for, in their words. */
  request: text('What they ask for', 10_000),
  /** Scans or photos of the papers. */
  attachments: z.array(attachment).max(MAX_ATTACHMENTS, `At most ${MAX_ATTACHMENTS} files.`).default([]),
});
export type IntakeInput = z.output<typeof intakeSchema>;
