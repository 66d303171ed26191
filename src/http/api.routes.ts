// The JSON API under /api/v1, described by an OpenAPI document at /api/v1/openapi.json.
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { buildPrivacyPolicy } from '../privacy/privacy-policy.ts';
import { weekdays } from '../library.ts';
import { pingDatabase } from './health.repository.ts';
import type { App } from './types.ts';

const hours = z.object({ opens: z.string(), closes: z.string() }).nullable();
const contact = z.object({ name: z.string(), email: z.string(), phone: z.string().optional() });
const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const librarySchema = z.object({
  name: z.string(),
  timezone: z.string(),
  branches: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      address: z.object({ street: z.string(), city: z.string(), region: z.string(), postalCode: z.string() }),
      phone: z.string().optional(),
      hours: z.object(
        Object.fromEntries(weekdays.map((d) => [d, hours])) as Record<
          (typeof weekdays)[number],
          typeof hours
        >,
      ),
    }),
  ),
  contacts: z.object({ webmaster: contact, headLibrarian: contact }),
});

const policySchema = z.object({
  libraryName: z.string(),
  purgeEveryMinutes: z.number(),
  deletedGoneWithinSeconds: z
    .number()
    .nullable()
    .describe(
      'SQLite: a deleted or scrubbed personal value is overwritten in the database files (the write-ahead log included) within this many seconds, as the privacy page says; null on PostgreSQL, where the database server may keep the bytes until it reuses the space.',
    ),
  tables: z.array(
    z.object({
      table: z.string(),
      description: z.string(),
      columns: z.array(z.object({ name: z.string(), personal: z.boolean(), description: z.string() })),
      retention: z.array(z.object({ id: z.string(), description: z.string() })),
    }),
  ),
  sections: z.array(
    z.object({
      category: z.string(),
      title: z.string(),
      items: z.array(
        z.object({
          table: z.string(),
          column: z.string(),
          what: z.string(),
          why: z.string(),
          howLong: z.string(),
          whoCanSee: z.array(z.string()),
          inYourCopy: z.boolean(),
          clauses: z.array(z.string()),
        }),
      ),
    }),
  ),
});

export function registerApiRoutes(api: App, ctx: AppContext): void {
  const lib = ctx.config.library;
  // Presenter: build the response field by field so new configuration never leaks by accident.
  const library = {
    name: lib.name,
    timezone: lib.timezone,
    branches: lib.branches.map((b) => ({
      code: b.code,
      name: b.name,
      address: { ...b.address },
      ...(b.phone ? { phone: b.phone } : {}),
      hours: Object.fromEntries(weekdays.map((d) => [d, b.hours[d] ?? null])) as Record<
        (typeof weekdays)[number],
        { opens: string; closes: string } | null
      >,
    })),
    contacts: lib.contacts,
  };
  const policy = buildPrivacyPolicy(ctx.inventory, ctx.config);

  api.get(
    '/library',
    {
      schema: {
        tags: ['public'],
        summary: 'The library: name, branches, hours, contacts',
        response: { 200: librarySchema },
      },
    },
    async () => library,
  );

  api.get(
    '/privacy',
    {
      schema: {
        tags: ['public'],
        summary: 'The privacy policy generated from the data inventory',
        response: { 200: policySchema },
      },
    },
    async () => ({
      libraryName: policy.libraryName,
      purgeEveryMinutes: policy.purgeEveryMinutes,
      deletedGoneWithinSeconds: policy.deletedGoneWithinSeconds,
      tables: policy.tables,
      sections: policy.sections,
    }),
  );

  api.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database reachability',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }),
          503: errorBody,
        },
      },
    },
    async (_request, reply) => {
      try {
        await pingDatabase(ctx.db);
        return { status: 'ok' as const, database: ctx.database.ops.name };
      } catch {
        return reply
          .code(503)
          .send({ error: { code: 'database_unavailable', message: 'The database cannot be reached.' } });
      }
    },
  );

  api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());
}
