// The patron feature's JSON API: the staff side (registration, look-up with a purpose, the record,
// the access log) under /api/v1/staff, and the patron's own account under /api/v1/account, using
// the same cookie sessions as the pages. Presenters build every response field by field. Bodies and
// queries are checked at this edge with the forms' schemas (parseInput), so the API refuses what the
// pages refuse, with the same per-field messages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { requirePatron } from '../../http/patron-auth.ts';
import type { App } from '../../http/types.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { canReadAccessLog, canRegisterPatrons, canViewPatron } from '../staff/staff.policy.ts';
import { isAccessPurpose } from './access-log.ts';
import { buildMyData } from './my-data.ts';
import { toPatron, type Patron } from './patron.ts';
import { findPatronById } from './patrons.repository.ts';
import { borrowingBlock } from './patrons.policy.ts';
import * as patrons from './patrons.service.ts';
import { accessLogQuerySchema, lookupSchema, registerPatronSchema } from './patrons.schemas.ts';
import { parseInput } from '../../validation.ts';

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

const patronSchema = z.object({
  id: z.string(),
  cardNumber: z.string(),
  name: z.string(),
  homeBranch: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  ageBand: z.string().nullable(),
  cardExpiresAt: z.string(),
  blockReason: z.string().nullable(),
  blockedAt: z.string().nullable(),
  /** Why the patron cannot borrow now (block or expired card), or null. */
  borrowingBlock: z.string().nullable(),
  openLoans: z.number(),
  mustChangePin: z.boolean(),
  createdAt: z.string(),
});

const presentPatron = (p: Patron, nowIso: string): z.infer<typeof patronSchema> => ({
  id: p.id,
  cardNumber: p.cardNumber,
  name: p.name,
  homeBranch: p.homeBranch,
  email: p.email,
  phone: p.phone,
  ageBand: p.ageBand,
  cardExpiresAt: p.cardExpiresAt,
  blockReason: p.blockReason,
  blockedAt: p.blockedAt,
  borrowingBlock: borrowingBlock({ card_expires_at: p.cardExpiresAt, block_reason: p.blockReason }, nowIso),
  openLoans: p.openLoans,
  mustChangePin: p.mustChangePin,
  createdAt: p.createdAt,
});

const accountSchema = z.object({
  name: z.string(),
  cardNumber: z.string(),
  homeBranch: z.string(),
  cardExpiresAt: z.string(),
  borrowingBlock: z.string().nullable(),
  openLoans: z.number(),
  links: z.object({ loans: z.string(), holds: z.string(), history: z.string(), data: z.string() }),
});

const myDataSchema = z.object({
  generatedAt: z.string(),
  tables: z.array(
    z.object({
      table: z.string(),
      description: z.string(),
      columns: z.array(z.object({ name: z.string(), description: z.string() })),
      rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
    }),
  ),
});

const short = z.string().max(100).optional();
const SEARCH_BY_POST =
  'Search with POST /api/v1/staff/patrons/search and the purpose, card number or name in a JSON body: a card number or name in a URL is written to proxy logs and browser history.';
const ACCESS_LOG_BY_POST =
  'Filter by card number with POST /api/v1/staff/access-log/search and the card number in a JSON body: a card number in a URL is written to proxy logs and browser history.';
const staffTags = ['staff: patrons'];

export function registerPatronApi(app: App, ctx: AppContext): void {
  const now = () => iso(ctx.clock.now());
  const staffOf = (request: FastifyRequest, reply: FastifyReply, can: Parameters<typeof requireStaff>[2]) =>
    requireStaff(request, reply, can)!; // API requests get 401/403 thrown, never a redirect

  app.post(
    '/api/v1/staff/patrons',
    {
      schema: {
        tags: staffTags,
        summary:
          'Register a patron (A1: only name, home branch, optional card number, e-mail, phone, age band, PIN)',
        body: z.unknown(),
        response: {
          201: z.object({ patron: patronSchema, oneTimePin: z.string().nullable() }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request, reply, canRegisterPatrons);
      const values = parseInput(registerPatronSchema(ctx.config.library), request.body);
      const created = await patrons.registerPatron(ctx, actor, values);
      return reply
        .code(201)
        .send({ patron: presentPatron(created.patron, now()), oneTimePin: created.oneTimePin });
    },
  );

  const matchesSchema = z.object({
    purpose: z.string(),
    matches: z.array(
      z.object({ id: z.string(), cardNumber: z.string(), name: z.string(), homeBranch: z.string() }),
    ),
  });

  // A card number or name in a query string reaches proxy logs (which the operators' guide puts in
  // front of Carrel) and browser history: the search is posted (issue 12 item 1, G4).
  app.post(
    '/api/v1/staff/patrons/search',
    {
      schema: {
        tags: staffTags,
        summary:
          'Find patrons by exact card number or by name, for a stated purpose (posted: no card number or name in a URL)',
        description:
          'The JSON body holds `purpose` and either `cardNumber` or at least two letters of `name`. Needs the CSRF token in a `csrf-token` header.',
        body: z.object({
          purpose: short.describe('Why the patron is looked for: one of the access-log purposes.'),
          cardNumber: short.describe('An exact card number.'),
          name: short.describe('The start or a part of the name (at least two letters).'),
        }),
        response: { 200: matchesSchema, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request, reply, canViewPatron);
      const found = await patrons.findPatrons(ctx, actor, parseInput(lookupSchema, request.body));
      return {
        purpose: found.purpose,
        matches: found.matches.map((m) => ({
          id: m.id,
          cardNumber: m.cardNumber,
          name: m.name,
          homeBranch: m.homeBranch,
        })),
      };
    },
  );

  app.get(
    '/api/v1/staff/patrons',
    {
      schema: {
        tags: staffTags,
        summary: 'Refused: search with POST /api/v1/staff/patrons/search',
        description: SEARCH_BY_POST,
        deprecated: true,
        querystring: z.object({
          purpose: short,
          cardNumber: short.describe('Refused with 400: post it to /api/v1/staff/patrons/search.'),
          name: short.describe('Refused with 400: post it to /api/v1/staff/patrons/search.'),
        }),
        response: { 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    (request, reply) => {
      staffOf(request, reply, canViewPatron);
      throw new ValidationError(SEARCH_BY_POST, {
        ...(request.query.cardNumber !== undefined && {
          cardNumber: 'Send it in the JSON body of the POST.',
        }),
        ...(request.query.name !== undefined && { name: 'Send it in the JSON body of the POST.' }),
      });
    },
  );

  app.get(
    '/api/v1/staff/patrons/:id',
    {
      schema: {
        tags: staffTags,
        summary: 'Open a patron record (logged in the staff access log with the purpose, A6)',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ purpose: short }),
        response: { 200: patronSchema, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request, reply, canViewPatron);
      const { purpose } = request.query;
      if (!isAccessPurpose(purpose))
        throw new ValidationError('Say why you are opening the record.', {
          purpose: 'Choose why you are opening the record.',
        });
      return presentPatron(await patrons.viewPatron(ctx, actor, request.params.id, purpose), now());
    },
  );

  const accessLogSchema = z.object({
    page: z.number(),
    hasMore: z.boolean(),
    entries: z.array(
      z.object({
        viewedAt: z.string(),
        purpose: z.string(),
        staffUsername: z.string().nullable(),
        staffName: z.string().nullable(),
        cardNumber: z.string().nullable(),
      }),
    ),
  });
  const presentAccessLog = (res: Awaited<ReturnType<typeof patrons.readAccessLog>>) => ({
    page: res.page,
    hasMore: res.hasMore,
    entries: res.entries.map((e) => ({
      viewedAt: e.viewedAt,
      purpose: e.purpose,
      staffUsername: e.staffUsername,
      staffName: e.staffName,
      cardNumber: e.cardNumber,
    })),
  });

  app.post(
    '/api/v1/staff/access-log/search',
    {
      schema: {
        tags: staffTags,
        summary:
          'The staff access log for one card number, newest first, 50 per page (privacy officer only; posted: no card number in a URL)',
        description:
          'The JSON body holds `cardNumber` and optionally `staff`, `from`, `to` (YYYY-MM-DD) and `page`. Needs the CSRF token in a `csrf-token` header.',
        body: z.object({
          cardNumber: short.describe("The patron's card number."),
          staff: short.describe('A staff user name.'),
          from: short.describe('First day, YYYY-MM-DD.'),
          to: short.describe('Last day (included), YYYY-MM-DD.'),
          page: z
            .union([z.number(), z.string().max(10)])
            .optional()
            .describe('Page number, from 1.'),
        }),
        response: { 200: accessLogSchema, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request, reply, canReadAccessLog);
      const q = parseInput(accessLogQuerySchema, request.body);
      return presentAccessLog(await patrons.readAccessLog(ctx, actor, q));
    },
  );

  app.get(
    '/api/v1/staff/access-log',
    {
      schema: {
        tags: staffTags,
        summary:
          'The staff access log, newest first, 50 per page (privacy officer only); to filter by card number, POST /api/v1/staff/access-log/search',
        querystring: z.object({
          staff: short,
          from: short,
          to: short,
          page: short,
          cardNumber: short.describe('Refused with 400: post it to /api/v1/staff/access-log/search.'),
        }),
        response: { 200: accessLogSchema, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request, reply, canReadAccessLog);
      const { cardNumber, ...query } = request.query;
      if (cardNumber !== undefined)
        throw new ValidationError(ACCESS_LOG_BY_POST, {
          cardNumber: 'Send it in the JSON body of the POST.',
        });
      return presentAccessLog(
        await patrons.readAccessLog(ctx, actor, parseInput(accessLogQuerySchema, query)),
      );
    },
  );

  app.get(
    '/api/v1/account',
    {
      schema: {
        tags: ['patron account'],
        summary: "The signed-in patron's account (cookie session from /account/login)",
        response: { 200: accountSchema, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const actor = requirePatron(request, reply)!;
      const row = await findPatronById(ctx.db, actor.id);
      if (!row) throw new NotFoundError('This account no longer exists.');
      void reply.header('Cache-Control', 'no-store');
      const p = toPatron(row);
      return {
        name: p.name,
        cardNumber: p.cardNumber,
        homeBranch: p.homeBranch,
        cardExpiresAt: p.cardExpiresAt,
        borrowingBlock: borrowingBlock(
          { card_expires_at: p.cardExpiresAt, block_reason: p.blockReason },
          now(),
        ),
        openLoans: p.openLoans,
        links: {
          loans: '/account/loans',
          holds: '/account/holds',
          history: '/account/history',
          data: '/api/v1/account/data',
        },
      };
    },
  );

  app.get(
    '/api/v1/account/data',
    {
      schema: {
        tags: ['patron account'],
        summary: 'Everything the library holds about the signed-in patron, from the data inventory (A5)',
        response: { 200: myDataSchema, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const actor = requirePatron(request, reply)!;
      void reply.header('Cache-Control', 'no-store');
      return buildMyData(ctx, actor.id);
    },
  );
}
