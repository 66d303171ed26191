// The forms of the public-computer staff screens (issue 14 item 7), checked at the edge.
import { z } from 'zod';

const whole = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : undefined),
    z
      .number({ error: `Enter ${label} as a whole number from ${min} to ${max}.` })
      .int(`Enter ${label} as a whole number from ${min} to ${max}.`)
      .min(min, `Enter ${label} from ${min} to ${max}.`)
      .max(max, `Enter ${label} from ${min} to ${max}.`),
  );

/** A branch code in a query string or a hidden field. */
export const branchQuery = z.object({ branch: z.string().max(20).optional() });
export const idParams = z.object({ id: z.string().max(40) });

/** Minutes staff add to a running session. */
export const addMinutesSchema = z.object({ minutes: whole('the minutes', 1, 480) });

/** A message the computer shows once. */
export const messageSchema = z.object({
  message: z
    .string({ error: 'Write the message.' })
    .trim()
    .min(1, 'Write the message.')
    .max(500, 'Keep the message to 500 characters.'),
});

/** Approve a computer into a group. */
export const approveSchema = z.object({
  groupId: z.string({ error: 'Choose a group.' }).min(1, 'Choose a group.').max(40),
});

/** Take out of order (1) or put back in order (0). */
export const outOfOrderSchema = z.object({ outOfOrder: z.enum(['0', '1']) });

/** Print guest passes. */
export const passesSchema = z.object({
  branch: z.string({ error: 'Choose the branch.' }).min(1, 'Choose the branch.').max(20),
  count: whole('how many passes', 1, 200),
  minutes: whole('the minutes', 1, 720),
});

/** Ticked age bands; none ticked means everyone (null), never an empty list that would admit nobody. */
const bands = z
  .array(z.string().max(20))
  .max(20)
  .transform((a) => (a.length ? a : null));

/** Create or edit a group. */
export const groupSchema = z.object({
  name: z
    .string({ error: 'Name the group.' })
    .trim()
    .min(1, 'Name the group.')
    .max(60, 'Up to 60 characters.'),
  ticketPrefix: z
    .string({ error: 'Give one capital letter.' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]$/, 'One letter from A to Z.'),
  dailyMinutes: whole('the daily minutes', 1, 1440),
  sessionMinutes: whole('the session minutes', 1, 1440),
  holdMinutes: whole('the hold minutes', 1, 60),
  ageBands: bands,
});

/** Create or edit a station. */
export const stationSchema = z.object({
  name: z
    .string({ error: 'Name the computer.' })
    .trim()
    .regex(/^[A-Za-z0-9 ._-]{1,64}$/, 'Use 1–64 letters, digits, spaces, dots or dashes.'),
  groupId: z.string({ error: 'Choose a group.' }).min(1, 'Choose a group.').max(40),
  ageBands: bands,
  isReservable: z.preprocess((v) => v === 'on', z.boolean()),
});
