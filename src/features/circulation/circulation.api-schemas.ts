// The JSON API's request and response schemas, and the presenters that build its loans and holds
// field by field, so a new column never leaks into JSON.
import { z } from 'zod';
import type { LoanListing } from './circulation.repository.ts';
import type { HoldListing } from './holds.repository.ts';

export const loanJson = z.object({
  id: z.string(),
  barcode: z.string(),
  recordId: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  materialType: z.string(),
  checkedOutAt: z.string(),
  dueAt: z.string(),
  renewals: z.number(),
});
export const holdJson = z.object({
  id: z.string(),
  recordId: z.string(),
  title: z.string(),
  itemBarcode: z.string().nullable(),
  pickupBranch: z.string(),
  placedAt: z.string(),
  status: z.string(),
  suspendedUntil: z.string().nullable(),
  shelfExpiresAt: z.string().nullable(),
  pickupCode: z.string().nullable(),
  position: z.number().nullable(),
});
export const presentLoan = (l: LoanListing): z.infer<typeof loanJson> => ({
  id: l.id,
  barcode: l.barcode,
  recordId: l.bibId,
  title: l.title,
  author: l.author,
  materialType: l.materialType,
  checkedOutAt: l.checkedOutAt,
  dueAt: l.dueAt,
  renewals: l.renewals,
});
export const presentHold = (h: HoldListing): z.infer<typeof holdJson> => ({
  id: h.id,
  recordId: h.bibId,
  title: h.title,
  itemBarcode: h.itemBarcode,
  pickupBranch: h.pickupBranch,
  placedAt: h.placedAt,
  status: h.status,
  suspendedUntil: h.suspendedUntil,
  shelfExpiresAt: h.shelfExpiresAt,
  pickupCode: h.pickupCode,
  position: h.position,
});
export const routeJson = z.object({
  to: z.enum(['shelf', 'hold_shelf', 'transit', 'damaged']),
  branch: z.string().optional(),
  forHold: z.boolean().optional(),
  pickupCode: z.string().optional(),
  shelfExpiresAt: z.string().optional(),
});

export const checkoutBody = z.object({
  patronId: z.string().max(64).optional(),
  cardNumber: z.string().max(64).optional(),
  barcode: z.string().max(64),
  branch: z.string().max(16),
  overrideReason: z.string().max(500).optional(),
});
export const checkoutReply = z.object({
  loanId: z.string(),
  title: z.string(),
  barcode: z.string(),
  dueAt: z.string(),
  pickedUpHold: z.boolean(),
  overridden: z.array(z.string()),
});
export const checkinBody = z.object({
  barcode: z.string().max(64),
  branch: z.string().max(16),
  damaged: z.boolean().optional(),
});
export const checkinReply = z.object({
  title: z.string(),
  barcode: z.string(),
  wasOnLoan: z.boolean(),
  route: routeJson,
});
export const renewReply = z.object({ dueAt: z.string(), renewalsLeft: z.number() });
export const staffHoldBody = z.object({
  patronId: z.string().max(64),
  recordId: z.string().max(64),
  itemId: z.string().max(64).optional(),
  pickupBranch: z.string().max(16),
});
export const holdIdReply = z.object({ holdId: z.string() });
export const shelfQuery = z.object({ branch: z.string().max(16) });
export const shelfReply = z.object({
  ready: z.array(
    z.object({
      pickupCode: z.string(),
      title: z.string(),
      barcode: z.string(),
      callNumber: z.string().nullable(),
      shelfExpiresAt: z.string(),
    }),
  ),
  toClear: z.array(z.object({ barcode: z.string(), title: z.string(), callNumber: z.string().nullable() })),
  toPull: z.array(
    z.object({
      barcode: z.string(),
      title: z.string(),
      callNumber: z.string().nullable(),
      location: z.string().nullable(),
    }),
  ),
});
export const accountHoldBody = z.object({
  recordId: z.string().max(64),
  itemId: z.string().max(64).optional(),
  pickupBranch: z.string().max(16),
});
export const suspendBody = z.object({ until: z.string().max(10).optional() }).optional();
