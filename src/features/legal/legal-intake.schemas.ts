// The intake page's form (issue 15 item 1; L1): the fields of intakeSchema as a browser posts them —
// how the ID was checked as one of four plain choices, and when they came as a local date and time
// in the library's time zone (an <input type="datetime-local">), turned into the service's input.
import { z } from 'zod';
import { intakeSchema, type IntakeInput } from './legal.schemas.ts';

export const idChecks = {
  'photo-id': 'Photo ID seen',
  badge: 'Badge seen',
  'called-agency': 'Called the agency',
  'not-checked': 'Not checked',
} as const;
export type IdCheck = keyof typeof idChecks;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (tz: string) => {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsFormatters.set(tz, f);
  }
  return f;
};

/** An instant as the library's wall clock shows it, "YYYY-MM-DDTHH:MM" (the input's format). */
export function localDateTime(at: Date, tz: string): string {
  const p = Object.fromEntries(
    formatter(tz)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

const shownAt = (t: number, tz: string): number => {
  const m = LOCAL.exec(localDateTime(new Date(t), tz))!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
};

/** A wall-clock time in `tz` as an ISO instant, or null when it is not a real date and time. */
export function instantOfLocal(text: string, tz: string): string | null {
  const m = LOCAL.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!];
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wanted);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  // Guess in UTC, then correct by the zone's offset at the guess (twice, across DST changes).
  let t = wanted;
  for (let i = 0; i < 2; i++) t += wanted - shownAt(t, tz);
  return new Date(t).toISOString();
}

/** The posted intake form, checked and turned into the service's input (files come later). */
export const intakeFormSchema = (tz: string) =>
  intakeSchema
    .omit({ idCheck: true, arrivedAt: true, attachments: true })
    .extend({
      idCheck: z.enum(Object.keys(idChecks) as [IdCheck, ...IdCheck[]], {
        error: 'Choose how the ID was checked.',
      }),
      arrivedAt: z.string({ error: 'When they came: a date and time.' }).transform((v, c) => {
        const at = instantOfLocal(v.trim(), tz);
        if (at === null) {
          c.addIssue({ code: 'custom', message: 'When they came: a date and time.' });
          return z.NEVER;
        }
        return at;
      }),
    })
    .transform((v): IntakeInput => ({ ...v, idCheck: idChecks[v.idCheck], attachments: [] }));

/** The media type a file's first bytes show (PDF, JPEG or PNG), or octet-stream for anything else. */
export function sniffMediaType(bytes: Uint8Array): string {
  const starts = (sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46])) return 'application/pdf';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  return 'application/octet-stream';
}
