// Circulation as JSON under /api/v1: the desk's actions for staff, and a patron's own loans and
// holds. Schemas and presenters: circulation.api-schemas.ts.
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { requirePatron } from '../../http/patron-auth.ts';
import type { App } from '../../http/types.ts';
import { parseInput } from '../../validation.ts';
import {
  accountHoldBody,
  checkinBody,
  checkinReply,
  checkoutBody,
  checkoutReply,
  holdIdReply,
  holdJson,
  loanJson,
  presentHold,
  presentLoan,
  renewReply,
  shelfQuery,
  shelfReply,
  staffHoldBody,
  suspendBody,
} from './circulation.api-schemas.ts';
import { canUseDesk } from './circulation.policy.ts';
import { idParams } from './circulation.route-parts.ts';
import {
  branchField,
  checkInSchema,
  checkOutSchema,
  parseCirculation,
  SUSPEND_SUMMARY,
  suspendHoldForm,
} from './circulation.schemas.ts';
import * as circ from './circulation.service.ts';
import { openPatronAtDesk } from './desk.service.ts';
import * as holds from './holds.service.ts';

const staffTags = { tags: ['circulation (staff)'] };
const patronTags = { tags: ['account (patron)'] };

export function registerCirculationApi(app: App, ctx: AppContext): void {
  registerStaffApi(app, ctx);
  registerPatronApi(app, ctx);
}

/** The patron a staff check-out is for: by card number or by id, one of them. */
const patronRef = z
  .object({ cardNumber: z.string().optional(), patronId: z.string().optional() })
  .refine((b) => Boolean(b.cardNumber || b.patronId), { message: 'Required.', path: ['cardNumber'] });

function registerStaffApi(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const checkOutInput = checkOutSchema(library);
  const checkInInput = checkInSchema(library);
  const shelfBranch = z.object({ branch: branchField(library) });
  app.post(
    '/api/v1/staff/circulation/checkout',
    {
      schema: {
        ...staffTags,
        summary: 'Check an item out to a patron',
        body: checkoutBody,
        response: { 200: checkoutReply },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const b = request.body;
      const who = parseInput(patronRef, b, 'Give the patron by cardNumber or patronId.');
      // Opening the patron is logged (A6) inside the check-out's own transaction.
      return circ.checkOut(ctx, actor, {
        ...who,
        logAccess: 'circulation',
        ...parseCirculation(checkOutInput, b),
      });
    },
  );

  app.post(
    '/api/v1/staff/circulation/checkin',
    {
      schema: {
        ...staffTags,
        summary: 'Check an item in; says where it goes next',
        body: checkinBody,
        response: { 200: checkinReply },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return circ.checkIn(ctx, actor, parseCirculation(checkInInput, request.body));
    },
  );

  app.post(
    '/api/v1/staff/circulation/loans/:id/renew',
    {
      schema: { ...staffTags, summary: 'Renew a loan', params: idParams, response: { 200: renewReply } },
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
        body: staffHoldBody,
        response: { 201: holdIdReply },
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
        querystring: shelfQuery,
        response: { 200: shelfReply },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const { branch } = parseCirculation(shelfBranch, request.query);
      return holds.getShelf(ctx, { kind: 'staff', actor }, branch);
    },
  );
}

function registerPatronApi(app: App, ctx: AppContext): void {
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
        response: { 200: renewReply },
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
        body: accountHoldBody,
        response: { 201: holdIdReply },
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
        body: suspendBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const { until } = parseInput(suspendHoldForm, request.body ?? {}, SUSPEND_SUMMARY);
      await holds.suspendHold(ctx, { kind: 'patron', patron }, request.params.id, until);
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
