// The library's identity — name, time zone, branches with addresses and opening hours, and the
// contacts the privacy policy names — validated from the LIBRARY_CONFIG JSON file.
import { z } from 'zod';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
export const weekdayNames: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "09:00-17:30" or "closed"; later features (public computers) need the closing time. */
const openingHours = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (v.toLowerCase() === 'closed') return null;
    const [opens, closes, extra] = v.split('-').map((s) => s.trim());
    if (
      extra !== undefined ||
      !opens ||
      !closes ||
      !hhmm.test(opens) ||
      !hhmm.test(closes) ||
      opens >= closes
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `"${v}" is not "HH:MM-HH:MM" (opening before closing) or "closed"`,
      });
      return z.NEVER;
    }
    return { opens, closes };
  });

const contact = z.object({
  /** Who to write to, as the privacy page should show it. */
  name: z.string().trim().min(1),
  email: z.email(),
  phone: z.string().trim().min(1).optional(),
});

const branch = z.object({
  /** Short code used in configuration and reports, e.g. MAIN. */
  code: z.string().regex(/^[A-Z0-9_-]{1,16}$/, 'must be 1–16 capital letters, digits, - or _'),
  name: z.string().trim().min(1),
  address: z.object({
    street: z.string().trim().min(1),
    city: z.string().trim().min(1),
    region: z.string().trim().min(1),
    postalCode: z.string().trim().min(1),
  }),
  phone: z.string().trim().min(1).optional(),
  /** Opening hours per weekday; a day left out is closed. */
  hours: z.partialRecord(z.enum(weekdays), openingHours),
});

export const libraryIdentitySchema = z
  .object({
    name: z.string().trim().min(1),
    /** IANA time zone in which the library's days and hours are counted. */
    timezone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not a known IANA time zone such as America/Chicago'),
    branches: z.array(branch).min(1, 'needs at least one branch'),
    contacts: z.object({ webmaster: contact, headLibrarian: contact }),
  })
  .superRefine(
    (lib, ctx) => {
      const branches: unknown = (lib as { branches?: unknown }).branches;
      if (!Array.isArray(branches)) return;
      const seen = new Set<string>();
      branches.forEach((b: { code?: unknown }, i) => {
        if (typeof b?.code !== 'string') return;
        if (seen.has(b.code))
          ctx.addIssue({
            code: 'custom',
            path: ['branches', i, 'code'],
            message: `duplicate branch code ${b.code}`,
          });
        seen.add(b.code);
      });
    },
    // Run even when other fields are wrong, so a duplicate code is reported in the same pass.
    { when: () => true },
  );

export type LibraryIdentity = z.output<typeof libraryIdentitySchema>;
export type Branch = LibraryIdentity['branches'][number];
