// Ask a Librarian at the HTTP edge: the public form, delete link and FAQ under /ask, and the
// reference desk under /staff/reference. Thin: parse, guard, one service call, render. A refused
// form re-renders with what was typed and a 4xx status.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import { domainStatus } from '../../http/errors.tsx';
import type { App } from '../../http/types.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { faqDraft, listFaqs, publishFaq, unpublishFaq } from './reference.faq.ts';
import { ClientRateLimiter, signFormTime } from './reference.guard.ts';
import { canManageFaq, canUseReferenceDesk, canViewReferenceStats } from './reference.policy.ts';
import {
  askFormSchema,
  classifySchema,
  faqFormSchema,
  noFieldsSchema,
  noteSchema,
  replySchema,
  statsRangeSchema,
} from './reference.schemas.ts';
import * as desk from './reference-desk.service.ts';
import * as svc from './reference.service.ts';
import { getReferenceStats, referenceStatsCsv } from './reference.stats.ts';
import { questionStatuses } from './reference.table.ts';
import {
  AskPage,
  AskThanksPage,
  DeleteConfirmPage,
  DeleteDonePage,
  DeleteInvalidPage,
  FaqPublicPage,
} from './reference.views.tsx';
import {
  FaqAdminPage,
  QueuePage,
  QuestionPage,
  ReferenceStatsPage,
  type FailedForm,
} from './reference-desk.views.tsx';

const linkParams = z.object({ link: z.string().max(200) });
const idParams = z.object({ id: z.string().min(1).max(64) });
const queueQuery = z.object({
  status: z.enum(questionStatuses).optional().catch(undefined),
});

// Messages after a desk action wait in the staff session, never in the URL (issue 12 item 2).
const notices: Record<string, string> = {
  claimed: 'You have claimed this question.',
  unclaimed: 'The question is back in the queue.',
  replied: 'Your answer is on its way to the patron.',
  noted: 'Note added.',
  classified: 'Category and effort saved.',
  closed: 'The question is closed and its personal details are removed.',
  published: 'Published in the FAQ.',
  unpublished: 'The entry is no longer published.',
};

const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');

/** What the public form shows again after an error: the visible fields only. */
const askValues = (v: Record<string, string>) => ({
  question: v.question ?? '',
  replyTo: (v.replyTo ?? '').slice(0, 300),
  region: (v.region ?? '').slice(0, 10),
  zip: (v.zip ?? '').slice(0, 20),
});

export function registerReferenceRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const limiter = new ClientRateLimiter(ctx.config.reference.perClientPerHour);
  const renderedAt = () => signFormTime(ctx.config.secret, ctx.clock.now());

  // ---- public ------------------------------------------------------------------------------------

  app.get('/ask', (_request, reply) =>
    sendPage(
      noStore(reply),
      <AskPage library={library} csrfToken={reply.generateCsrf()} renderedAt={renderedAt()} />,
    ),
  );

  app.post('/ask', async (request, reply) => {
    void noStore(reply);
    const r = await formAction(request, reply, { schema: askFormSchema }, (values) =>
      svc.submitWebQuestion(ctx, limiter, values, request.ip),
    );
    if (r.ok) return sendPage(reply, <AskThanksPage library={library} />);
    return sendPage(
      reply,
      <AskPage
        library={library}
        csrfToken={reply.generateCsrf()}
        renderedAt={renderedAt()}
        values={askValues(r.failure.values)}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/ask/delete/:link', { schema: { params: linkParams } }, async (request, reply) => {
    const { link } = request.params;
    void noStore(reply);
    try {
      if (!(await svc.checkDeleteLink(ctx, link)))
        return sendPage(reply, <DeleteDonePage library={library} alreadyGone />);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return sendPage(reply, <DeleteInvalidPage library={library} message={err.message} />, 404);
    }
    return sendPage(
      reply,
      <DeleteConfirmPage library={library} csrfToken={reply.generateCsrf()} link={link} />,
    );
  });

  app.post('/ask/delete/:link', { schema: { params: linkParams } }, async (request, reply) => {
    void noStore(reply);
    const r = await formAction(request, reply, { schema: noFieldsSchema }, () =>
      svc.deleteQuestionByLink(ctx, request.params.link),
    );
    if (r.ok) return sendPage(reply, <DeleteDonePage library={library} alreadyGone={!r.result} />);
    if (!(r.failure.error instanceof NotFoundError)) throw r.failure.error;
    return sendPage(reply, <DeleteInvalidPage library={library} message={r.failure.message} />, 404);
  });

  app.get('/ask/faq', async (_request, reply) =>
    sendPage(reply, <FaqPublicPage library={library} groups={await listFaqs(ctx)} />),
  );

  // ---- the desk ------------------------------------------------------------------------------------

  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });

  app.get('/staff/reference', { schema: { querystring: queueQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canUseReferenceDesk);
    if (!actor) return reply;
    const status = request.query.status ?? 'new';
    const queue = await desk.getQueue(ctx, actor, status);
    const notice = await staffNotice(ctx, request, '/staff/reference', notices);
    return sendPage(
      reply,
      <QueuePage {...frame(request, reply)} status={status} {...queue} notice={notice} />,
    );
  });

  async function renderQuestion(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    id: string,
    opts: { notice?: string | undefined; error?: ValidationError | ConflictError; failed?: FailedForm } = {},
  ) {
    const q = await desk.getQuestion(ctx, actor, id);
    const draft = q.scrubbedAt && canManageFaq(actor) ? await faqDraft(ctx, id) : undefined;
    return sendPage(
      reply,
      <QuestionPage
        {...frame(request, reply)}
        q={q}
        notice={opts.notice}
        error={opts.error?.message}
        failed={opts.failed}
        faqDraft={draft}
      />,
      opts.error ? domainStatus(opts.error) : 200,
    );
  }

  app.get('/staff/reference/:id', { schema: { params: idParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canUseReferenceDesk);
    if (!actor) return reply;
    return renderQuestion(request, reply, actor, request.params.id, {
      notice: await staffNotice(ctx, request, `/staff/reference/${request.params.id}`, notices),
    });
  });

  /**
   * A desk form, checked by its schema: on success back to the question with a notice; invalid
   * input or a conflict (the question is closed) shows the page again, with what was typed in the
   * form that failed. Anything else (no such question, not allowed) is the error page.
   */
  const deskAction = <S extends z.ZodType>(
    what: FailedForm['form'] | 'claim' | 'unclaim' | 'close',
    notice: string,
    schema: S,
    run: (actor: StaffActor, id: string, values: z.output<S>) => Promise<unknown>,
  ) =>
    app.post(`/staff/reference/:id/${what}`, { schema: { params: idParams } }, async (request, reply) => {
      const actor = requireStaff(request, reply, what === 'faq' ? canManageFaq : canUseReferenceDesk);
      if (!actor) return reply;
      const { id } = request.params;
      const r = await formAction(request, reply, { schema }, (values) => run(actor, id, values));
      if (r.ok) return redirectWithStaffFlash(ctx, request, reply, `/staff/reference/${id}`, notice);
      const err = r.failure.error;
      if (!(err instanceof ValidationError || err instanceof ConflictError)) throw err;
      const failed =
        what === 'claim' || what === 'unclaim' || what === 'close'
          ? undefined
          : { form: what, values: r.failure.values, fields: r.failure.fields };
      return renderQuestion(request, reply, actor, id, { error: err, ...(failed ? { failed } : {}) });
    });

  deskAction('claim', 'claimed', noFieldsSchema, (actor, id) => desk.claimQuestion(ctx, actor, id));
  deskAction('unclaim', 'unclaimed', noFieldsSchema, (actor, id) => desk.unclaimQuestion(ctx, actor, id));
  deskAction('reply', 'replied', replySchema, (actor, id, v) => desk.replyToQuestion(ctx, actor, id, v));
  deskAction('note', 'noted', noteSchema, (actor, id, v) => desk.addNote(ctx, actor, id, v));
  deskAction('classify', 'classified', classifySchema, (actor, id, v) =>
    desk.classifyQuestion(ctx, actor, id, v),
  );
  deskAction('close', 'closed', noFieldsSchema, (actor, id) => desk.closeQuestion(ctx, actor, id));
  deskAction('faq', 'published', faqFormSchema, (actor, id, v) => publishFaq(ctx, actor, id, v));

  app.get('/staff/reference/stats', { schema: { querystring: statsRangeSchema } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewReferenceStats);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: statsRangeSchema, input: request.query }, (range) =>
      getReferenceStats(ctx, actor, range),
    );
    if (r.ok)
      return sendPage(
        reply,
        <ReferenceStatsPage
          {...frame(request, reply)}
          stats={r.result}
          values={{ from: r.result.from, to: r.result.to }}
        />,
      );
    return sendPage(
      reply,
      <ReferenceStatsPage
        {...frame(request, reply)}
        stats={null}
        values={request.query}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get(
    '/staff/reference/stats.csv',
    { schema: { querystring: statsRangeSchema } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canViewReferenceStats);
      if (!actor) return reply;
      const s = await getReferenceStats(ctx, actor, request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="reference-${s.from}-${s.to}.csv"`)
        .send(referenceStatsCsv(s));
    },
  );

  app.get('/staff/reference/faq', async (request, reply) => {
    const actor = requireStaff(request, reply, canManageFaq);
    if (!actor) return reply;
    return sendPage(
      reply,
      <FaqAdminPage
        {...frame(request, reply)}
        groups={await listFaqs(ctx)}
        notice={await staffNotice(ctx, request, '/staff/reference/faq', notices)}
      />,
    );
  });

  app.post('/staff/reference/faq/:id/delete', { schema: { params: idParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageFaq);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: noFieldsSchema }, () =>
      unpublishFaq(ctx, actor, request.params.id),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, '/staff/reference/faq', 'unpublished');
    // An entry already gone: the list again, with the reason.
    return sendPage(
      reply,
      <FaqAdminPage {...frame(request, reply)} groups={await listFaqs(ctx)} error={r.failure.message} />,
      r.failure.status,
    );
  });
}
