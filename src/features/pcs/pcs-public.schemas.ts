// The public computer pages' input (issue 14 item 4): the join form, the branch code and the ticket
// link in the path. Card and PIN are optional together: both empty takes an anonymous ticket.
import { z } from 'zod';
import { normalizeCardNumber } from '../patrons/card-numbers.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A branch code in a path: letters, digits, hyphen; anything else names no branch. */
export const branchParams = z.object({ branch: z.string().max(40) });
/** The ticket link: its unguessable id, never the ticket number. */
export const ticketParams = z.object({ branch: z.string().max(40), ticketId: z.string().max(40) });
/** `?live=1`: the page reloads itself (turned on by the reader: WCAG 2.2.1); anything else: it does not. */
export const liveQuery = z
  .object({ live: z.string().max(8).optional() })
  .transform((q) => ({ live: q.live === '1' }));
export const isTicketId = (s: string): boolean => uuid.test(s);

export const joinSchema = z
  .object({
    /** The group of computers to wait for. */
    groupId: z
      .string({ error: 'Choose a group of computers.' })
      .regex(uuid, 'Choose one of the groups listed.'),
    /** Optional: ties the ticket to the card, so the computer recognises the patron. */
    cardNumber: z.string().max(40, 'Wrong card number or PIN.').optional().default(''),
    /** Optional, with the card number. */
    pin: z.string().max(128, 'Wrong card number or PIN.').optional().default(''),
  })
  .transform((v, c) => {
    const cardNumber = normalizeCardNumber(v.cardNumber);
    if (!cardNumber && !v.pin) return { groupId: v.groupId, card: undefined };
    if (!cardNumber)
      c.addIssue({
        code: 'custom',
        path: ['cardNumber'],
        message: 'Enter your card number too, or leave the PIN empty.',
      });
    if (!v.pin)
      c.addIssue({
        code: 'custom',
        path: ['pin'],
        message: 'Enter your PIN too, or leave the card number empty.',
      });
    return { groupId: v.groupId, card: { cardNumber, pin: v.pin } };
  });
export type JoinValues = z.output<typeof joinSchema>;
export const joinSummary = 'Please correct the marked fields.';
