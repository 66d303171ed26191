// Announcement pages for the webmaster and administrators, and the public unsubscribe link with
// its RFC 8058 one-click POST. Thin: parse, guard, one service call, render.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction, noFields, type FormFailure } from '../../http/form-action.ts';
import { formFields } from '../../http/forms.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canManageAnnouncements, type StaffActor } from '../staff/staff.policy.ts';
import * as service from './announcements.service.ts';
import {
  AnnouncementListPage,
  AnnouncementPage,
  ComposePage,
  UnsubscribePage,
} from './announcements.views.tsx';

const idParams = z.object({ id: z.string().max(40) });
const tokenParams = z.object({ token: z.string().max(100) });

// Messages after a redirect wait in the staff session, never in the URL (issue 12 item 2).
const notices: Record<string, string> = {
  saved: 'Draft saved. Check the preview below before sending.',
  sending: 'Sending has started. The counts below grow as messages leave; reload to follow.',
  cancelled: 'The announcement was stopped; no further messages will go out.',
};

export function registerAnnouncementRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });

  app.get('/staff/announcements', async (request, reply) => {
    const actor = requireStaff(request, reply, canManageAnnouncements);
    if (!actor) return reply;
    const list = await service.listAnnouncements(ctx, actor);
    const notice = await staffNotice(ctx, request, '/staff/announcements', notices);
    return sendPage(reply, <AnnouncementListPage {...frame(request, reply)} {...list} notice={notice} />);
  });

  app.get('/staff/announcements/new', (request, reply) => {
    const actor = requireStaff(request, reply, canManageAnnouncements);
    if (!actor) return reply;
    return sendPage(reply, <ComposePage {...frame(request, reply)} values={{}} />);
  });

  app.post('/staff/announcements/new', async (request, reply) => {
    const actor = requireStaff(request, reply, canManageAnnouncements);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: service.announcementSchema }, (values) =>
      service.createAnnouncement(ctx, actor, values),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, `/staff/announcements/${r.result}`, 'saved');
    return sendPage(
      reply,
      <ComposePage
        {...frame(request, reply)}
        values={r.failure.values}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/announcements/:id', { schema: { params: idParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageAnnouncements);
    if (!actor) return reply;
    const view = await service.viewAnnouncement(ctx, actor, request.params.id);
    const notice = await staffNotice(ctx, request, `/staff/announcements/${request.params.id}`, notices);
    return sendPage(reply, <AnnouncementPage {...frame(request, reply)} view={view} notice={notice} />);
  });

  /** The announcement's page again, with the refusal of an edit, send or cancel (and the edit's values). */
  async function reshowAnnouncement(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    id: string,
    failure: FormFailure,
    values?: FormFailure['values'],
  ) {
    const view = await service.viewAnnouncement(ctx, actor, id);
    return sendPage(
      reply,
      <AnnouncementPage
        {...frame(request, reply)}
        view={view}
        {...(values ? { values } : {})}
        error={failure.message}
        fields={failure.fields}
      />,
      failure.status,
    );
  }

  app.post('/staff/announcements/:id', { schema: { params: idParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageAnnouncements);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: service.announcementSchema }, (values) =>
      service.updateAnnouncement(ctx, actor, request.params.id, values),
    );
    if (r.ok)
      return redirectWithStaffFlash(
        ctx,
        request,
        reply,
        `/staff/announcements/${request.params.id}`,
        'saved',
      );
    return reshowAnnouncement(request, reply, actor, request.params.id, r.failure, r.failure.values);
  });

  for (const [action, run, notice] of [
    ['send', service.sendAnnouncement, 'sending'],
    ['cancel', service.cancelAnnouncement, 'cancelled'],
  ] as const) {
    app.post(
      `/staff/announcements/:id/${action}`,
      { schema: { params: idParams } },
      async (request, reply) => {
        const actor = requireStaff(request, reply, canManageAnnouncements);
        if (!actor) return reply;
        const r = await formAction(request, reply, { schema: noFields }, async () => {
          await run(ctx, actor, request.params.id);
        });
        if (r.ok)
          return redirectWithStaffFlash(
            ctx,
            request,
            reply,
            `/staff/announcements/${request.params.id}`,
            notice,
          );
        return reshowAnnouncement(request, reply, actor, request.params.id, r.failure);
      },
    );
  }

  // The link in every announcement: GET only shows a button (mail scanners follow links).
  app.get('/unsubscribe/:token', { schema: { params: tokenParams } }, (request, reply) => {
    const valid = service.isValidUnsubscribeToken(ctx, request.params.token);
    return sendPage(
      reply.header('Cache-Control', 'no-store'),
      <UnsubscribePage library={library} token={request.params.token} done={null} valid={valid} />,
      valid ? 200 : 404,
    );
  });

  // RFC 8058 one-click: mail programs POST "List-Unsubscribe=One-Click" with no cookie or form
  // token, so this route is exempt from CSRF; the signed token is the authority.
  app.post(
    '/unsubscribe/:token',
    { schema: { params: tokenParams }, config: { csrf: false } },
    async (request, reply) => {
      if (!service.isValidUnsubscribeToken(ctx, request.params.token))
        return sendPage(
          reply,
          <UnsubscribePage library={library} token={request.params.token} done={null} valid={false} />,
          404,
        );
      const done = await service.unsubscribeByToken(ctx, request.params.token);
      if (formFields(request)['List-Unsubscribe'] === 'One-Click')
        return reply.type('text/plain; charset=utf-8').send('Unsubscribed.\n');
      return sendPage(
        reply.header('Cache-Control', 'no-store'),
        <UnsubscribePage library={library} token={request.params.token} done={done} valid />,
      );
    },
  );
}
