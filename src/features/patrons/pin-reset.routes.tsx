// PIN reset by e-mail at the HTTP edge: /account/pin-reset asks for a link, /account/pin-reset/<token>
// sets the new PIN. Thin: parse, one service call, render. No page here is kept by a browser cache.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { sendPage } from '../../http/render.tsx';
import { domainStatus } from '../../http/errors.tsx';
import type { App } from '../../http/types.ts';
import {
  checkPinResetLink,
  PIN_RESET_REQUEST_SUMMARY,
  pinResetNewPinSchema,
  pinResetRequestSchema,
  requestPinReset,
  resetPinWithLink,
} from './pin-reset.service.ts';
import {
  PinResetFormPage,
  PinResetInvalidPage,
  PinResetRequestPage,
  PinResetSentPage,
} from './pin-reset.views.tsx';
import { formAction } from '../../http/form-action.ts';
import { loginNotices, PatronLoginPage } from './account.views.tsx';

const tokenParams = z.object({ token: z.string().max(200) });

const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');

export function registerPinResetRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get('/account/pin-reset', (_request, reply) =>
    sendPage(noStore(reply), <PinResetRequestPage library={library} csrfToken={reply.generateCsrf()} />),
  );

  app.post('/account/pin-reset', async (request, reply) => {
    void noStore(reply);
    const r = await formAction(
      request,
      reply,
      { schema: pinResetRequestSchema, summary: PIN_RESET_REQUEST_SUMMARY },
      (values) => requestPinReset(ctx, values, request.ip),
    );
    if (r.ok) return sendPage(reply, <PinResetSentPage library={library} />);
    return sendPage(
      reply,
      <PinResetRequestPage
        library={library}
        csrfToken={reply.generateCsrf()}
        error={r.failure.message}
        fields={r.failure.fields}
        cardNumber={r.failure.values.cardNumber?.slice(0, 40)}
      />,
      r.failure.status,
    );
  });

  app.get('/account/pin-reset/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const { token } = request.params;
    void noStore(reply);
    try {
      await checkPinResetLink(ctx, token);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return sendPage(
        reply,
        <PinResetInvalidPage library={library} message={err.message} />,
        domainStatus(err),
      );
    }
    return sendPage(
      reply,
      <PinResetFormPage library={library} csrfToken={reply.generateCsrf()} token={token} />,
    );
  });

  app.post('/account/pin-reset/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const { token } = request.params;
    void noStore(reply);
    const r = await formAction(request, reply, { schema: pinResetNewPinSchema }, (values) =>
      resetPinWithLink(ctx, token, values),
    );
    if (r.ok)
      // The sign-in form with the message, as this answer: a visitor has no session to keep a
      // message in, and a message never travels in a URL (issue 12 item 2).
      return sendPage(
        reply,
        <PatronLoginPage
          library={library}
          csrfToken={reply.generateCsrf()}
          next="/account"
          publicIdleMinutes={ctx.config.patronSession.publicIdleMinutes}
          notice={loginNotices['pin-reset']}
        />,
      );
    if (r.failure.error instanceof NotFoundError)
      return sendPage(
        reply,
        <PinResetInvalidPage library={library} message={r.failure.message} />,
        r.failure.status,
      );
    return sendPage(
      reply,
      <PinResetFormPage
        library={library}
        csrfToken={reply.generateCsrf()}
        token={token}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });
}
