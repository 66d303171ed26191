// Staff catalog: MARC upload for admins, the record list and record pages, and copy (item)
// management for admins and circulation staff; and the same over the staff API. Thin: parse,
// guard, one service call, render. Forms that fail re-render with what was typed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction } from '../../http/form-action.ts';
import { formFields, text } from '../../http/forms.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canImportCatalog, canManageItems, canViewStaffCatalog } from './catalog.policy.ts';
import * as catalog from './catalog.service.ts';
import {
  CatalogListPage,
  catalogNoticeText,
  ItemFormPage,
  RecordPage,
  type ItemFormValues,
} from './catalog-admin.views.tsx';
import { ImportPage, ImportSummaryPage } from './import/import.views.tsx';
import { importCatalog } from './import/import.service.ts';
import {
  IMPORT_MAX_MB,
  installUploadHandling,
  StoredBody,
  uploadedFiles,
  uploadSource,
  withUpload,
} from './import/upload.ts';
import { itemStatuses } from './catalog.table.ts';
import {
  editableStatuses,
  editItemSchema,
  importFormSchema,
  importOptionsSchema,
  newItemSchema,
} from './catalog.schemas.ts';
import { parseInput } from '../../validation.ts';

export { IMPORT_MAX_MB };

const idParams = { params: z.object({ id: z.string().min(1).max(64) }) };
/** What was typed into a copy form, cut to a length the form shows again. */
const itemValues = (body: Record<string, string>): ItemFormValues => ({
  barcode: text(body.barcode)?.slice(0, 100),
  callNumber: text(body.callNumber)?.slice(0, 300),
  branchCode: text(body.branchCode)?.slice(0, 20),
  location: text(body.location)?.slice(0, 200),
  materialType: text(body.materialType)?.slice(0, 40),
  status: text(body.status)?.slice(0, 40),
});

const itemSchema = z.object({
  id: z.string(),
  bibId: z.string(),
  barcode: z.string(),
  callNumber: z.string().nullable(),
  branchCode: z.string(),
  location: z.string().nullable(),
  materialType: z.string(),
  status: z.enum(itemStatuses),
  transitTo: z.string().nullable(),
  updatedAt: z.string(),
});
const summarySchema = z.object({
  read: z.number(),
  imported: z.number(),
  updated: z.number(),
  skipped: z.record(z.string(), z.number()),
  items: z.object({ created: z.number(), updated: z.number(), skipped: z.number() }),
  problems: z.array(
    z.object({
      source: z.string(),
      record: z.number(),
      position: z.string(),
      controlNumber: z.string().optional(),
      reason: z.string(),
    }),
  ),
  problemsNotListed: z.number(),
  durationMs: z.number(),
});
const itemBody = z.object({
  callNumber: z.string().optional(),
  branchCode: z.string().optional(),
  location: z.string().optional(),
  materialType: z.string().optional(),
  status: z.string().optional(),
});
const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export function registerCatalogAdminRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const branches = library.branches.map((b) => ({ code: b.code, name: b.name }));
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });

  app.get(
    '/staff/catalog',
    { schema: { querystring: z.object({ q: z.string().max(200).optional() }) } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canViewStaffCatalog);
      if (!actor) return reply;
      const query = request.query.q?.trim() ?? '';
      const records = await catalog.findRecords(ctx, actor, query);
      return sendPage(
        reply,
        <CatalogListPage
          {...frame(request, reply)}
          query={query}
          records={records}
          canImport={canImportCatalog(actor)}
        />,
      );
    },
  );

  app.get('/staff/catalog/import', (request, reply) => {
    if (!requireStaff(request, reply, canImportCatalog)) return reply;
    return sendPage(
      reply,
      <ImportPage {...frame(request, reply)} values={{}} branches={branches} maxMegabytes={IMPORT_MAX_MB} />,
    );
  });

  // The two import routes live in their own scope: only they read multipart or raw MARC bodies,
  // and only after the upload gate (import/upload.ts) has checked who is sending (item 6).
  void app.register(async (scope: App) => {
    installUploadHandling(scope, ctx);

    scope.post('/staff/catalog/import', async (request, reply) => {
      const actor = requireStaff(request, reply, canImportCatalog);
      if (!actor) return reply;
      // The multipart reader (import/multipart.ts) puts the uploaded files beside the text fields.
      const part = uploadedFiles(request).find((f) => f.field === 'file');
      const file = part && part.size > 0 ? part : undefined;
      // Without a name (no file, or an empty one) the schema refuses the form.
      const name = file && (file.filename.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 100) || 'upload');
      const r = await formAction(
        request,
        reply,
        { schema: importFormSchema, input: { ...formFields(request), file: name } },
        ({ file: fileName, ...options }) =>
          withUpload(request, () => importCatalog(ctx, actor, [uploadSource(fileName, file!.path)], options)),
      );
      if (r.ok)
        return sendPage(
          reply,
          <ImportSummaryPage {...frame(request, reply)} summary={r.result} fileName={name!} />,
        );
      const typed = r.failure.values;
      return sendPage(
        reply,
        <ImportPage
          {...frame(request, reply)}
          values={{ branch: typed.branch, items: typed.items === 'on', encoding: typed.encoding }}
          branches={branches}
          maxMegabytes={IMPORT_MAX_MB}
          error={r.failure.message}
          fields={r.failure.fields}
        />,
        r.failure.status,
      );
    });

    scope.post(
      '/api/v1/staff/catalog/import',
      {
        schema: {
          tags: ['staff'],
          summary: 'Import MARC records (administrators): the body is an ISO 2709 or MARCXML file',
          querystring: z.object({
            items: z.enum(['true', 'false']).optional(),
            branch: z.string().max(20).optional(),
            encoding: z.string().max(10).optional(),
          }),
          response: { 200: summarySchema, 400: errorBody, 401: errorBody, 403: errorBody },
        },
      },
      async (request, reply) => {
        const actor = requireStaff(request, reply, canImportCatalog);
        if (!actor) return reply;
        const body = request.body;
        if (!(body instanceof StoredBody) || body.size === 0)
          throw new ValidationError(
            'Send the MARC data as the request body (Content-Type: application/marc or application/xml).',
            {
              body: 'The request body is empty.',
            },
          );
        const options = parseInput(importOptionsSchema, {
          ...request.query,
          items: request.query.items === 'true',
        });
        return withUpload(request, () =>
          importCatalog(ctx, actor, [uploadSource('request body', body.path)], options),
        );
      },
    );
  });

  app.get('/staff/catalog/records/:id', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewStaffCatalog);
    if (!actor) return reply;
    const { record, items } = await catalog.getRecord(ctx, actor, request.params.id);
    // The message after an edit waits in the staff session, never in the URL (issue 12 item 2).
    const notice = await staffNotice(ctx, request, `/staff/catalog/records/${record.id}`, catalogNoticeText);
    return sendPage(
      reply,
      <RecordPage
        {...frame(request, reply)}
        record={record}
        items={items}
        canManage={canManageItems(actor)}
        notice={notice}
        timezone={library.timezone}
      />,
    );
  });

  app.get('/staff/catalog/records/:id/items/new', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageItems);
    if (!actor) return reply;
    const { record } = await catalog.getRecord(ctx, actor, request.params.id);
    return sendPage(
      reply,
      <ItemFormPage
        {...frame(request, reply)}
        record={record}
        values={{ branchCode: branches[0]?.code, status: 'available', materialType: undefined }}
        branches={branches}
      />,
    );
  });

  app.post('/staff/catalog/records/:id/items/new', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageItems);
    if (!actor) return reply;
    const bibId = request.params.id;
    const r = await formAction(request, reply, { schema: newItemSchema }, (values) =>
      catalog.addItem(ctx, actor, bibId, values),
    );
    if (r.ok)
      return redirectWithStaffFlash(ctx, request, reply, `/staff/catalog/records/${bibId}`, 'item-added');
    const { record } = await catalog.getRecord(ctx, actor, bibId);
    return sendPage(
      reply,
      <ItemFormPage
        {...frame(request, reply)}
        record={record}
        values={itemValues(r.failure.values)}
        branches={branches}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  const lockedMessage = (status: string) =>
    (editableStatuses as readonly string[]).includes(status)
      ? undefined
      : `This copy is ${status.replace(/_/g, ' ')}. It can be changed here only after the circulation desk has checked it in or cleared it from the hold shelf.`;

  app.get('/staff/catalog/items/:id/edit', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageItems);
    if (!actor) return reply;
    const item = await catalog.getItem(ctx, actor, request.params.id);
    const { record } = await catalog.getRecord(ctx, actor, item.bibId);
    return sendPage(
      reply,
      <ItemFormPage
        {...frame(request, reply)}
        record={record}
        item={item}
        values={{ ...item, callNumber: item.callNumber ?? '', location: item.location ?? '' }}
        branches={branches}
        locked={lockedMessage(item.status)}
      />,
    );
  });

  app.post('/staff/catalog/items/:id/edit', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageItems);
    if (!actor) return reply;
    const item = await catalog.getItem(ctx, actor, request.params.id);
    const r = await formAction(request, reply, { schema: editItemSchema }, (values) =>
      catalog.updateItemDetails(ctx, actor, item.id, values),
    );
    if (r.ok)
      return redirectWithStaffFlash(
        ctx,
        request,
        reply,
        `/staff/catalog/records/${item.bibId}`,
        'item-saved',
      );
    const { record } = await catalog.getRecord(ctx, actor, item.bibId);
    return sendPage(
      reply,
      <ItemFormPage
        {...frame(request, reply)}
        record={record}
        item={item}
        values={itemValues(r.failure.values)}
        branches={branches}
        error={r.failure.message}
        fields={r.failure.fields}
        locked={r.failure.error.kind === 'conflict' ? r.failure.message : undefined}
      />,
      r.failure.status,
    );
  });

  // ---- Staff API ----

  app.get(
    '/api/v1/staff/catalog/records/:id',
    {
      schema: {
        tags: ['staff'],
        summary: 'A catalog record with its copies',
        ...idParams,
        response: {
          200: z.object({
            record: z.object({
              id: z.string(),
              controlNumber: z.string(),
              title: z.string(),
              author: z.string().nullable(),
              format: z.string(),
              language: z.string().nullable(),
              pubYear: z.number().nullable(),
              publisher: z.string().nullable(),
              isbn: z.string().nullable(),
              issn: z.string().nullable(),
              subjects: z.array(z.string()),
              series: z.array(z.string()),
              notes: z.array(z.string()),
              updatedAt: z.string(),
            }),
            items: z.array(itemSchema),
          }),
          404: errorBody,
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canViewStaffCatalog);
      if (!actor) return reply;
      return catalog.getRecord(ctx, actor, request.params.id);
    },
  );

  app.get(
    '/api/v1/staff/catalog/items/:id',
    {
      schema: {
        tags: ['staff'],
        summary: 'A copy',
        ...idParams,
        response: { 200: itemSchema, 404: errorBody },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canViewStaffCatalog);
      if (!actor) return reply;
      return catalog.getItem(ctx, actor, request.params.id);
    },
  );

  app.post(
    '/api/v1/staff/catalog/records/:id/items',
    {
      schema: {
        tags: ['staff'],
        summary: 'Add a copy to a record (administrators, circulation)',
        ...idParams,
        body: itemBody.extend({ barcode: z.string().optional() }),
        response: { 201: itemSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canManageItems);
      if (!actor) return reply;
      const item = await catalog.addItem(
        ctx,
        actor,
        request.params.id,
        parseInput(newItemSchema, request.body),
      );
      return reply.code(201).send(item);
    },
  );

  app.post(
    '/api/v1/staff/catalog/items/:id',
    {
      schema: {
        tags: ['staff'],
        summary:
          'Change a copy: call number, branch, location, material type, status (available, damaged, missing, lost)',
        ...idParams,
        body: itemBody,
        response: { 200: itemSchema, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canManageItems);
      if (!actor) return reply;
      return catalog.updateItemDetails(
        ctx,
        actor,
        request.params.id,
        parseInput(editItemSchema, request.body),
      );
    },
  );
}
