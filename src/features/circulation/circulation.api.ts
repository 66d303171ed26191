// Circulation as JSON under /api/v1: the desk's actions for staff, and a patron's own loans and
// holds. Responses are built field by field (presenters), so a new column never leaks into JSON.
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { requirePatron } from '../../http/patron-auth.ts';
import type { App } from '../../http/types.ts';
import { canUseDesk } from './circulation.policy.ts';
import { idParams } from './circulation.route-parts.ts';
import * as circ from './circulation.service.ts';
import { openPatronAtDesk } from './desk.service.ts';
import * as holds from './holds.service.ts';

const loanJson = z.object({
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
const holdJson = z.object({
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
const presentLoan = (l: Awaited<ReturnType<typeof circ.getLoans>>[number]): z.infer<typeof loanJson> => ({
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
const presentHold = (h: Awaited<ReturnType<typeof holds.getHolds>>[number]): z.infer<typeof holdJson> => ({
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
const routeJson = z.object({
  to: z.enum(['shelf', 'hold_shelf', 'transit', 'damaged']),
  branch: z.string().optional(),
  forHold: z.boolean().optional(),
  pickupCode: z.string().optional(),
  shelfExpiresAt: z.string().optional(),
});

export function registerCirculationApi(app: App, ctx: AppContext): void {
  const staffTags = { tags: ['circulation (staff)'] };
  const patronTags = { tags: ['account (patron)'] };

  app.post(
    '/api/v1/staff/circulation/checkout',
    {
      schema: {
        ...staffTags,
        summary: 'Check an item out to a patron',
        body: z.object({
          patronId: z.string().max(64).optional(),
          cardNumber: z.string().max(64).optional(),
          barcode: z.string().max(64),
          branch: z.string().max(16),
          overrideReason: z.string().max(500).optional(),
        }),
        response: {
          200: z.object({
            loanId: z.string(),
            title: z.string(),
            barcode: z.string(),
            dueAt: z.string(),
            pickedUpHold: z.boolean(),
            overridden: z.array(z.string()),
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const b = request.body;
      if (!b.cardNumber && !b.patronId)
        throw new ValidationError('Give the patron by cardNumber or patronId.', { cardNumber: 'Required.' });
      // Opening the patron is logged (A6) inside the check-out's own transaction.
      return circ.checkOut(ctx, actor, {
        cardNumber: b.cardNumber,
        patronId: b.patronId,
        logAccess: 'circulation',
        barcode: b.barcode,
        branch: b.branch,
        overrideReason: b.overrideReason,
      });
    },
  );

  app.post(
    '/api/v1/staff/circulation/checkin',
    {
      schema: {
        ...staffTags,
        summary: 'Check an item in; says where it goes next',
        body: z.object({
          barcode: z.string().max(64),
          branch: z.string().max(16),
          damaged: z.boolean().optional(),
        }),
        response: {
          200: z.object({ title: z.string(), barcode: z.string(), wasOnLoan: z.boolean(), route: routeJson }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return circ.checkIn(ctx, actor, request.body);
    },
  );

  app.post(
    '/api/v1/staff/circulation/loans/:id/renew',
    {
      schema: {
        ...staffTags,
        summary: 'Renew a loan',
        params: idParams,
        response: { 200: z.object({ dueAt: z.string(), renewalsLeft: z.number() }) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return circ.renewLoan(ctx, { kind: 'staff', actor }, request.params.id);
    },
  );

  app.get(
    '/api/v1/staff/patrons/:id/circulation',
    {
      schema: {
        ...staffTags,
        summary: "A patron's current loans and holds (never past loans); logged in the access log",
        params: idParams,
        response: { 200: z.object({ loans: z.array(loanJson), holds: z.array(holdJson) }) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const patron = await openPatronAtDesk(ctx, actor, {
        patronId: request.params.id,
        purpose: 'circulation',
      });
      const who = { kind: 'staff', actor } as const;
      return {
        loans: (await circ.getLoans(ctx, who, patron.id)).map(presentLoan),
        holds: (await holds.getHolds(ctx, who, patron.id)).map(presentHold),
      };
    },
  );

  app.post(
    '/api/v1/staff/holds',
    {
      schema: {
        ...staffTags,
        summary: 'Place a hold for a patron',
        body: z.object({
          patronId: z.string().max(64),
          recordId: z.string().max(64),
          itemId: z.string().max(64).optional(),
          pickupBranch: z.string().max(16),
        }),
        response: { 201: z.object({ holdId: z.string() }) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const b = request.body;
      const r = await holds.placeHold(
        ctx,
        { kind: 'staff', actor },
        { patronId: b.patronId, bibId: b.recordId, itemId: b.itemId, pickupBranch: b.pickupBranch },
      );
      return reply.code(201).send(r);
    },
  );

  app.delete(
    '/api/v1/staff/holds/:id',
    { schema: { ...staffTags, summary: 'Cancel a hold', params: idParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      await holds.cancelHold(ctx, { kind: 'staff', actor }, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/staff/holds/shelf',
    {
      schema: {
        ...staffTags,
        summary: 'Hold shelf, copies to clear and pull list of a branch (pickup codes, never names)',
        querystring: z.object({ branch: z.string().max(16) }),
        response: {
          200: z.object({
            ready: z.array(
              z.object({
                pickupCode: z.string(),
                title: z.string(),
                barcode: z.string(),
                callNumber: z.string().nullable(),
                shelfExpiresAt: z.string(),
              }),
            ),
            toClear: z.array(
              z.object({ barcode: z.string(), title: z.string(), callNumber: z.string().nullable() }),
            ),
            toPull: z.array(
              z.object({
                barcode: z.string(),
                title: z.string(),
                callNumber: z.string().nullable(),
                location: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return holds.getShelf(ctx, { kind: 'staff', actor }, circ.requireBranch(ctx, request.query.branch));
    },
  );

  // Patron side.
  app.get(
    '/api/v1/account/loans',
    {
      schema: {
        ...patronTags,
        summary: 'Your current loans',
        response: { 200: z.object({ loans: z.array(loanJson) }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return { loans: (await circ.getLoans(ctx, { kind: 'patron', patron }, patron.id)).map(presentLoan) };
    },
  );

  app.post(
    '/api/v1/account/loans/:id/renew',
    {
      schema: {
        ...patronTags,
        summary: 'Renew one of your loans',
        params: idParams,
        response: { 200: z.object({ dueAt: z.string(), renewalsLeft: z.number() }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return circ.renewLoan(ctx, { kind: 'patron', patron }, request.params.id);
    },
  );

  app.get(
    '/api/v1/account/holds',
    {
      schema: {
        ...patronTags,
        summary: 'Your holds with their place in line',
        response: { 200: z.object({ holds: z.array(holdJson) }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return { holds: (await holds.getHolds(ctx, { kind: 'patron', patron }, patron.id)).map(presentHold) };
    },
  );

  app.post(
    '/api/v1/account/holds',
    {
      schema: {
        ...patronTags,
        summary: 'Place a hold',
        body: z.object({
          recordId: z.string().max(64),
          itemId: z.string().max(64).optional(),
          pickupBranch: z.string().max(16),
        }),
        response: { 201: z.object({ holdId: z.string() }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const b = request.body;
      const r = await holds.placeHold(
        ctx,
        { kind: 'patron', patron },
        { patronId: patron.id, bibId: b.recordId, itemId: b.itemId, pickupBranch: b.pickupBranch },
      );
      return reply.code(201).send(r);
    },
  );

  app.post(
    '/api/v1/account/holds/:id/suspend',
    {
      schema: {
        ...patronTags,
        summary: 'Pause one of your holds, optionally until a date (YYYY-MM-DD); it keeps its place',
        params: idParams,
        body: z.object({ until: z.string().max(10).optional() }).optional(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      await holds.suspendHold(ctx, { kind: 'patron', patron }, request.params.id, request.body?.until);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/account/holds/:id/resume',
    {
      schema: {
        ...patronTags,
        summary: 'Resume a paused hold',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      await holds.resumeHold(ctx, { kind: 'patron', patron }, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/account/holds/:id',
    {
      schema: {
        ...patronTags,
        summary: 'Cancel one of your holds',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      await holds.cancelHold(ctx, { kind: 'patron', patron }, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
