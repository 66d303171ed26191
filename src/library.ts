// The library's identity — name, time zone, branches with addresses and opening hours, and the
// contacts the privacy policy names — validated from the LIBRARY_CONFIG JSON file.
import { z } from 'zod';
import { roles } from './features/staff/roles.ts';

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

const code = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be lower-case letters, digits or -');

/**
 * A loan rule: how long a material type is lent, how often it may be renewed, and how many a
 * patron may have out. The most specific rule wins: branch + type, then type, then "*".
 */
const loanRule = z.object({
  materialType: z.union([z.literal('*'), code]),
  /** Branch the item is checked out at; omitted for every branch. */
  branch: z.string().optional(),
  loanDays: z.number().int().min(1).max(365),
  renewals: z.number().int().min(0).max(50),
  /** Most items of this type a patron may have out at once. */
  maxItems: z.number().int().min(1).max(1000).optional(),
  /** Age bands allowed to borrow this type (e.g. ["adult"]); omitted for everyone. */
  ageBands: z.array(code).optional(),
});

/** Circulation policy. Every field has a default so a library file without it still works. */
const circulation = z
  .object({
    loanRules: z
      .array(loanRule)
      .min(1)
      .default([{ materialType: '*', loanDays: 21, renewals: 2 }])
      .refine((rules) => rules.some((r) => r.materialType === '*' && !r.branch), {
        message: 'needs a default rule with "materialType": "*" and no branch',
      }),
    maxLoansPerPatron: z.number().int().min(1).max(1000).default(50),
    maxHoldsPerPatron: z.number().int().min(1).max(1000).default(25),
    /** Days a caught hold waits on the hold shelf before it expires. */
    holdShelfDays: z.number().int().min(1).max(60).default(7),
    /** Branches whose returned items go first to holds of patrons picking up there (local first). */
    localFirstBranches: z.array(z.string()).default([]),
    /** How long a new or renewed card is valid. */
    cardValidityDays: z
      .number()
      .int()
      .min(1)
      .max(20 * 365)
      .default(3 * 365),
    /** Age bands a patron record may carry (A1: a band, never a birth date). */
    ageBands: z.array(code).default(['child', 'teen', 'adult']),
    /** Staff roles that may override a loan limit or block, giving a reason. */
    overrideRoles: z.array(z.enum(roles)).default(['admin']),
  })
  .default({
    loanRules: [{ materialType: '*', loanDays: 21, renewals: 2 }],
    maxLoansPerPatron: 50,
    maxHoldsPerPatron: 25,
    holdShelfDays: 7,
    localFirstBranches: [],
    cardValidityDays: 3 * 365,
    ageBands: ['child', 'teen', 'adult'],
    overrideRoles: ['admin'],
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
    circulation,
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
      const circ = (lib as { circulation?: { loanRules?: unknown; localFirstBranches?: unknown } })
        .circulation;
      const known = (c: unknown) => typeof c === 'string' && seen.has(c);
      if (Array.isArray(circ?.loanRules))
        circ.loanRules.forEach((r: { branch?: unknown }, i) => {
          if (r?.branch !== undefined && !known(r.branch))
            ctx.addIssue({
              code: 'custom',
              path: ['circulation', 'loanRules', i, 'branch'],
              message: `unknown branch code ${String(r.branch)}`,
            });
        });
      if (Array.isArray(circ?.localFirstBranches))
        circ.localFirstBranches.forEach((b: unknown, i) => {
          if (!known(b))
            ctx.addIssue({
              code: 'custom',
              path: ['circulation', 'localFirstBranches', i],
              message: `unknown branch code ${String(b)}`,
            });
        });
    },
    // Run even when other fields are wrong, so a duplicate code is reported in the same pass.
    { when: () => true },
  );

export type LibraryIdentity = z.output<typeof libraryIdentitySchema>;
export type Branch = LibraryIdentity['branches'][number];
export type CirculationPolicy = LibraryIdentity['circulation'];
export type LoanRule = CirculationPolicy['loanRules'][number];
