// The patron's own pages: sign-in and sign-out, the account overview, change PIN, "My data" (HTML
// and a JSON download) and closing the account. Thin: parse, guard, one service call, render.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../../errors.ts';
import { PATRON_COOKIE, patronCookieOptions, requirePatron, safeNext } from '../../http/patron-auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { mailPreferencesSchema, setMailPreferences } from './mail-preferences.ts';
import { MailPreferencesPage, preferencesOf } from './mail-preferences.views.tsx';
import { buildMyData } from './my-data.ts';
import { toPatron } from './patron.ts';
import * as session from './patron-session.service.ts';
import { findPatronById } from './patrons.repository.ts';
import { borrowingBlock } from './patrons.policy.ts';
import { formAction, type FormFailure } from '../../http/form-action.ts';
import { changePinSchema, confirmPinSchema, patronLoginSchema } from './patrons.schemas.ts';
import { setPatronFlash, takePatronFlash } from '../../http/flash.ts';
import {
  AccountClosedPage,
  AccountPage,
  accountNotices,
  ChangePinPage,
  CloseAccountPage,
  MyDataPage,
  PatronLoginPage,
} from './account.views.tsx';

// Where to go after signing in; never a message (issue 12 item 2: messages come from the session).
const nextQuery = z.object({ next: z.string().max(300).optional() });

/**
 * An account that vanished while its form was being sent (closed at the desk, or the session gone)
 * is not a refusal of what was typed: the error page answers, as before these forms used formAction.
 */
function accountStillThere(failure: FormFailure): void {
  if (failure.error instanceof UnauthenticatedError || failure.error instanceof NotFoundError)
    throw failure.error;
}

/** Account pages must not be kept by a shared computer's browser or a proxy. */
const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');

export function registerAccountRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const publicIdleMinutes = ctx.config.patronSession.publicIdleMinutes;

  /** The signed-in patron's account, freshly read; a closed account signs the visitor out. */
  async function me(request: FastifyRequest, reply: FastifyReply) {
    const actor = requirePatron(request, reply);
    if (!actor) return null;
    const row = await findPatronById(ctx.db, actor.id);
    if (!row) {
      void reply.redirect('/account/login', 303);
      return null;
    }
    void noStore(reply);
    return { actor, patron: toPatron(row) };
  }

  app.get('/account/login', { schema: { querystring: nextQuery } }, (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.patron) return reply.redirect(next, 303);
    return sendPage(
      reply,
      <PatronLoginPage
        library={library}
        csrfToken={reply.generateCsrf()}
        next={next}
        publicIdleMinutes={publicIdleMinutes}
      />,
    );
  });

  app.post('/account/login', { schema: { querystring: nextQuery } }, async (request, reply) => {
    const next = safeNext(request.query.next);
    const r = await formAction(
      request,
      reply,
      { schema: patronLoginSchema, summary: 'Enter your card number and PIN.' },
      (values) => session.loginPatron(ctx, values, request.ip),
    );
    if (r.ok) {
      void reply.setCookie(PATRON_COOKIE, r.result.token, patronCookieOptions(request));
      return reply.redirect(r.result.actor.mustChangePin ? '/account/pin' : next, 303);
    }
    const values = r.failure.values;
    return sendPage(
      reply,
      <PatronLoginPage
        library={library}
        csrfToken={reply.generateCsrf()}
        error={r.failure.message}
        fields={r.failure.fields}
        cardNumber={values.cardNumber?.slice(0, 40)}
        publicTerminal={values.publicTerminal === 'on'}
        next={next}
        publicIdleMinutes={publicIdleMinutes}
      />,
      r.failure.status,
    );
  });

  app.post('/account/logout', async (request, reply) => {
    const token = request.cookies[PATRON_COOKIE];
    if (token) await session.logoutPatron(ctx, token);
    void reply.clearCookie(PATRON_COOKIE, patronCookieOptions(request));
    return reply.redirect('/account/login', 303);
  });

  app.get('/account', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    const block = borrowingBlock(
      { card_expires_at: m.patron.cardExpiresAt, block_reason: m.patron.blockReason },
      iso(ctx.clock.now()),
    );
    const flash = await takePatronFlash(ctx, request, '/account');
    const notice = flash ? accountNotices[flash.code] : undefined;
    return sendPage(
      reply,
      <AccountPage
        library={library}
        csrfToken={reply.generateCsrf()}
        patron={m.patron}
        block={block}
        notice={notice}
      />,
    );
  });

  app.get('/account/pin', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    return sendPage(
      reply,
      <ChangePinPage library={library} csrfToken={reply.generateCsrf()} mustChange={m.actor.mustChangePin} />,
    );
  });

  app.post('/account/pin', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    const r = await formAction(request, reply, { schema: changePinSchema }, (values) =>
      session.changePin(ctx, m.actor, values),
    );
    if (r.ok) {
      await setPatronFlash(ctx, request, { path: '/account', code: 'pin-changed' });
      return reply.redirect('/account', 303);
    }
    accountStillThere(r.failure);
    return sendPage(
      reply,
      <ChangePinPage
        library={library}
        csrfToken={reply.generateCsrf()}
        mustChange={m.actor.mustChangePin}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/account/email', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    return sendPage(
      reply,
      <MailPreferencesPage
        library={library}
        csrfToken={reply.generateCsrf()}
        patron={m.patron}
        values={preferencesOf(m.patron)}
      />,
    );
  });

  app.post('/account/email', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    const r = await formAction(request, reply, { schema: mailPreferencesSchema }, (values) =>
      setMailPreferences(ctx, m.actor, values),
    );
    if (r.ok) {
      await setPatronFlash(ctx, request, { path: '/account', code: 'email-saved' });
      return reply.redirect('/account', 303);
    }
    accountStillThere(r.failure);
    const typed = r.failure.values;
    return sendPage(
      reply,
      <MailPreferencesPage
        library={library}
        csrfToken={reply.generateCsrf()}
        patron={m.patron}
        values={{
          email: typed.email ?? '',
          notices: typed.notices === 'none' ? 'none' : 'email',
          titles: typed.titles === 'on',
          announcements: typed.announcements === 'on',
        }}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/account/data', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    const data = await buildMyData(ctx, m.actor.id);
    return sendPage(reply, <MyDataPage library={library} csrfToken={reply.generateCsrf()} data={data} />);
  });

  app.get('/account/data.json', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    const data = await buildMyData(ctx, m.actor.id);
    return reply
      .header(
        'Content-Disposition',
        `attachment; filename="my-library-data-${data.generatedAt.slice(0, 10)}.json"`,
      )
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  app.get('/account/close', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    return sendPage(
      reply,
      <CloseAccountPage library={library} csrfToken={reply.generateCsrf()} openLoans={m.patron.openLoans} />,
    );
  });

  app.post('/account/close', async (request, reply) => {
    const m = await me(request, reply);
    if (!m) return reply;
    const r = await formAction(request, reply, { schema: confirmPinSchema }, (values) =>
      session.closeOwnAccount(ctx, m.actor, values),
    );
    if (r.ok) {
      void reply.clearCookie(PATRON_COOKIE, patronCookieOptions(request));
      return sendPage(reply, <AccountClosedPage library={library} />);
    }
    accountStillThere(r.failure);
    const { error } = r.failure;
    return sendPage(
      reply,
      <CloseAccountPage
        library={library}
        csrfToken={reply.generateCsrf()}
        openLoans={error instanceof ConflictError ? Math.max(1, m.patron.openLoans) : m.patron.openLoans}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });
}
