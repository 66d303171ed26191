// The case pages (issue 15 item 1; L1, L6): the list and one case, for the privacy officer and
// counsel only (everyone else gets the 403 page); a case's files as downloads, never shown inline.
// Thin: guard, one service call, presenter, view.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { presentCase, presentCaseList } from './legal-cases.presenter.ts';
import { CASES_PATH, CaseListPage, CasePage } from './legal-cases.views.tsx';
import { listCases, readCaseLog } from './legal-read.service.ts';
import { canReadCases } from './legal.policy.ts';
import { readCaseFile } from './legal.service.ts';

const id = z.string().min(1).max(40);
const caseParams = z.object({ id });
const fileParams = z.object({ id, fileId: id });

/** A file name safe in a Content-Disposition header: ASCII in filename, the rest in filename*. */
const disposition = (name: string) => {
  const ascii = name.replace(/[^\x20-\x7e]|["\\;]/g, '_').slice(0, 150) || 'file';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 150))}`;
};

export function registerLegalCaseRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });

  app.get(CASES_PATH, async (request, reply) => {
    const actor = requireStaff(request, reply, canReadCases);
    if (!actor) return reply;
    const { cases, more } = await listCases(ctx, actor);
    return sendPage(
      reply,
      <CaseListPage {...frame(request, reply)} rows={presentCaseList(cases, library.timezone)} more={more} />,
    );
  });

  app.get(`${CASES_PATH}/:id`, { schema: { params: caseParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canReadCases);
    if (!actor) return reply;
    const file = await readCaseFile(ctx, actor, request.params.id);
    const log = await readCaseLog(ctx, actor, file.id);
    return sendPage(
      reply,
      <CasePage {...frame(request, reply)} c={presentCase(file, log, library.timezone)} />,
    );
  });

  app.get(`${CASES_PATH}/:id/files/:fileId`, { schema: { params: fileParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canReadCases);
    if (!actor) return reply;
    const file = await readCaseFile(ctx, actor, request.params.id);
    const a = file.attachments.find((x) => x.id === request.params.fileId);
    if (!a) throw new NotFoundError('There is no such file in this case.');
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', disposition(a.name))
      .header('x-content-type-options', 'nosniff')
      .type(a.mediaType)
      .send(a.bytes);
  });
}
