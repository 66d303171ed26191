// PIN reset by e-mail at the HTTP edge: /account/pin-reset asks for a link, /account/pin-reset/<token>
// sets the new PIN. Thin: parse, one service call, render. No page here is kept by a browser cache.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../../errors.ts';
import { sendPage } from '../../http/render.tsx';
import { domainStatus } from '../../http/errors.tsx';
import type { App } from '../../http/types.ts';
import { checkPinResetLink, requestPinReset, resetPinWithLink } from './pin-reset.service.ts';
import {
  PinResetFormPage,
  PinResetInvalidPage,
  PinResetRequestPage,
  PinResetSentPage,
} from './pin-reset.views.tsx';
import { formFields } from '../../http/forms.ts';
import { loginNotices, PatronLoginPage } from './account.views.tsx';

const tokenParams = z.object({ token: z.string().max(200) });

const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');

export function registerPinResetRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get('/account/pin-reset', (_request, reply) =>
    sendPage(noStore(reply), <PinResetRequestPage library={library} csrfToken={reply.generateCsrf()} />),
  );

  app.post('/account/pin-reset', async (request, reply) => {
    const values = formFields(request);
    void noStore(reply);
    try {
      await requestPinReset(ctx, values, request.ip);
      return sendPage(reply, <PinResetSentPage library={library} />);
    } catch (err) {
      if (!(err instanceof ValidationError || err instanceof TooManyRequestsError)) throw err;
      if (err instanceof TooManyRequestsError)
        void reply.header('Retry-After', String(err.retryAfterSeconds));
      return sendPage(
        reply,
        <PinResetRequestPage
          library={library}
          csrfToken={reply.generateCsrf()}
          error={err.message}
          fields={err instanceof ValidationError ? err.fields : {}}
          cardNumber={values.cardNumber?.slice(0, 40)}
        />,
        domainStatus(err),
      );
    }
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
    try {
      await resetPinWithLink(ctx, token, formFields(request));
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
    } catch (err) {
      if (err instanceof NotFoundError)
        return sendPage(
          reply,
          <PinResetInvalidPage library={library} message={err.message} />,
          domainStatus(err),
        );
      if (!(err instanceof ValidationError)) throw err;
      return sendPage(
        reply,
        <PinResetFormPage
          library={library}
          csrfToken={reply.generateCsrf()}
          token={token}
          error={err.message}
          fields={err.fields}
        />,
        domainStatus(err),
      );
    }
  });
}
