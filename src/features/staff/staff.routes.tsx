// Staff interface routes: sign-in/out, own password, and account management for administrators.
// Thin: parse, guard, one service call, render. Forms that fail re-render with what was typed
// (never a password) and a message per field.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Actor } from '../../auth/actors.ts';
import { requireStaff, STAFF_COOKIE, staffCookieOptions } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction, noFields, type FormFailure } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { findSignInAlert, getSignInAttacks } from './sign-in-alerts.service.ts';
import { SIGN_IN_ALERTS_PATH, SignInAttacksPage } from './sign-in-alerts.views.tsx';
import { canManageStaff, canViewSignInAlerts } from './staff.policy.ts';
import * as staff from './staff.service.ts';
import {
  changePasswordSchema,
  LOGIN_SUMMARY,
  loginSchema,
  newStaffFormSchema,
  updateStaffSchema,
} from './staff.schemas.ts';
import {
  ChangePasswordPage,
  EditStaffPage,
  LoginPage,
  NewStaffPage,
  noticeText,
  OneTimePasswordPage,
  StaffHomePage,
  StaffListPage,
} from './staff.views.tsx';

const idParams = { params: z.object({ id: z.string().min(1).max(64) }) };

export function registerStaffRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const tz = library.timezone;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });

  app.get('/staff/login', (request, reply) => {
    if (request.actor) return reply.redirect('/staff', 303);
    return sendPage(reply, <LoginPage library={library} csrfToken={reply.generateCsrf()} />);
  });

  app.post('/staff/login', async (request, reply) => {
    const r = await formAction(request, reply, { schema: loginSchema, summary: LOGIN_SUMMARY }, (v) =>
      staff.login(ctx, v, request.ip),
    );
    if (r.ok) {
      void reply.setCookie(STAFF_COOKIE, r.result.token, staffCookieOptions(request));
      return reply.redirect(r.result.actor.mustChangePassword ? '/staff/password' : '/staff', 303);
    }
    return sendPage(
      reply,
      <LoginPage
        library={library}
        csrfToken={reply.generateCsrf()}
        error={r.failure.message}
        fields={r.failure.fields}
        username={r.failure.values.username?.slice(0, 64)}
      />,
      r.failure.status,
    );
  });

  app.post('/staff/logout', async (request, reply) => {
    if (request.staffToken) await staff.logout(ctx, request.staffToken);
    void reply.clearCookie(STAFF_COOKIE, staffCookieOptions(request));
    return reply.redirect('/staff/login', 303);
  });

  // Messages after a redirect come from the staff session, never from the URL (issue 12 item 2).
  app.get('/staff', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const notice = await staffNotice(ctx, request, '/staff', noticeText);
    const signInAlert = await findSignInAlert(ctx, actor);
    return sendPage(
      reply,
      <StaffHomePage {...frame(request, reply)} notice={notice} signInAlert={signInAlert} />,
    );
  });

  // Accounts under a distributed sign-in attack, counted, and the model explained (issue 12 item 7).
  app.get(SIGN_IN_ALERTS_PATH, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewSignInAlerts);
    if (!actor) return reply;
    const counts = await getSignInAttacks(ctx, actor);
    return sendPage(reply, <SignInAttacksPage {...frame(request, reply)} counts={counts} />);
  });

  app.get('/staff/password', (request, reply) => {
    if (!requireStaff(request, reply)) return reply;
    return sendPage(reply, <ChangePasswordPage {...frame(request, reply)} />);
  });

  app.post('/staff/password', async (request, reply) => {
    const actor = requireStaff(request, reply);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: changePasswordSchema }, (v) =>
      staff.changeOwnPassword(ctx, actor, request.staffToken!, v),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, '/staff', 'password-changed');
    return sendPage(
      reply,
      <ChangePasswordPage {...frame(request, reply)} error={r.failure.message} fields={r.failure.fields} />,
      r.failure.status,
    );
  });

  app.get('/staff/admin/staff', async (request, reply) => {
    const actor = requireStaff(request, reply, canManageStaff);
    if (!actor) return reply;
    const members = await staff.listStaff(ctx, actor);
    const notice = await staffNotice(ctx, request, '/staff/admin/staff', noticeText);
    return sendPage(reply, <StaffListPage {...frame(request, reply)} staff={members} notice={notice} />);
  });

  app.get('/staff/admin/staff/new', (request, reply) => {
    if (!requireStaff(request, reply, canManageStaff)) return reply;
    return sendPage(reply, <NewStaffPage {...frame(request, reply)} values={{}} />);
  });

  app.post('/staff/admin/staff/new', async (request, reply) => {
    const actor = requireStaff(request, reply, canManageStaff);
    if (!actor) return reply;
    // Roles are check boxes: posted once, several times or not at all; every ticked one is kept.
    const r = await formAction(request, reply, { schema: newStaffFormSchema, lists: ['roles'] }, (v) =>
      staff.createStaff(ctx, actor, v),
    );
    if (r.ok)
      return sendPage(
        reply,
        <OneTimePasswordPage
          {...frame(request, reply)}
          member={r.result.staff}
          password={r.result.oneTimePassword!}
          created
        />,
        201,
      );
    const { username, displayName } = r.failure.values;
    return sendPage(
      reply,
      <NewStaffPage
        {...frame(request, reply)}
        error={r.failure.message}
        fields={r.failure.fields}
        values={{ username, displayName, roles: r.failure.lists.roles }}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/admin/staff/:id', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageStaff);
    if (!actor) return reply;
    const member = await staff.getStaff(ctx, actor, request.params.id);
    return sendPage(
      reply,
      <EditStaffPage {...frame(request, reply)} member={member} values={member} timezone={tz} />,
    );
  });

  app.post('/staff/admin/staff/:id', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageStaff);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: updateStaffSchema, lists: ['roles'] }, (v) =>
      staff.updateStaffAccount(ctx, actor, request.params.id, v),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, '/staff/admin/staff', 'saved');
    // The one rule: a refusal (invalid input, the last administrator) re-shows the form; an account
    // that no longer exists has no form to show, so getStaff answers 404.
    const member = await staff.getStaff(ctx, actor, request.params.id);
    return sendPage(
      reply,
      <EditStaffPage
        {...frame(request, reply)}
        member={member}
        values={{ displayName: r.failure.values.displayName, roles: r.failure.lists.roles }}
        timezone={tz}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  // The account page's buttons: nothing typed, but a refusal (e.g. disabling the last
  // administrator) re-shows the account page with its reason, like any other form.
  const reshowAccount = async (
    request: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    failure: FormFailure,
  ) => {
    const member = await staff.getStaff(ctx, actor, id);
    return sendPage(
      reply,
      <EditStaffPage
        {...frame(request, reply)}
        member={member}
        values={member}
        timezone={tz}
        error={failure.message}
        fields={failure.fields}
      />,
      failure.status,
    );
  };

  app.post('/staff/admin/staff/:id/reset-password', { schema: idParams }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManageStaff);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: noFields }, () =>
      staff.resetStaffPassword(ctx, actor, { id: request.params.id }),
    );
    if (!r.ok) return reshowAccount(request, reply, actor, request.params.id, r.failure);
    const member = await staff.getStaff(ctx, actor, request.params.id);
    return sendPage(
      reply,
      <OneTimePasswordPage {...frame(request, reply)} member={member} password={r.result} created={false} />,
    );
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(`/staff/admin/staff/:id/${action}`, { schema: idParams }, async (request, reply) => {
      const actor = requireStaff(request, reply, canManageStaff);
      if (!actor) return reply;
      const r = await formAction(request, reply, { schema: noFields }, () =>
        staff.setStaffDisabled(ctx, actor, request.params.id, disabled),
      );
      if (!r.ok) return reshowAccount(request, reply, actor, request.params.id, r.failure);
      return redirectWithStaffFlash(ctx, request, reply, '/staff/admin/staff', `${action}d`);
    });
  }
}
