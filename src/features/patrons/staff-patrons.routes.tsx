// Staff pages for patron accounts: look-up with a purpose, the record (each opening logged, A6),
// registration, edits, card renewal, blocks, PIN resets, closing; and the privacy officer's log.
// Thin: parse, guard, one service call, render. Forms that fail keep what was typed (never a PIN).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { iso } from '../../clock.ts';
import { NotFoundError } from '../../errors.ts';
import { formAction, type FormFailure } from '../../http/form-action.ts';
import { requireStaff } from '../../http/auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import {
  canReadAccessLog,
  canRegisterPatrons,
  canViewPatron,
  type StaffActor,
} from '../staff/staff.policy.ts';
import { isAccessPurpose, type AccessLogEntry, type AccessPurpose } from './access-log.ts';
import * as patrons from './patrons.service.ts';
import {
  accessLogQuerySchema,
  blockSchema,
  lookupSchema,
  registerPatronSchema,
  resetPinSchema,
  updatePatronSchema,
} from './patrons.schemas.ts';
import { formFields } from '../../http/forms.ts';
import { setStaffFlash, takeStaffFlash } from '../../http/flash.ts';
import { AccessLogPage, type AccessLogLinkValues, type AccessLogValues } from './access-log.views.tsx';
import {
  EditPatronPage,
  NewPatronPage,
  OneTimePinPage,
  PatronClosedPage,
  PatronLookupPage,
  PatronPage,
  patronNotices,
  PurposePage,
} from './patrons.views.tsx';

const idParams = z.object({ id: z.string().min(1).max(64) });
const short = z.string().max(100).optional();
// A record's URL carries the patron id and why it was opened, never a message (issue 12 item 2).
const recordQuery = z.object({ purpose: short });
/** A refusal as the pages show it: the summary and one message per field. */
const failureProps = (f: Pick<FormFailure, 'message' | 'fields'>) => ({ error: f.message, fields: f.fields });

/**
 * An edit of a record that does not exist (any more) has no form to show again: the error page
 * answers, as for any address that names nothing.
 */
function onlyInputRefusals(failure: FormFailure): void {
  if (failure.error instanceof NotFoundError) throw failure.error;
}

const CARD_IN_URL =
  'A card number is not accepted in a link: links are kept in the browser’s history and in proxy logs. Type the card number in the form below.';

export function registerStaffPatronRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });
  const recordPath = (id: string) => `/staff/patrons/${id}`;
  const record = (id: string, purpose: AccessPurpose) => `${recordPath(id)}?purpose=${purpose}`;
  /** Goes to a patron's record with a message waiting for it in the staff session. */
  const recordWith = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    purpose: AccessPurpose,
    notice: string,
  ) => {
    await setStaffFlash(ctx, request, { path: recordPath(id), code: notice });
    return reply.redirect(record(id, purpose), 303);
  };

  app.get('/staff/patrons', (request, reply) => {
    const actor = requireStaff(request, reply, canViewPatron);
    if (!actor) return reply;
    return sendPage(
      reply,
      <PatronLookupPage {...frame(request, reply)} values={{}} canRegister={canRegisterPatrons(actor)} />,
    );
  });

  // The look-up is posted so that neither a card number nor a name is ever in a URL (issue 12 item 1).
  app.post('/staff/patrons', async (request, reply) => {
    const actor = requireStaff(request, reply, canViewPatron);
    if (!actor) return reply;
    const f = formFields(request);
    const values = { purpose: f.purpose, cardNumber: f.cardNumber, name: f.name };
    const canRegister = canRegisterPatrons(actor);
    const r = await formAction(request, reply, { schema: lookupSchema, input: values }, (q) =>
      patrons.findPatrons(ctx, actor, q),
    );
    if (r.ok && r.result.byCard && r.result.matches.length === 1)
      return reply.redirect(record(r.result.matches[0]!.id, r.result.purpose), 303);
    return sendPage(
      reply,
      <PatronLookupPage
        {...frame(request, reply)}
        values={r.ok ? values : r.failure.values}
        canRegister={canRegister}
        {...(r.ok ? { matches: r.result.matches } : failureProps(r.failure))}
      />,
      r.ok ? 200 : r.failure.status,
    );
  });

  app.get('/staff/patrons/new', (request, reply) => {
    if (!requireStaff(request, reply, canRegisterPatrons)) return reply;
    return sendPage(reply, <NewPatronPage {...frame(request, reply)} values={{}} />);
  });

  app.post('/staff/patrons/new', async (request, reply) => {
    const actor = requireStaff(request, reply, canRegisterPatrons);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: registerPatronSchema(library) }, (values) =>
      patrons.registerPatron(ctx, actor, values),
    );
    if (r.ok)
      return sendPage(
        reply,
        <OneTimePinPage
          {...frame(request, reply)}
          patron={r.result.patron}
          pin={r.result.oneTimePin}
          created
        />,
        201,
      );
    return sendPage(
      reply,
      <NewPatronPage {...frame(request, reply)} values={r.failure.values} {...failureProps(r.failure)} />,
      r.failure.status,
    );
  });

  app.get(
    '/staff/patrons/:id',
    { schema: { params: idParams, querystring: recordQuery } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canViewPatron);
      if (!actor) return reply;
      const { purpose } = request.query;
      if (!isAccessPurpose(purpose)) {
        return sendPage(
          reply,
          <PurposePage
            {...frame(request, reply)}
            patronId={request.params.id}
            {...(purpose !== undefined && { error: 'Choose why you are opening the record.' })}
          />,
          purpose === undefined ? 200 : 400,
        );
      }
      const patron = await patrons.viewPatron(ctx, actor, request.params.id, purpose);
      const { flash } = await takeStaffFlash(ctx, request, recordPath(patron.id));
      return sendPage(
        reply,
        <PatronPage
          {...frame(request, reply)}
          patron={patron}
          purpose={purpose}
          nowIso={iso(ctx.clock.now())}
          notice={flash ? patronNotices[flash.code] : undefined}
        />,
      );
    },
  );

  /** The purpose an action on a record was opened for; actions log their own purpose as well. */
  const purposeOf = (q: { purpose?: string | undefined }): AccessPurpose =>
    isAccessPurpose(q.purpose) ? q.purpose : 'account-help';

  app.get(
    '/staff/patrons/:id/edit',
    { schema: { params: idParams, querystring: recordQuery } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canRegisterPatrons);
      if (!actor) return reply;
      const p = await patrons.viewPatron(ctx, actor, request.params.id, 'registration');
      const values = {
        name: p.name,
        homeBranch: p.homeBranch,
        email: p.email ?? undefined,
        phone: p.phone ?? undefined,
        ageBand: p.ageBand ?? undefined,
      };
      return sendPage(
        reply,
        <EditPatronPage
          {...frame(request, reply)}
          values={values}
          patronId={p.id}
          purpose={purposeOf(request.query)}
        />,
      );
    },
  );

  app.post(
    '/staff/patrons/:id/edit',
    { schema: { params: idParams, querystring: recordQuery } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canRegisterPatrons);
      if (!actor) return reply;
      const purpose = purposeOf(request.query);
      const r = await formAction(request, reply, { schema: updatePatronSchema(library) }, (values) =>
        patrons.updatePatronDetails(ctx, actor, request.params.id, values),
      );
      if (r.ok) return recordWith(request, reply, request.params.id, purpose, 'saved');
      onlyInputRefusals(r.failure);
      return sendPage(
        reply,
        <EditPatronPage
          {...frame(request, reply)}
          values={r.failure.values}
          patronId={request.params.id}
          purpose={purpose}
          {...failureProps(r.failure)}
        />,
        r.failure.status,
      );
    },
  );

  /** An action on the record page; renewing and unblocking take nothing but the CSRF token. */
  function recordAction<S extends z.ZodType>(
    action: string,
    notice: string,
    schema: S,
    run: (actor: StaffActor, id: string, values: z.output<S>) => Promise<unknown>,
  ) {
    app.post(
      `/staff/patrons/:id/${action}`,
      { schema: { params: idParams, querystring: recordQuery } },
      async (request, reply) => {
        const actor = requireStaff(request, reply, canRegisterPatrons);
        if (!actor) return reply;
        const purpose = purposeOf(request.query);
        const r = await formAction(request, reply, { schema }, (values) =>
          run(actor, request.params.id, values),
        );
        if (r.ok) return recordWith(request, reply, request.params.id, purpose, notice);
        return reshowRecord(request, reply, request.params.id, actor, purpose, r.failure);
      },
    );
  }
  const nothing = z.object({});
  recordAction('renew', 'renewed', nothing, (actor, id) => patrons.renewCard(ctx, actor, id));
  recordAction('unblock', 'unblocked', nothing, (actor, id) => patrons.unblockPatron(ctx, actor, id));
  recordAction('block', 'blocked', blockSchema, (actor, id, body) =>
    patrons.blockPatron(ctx, actor, id, body),
  );

  app.post(
    '/staff/patrons/:id/reset-pin',
    { schema: { params: idParams, querystring: recordQuery } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canRegisterPatrons);
      if (!actor) return reply;
      const r = await formAction(request, reply, { schema: resetPinSchema }, async () => {
        const pin = await patrons.resetPin(ctx, actor, request.params.id);
        return { pin, patron: await patrons.viewPatron(ctx, actor, request.params.id, 'pin-reset') };
      });
      if (r.ok)
        return sendPage(reply, <OneTimePinPage {...frame(request, reply)} {...r.result} created={false} />);
      return reshowRecord(request, reply, request.params.id, actor, purposeOf(request.query), r.failure);
    },
  );

  // Closing is refused while items are out (409): the record shows why, as for its other actions.
  app.post(
    '/staff/patrons/:id/close',
    { schema: { params: idParams, querystring: recordQuery } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canRegisterPatrons);
      if (!actor) return reply;
      const r = await formAction(request, reply, { schema: nothing }, () =>
        patrons.closePatronAccount(ctx, actor, request.params.id),
      );
      if (r.ok) return sendPage(reply, <PatronClosedPage {...frame(request, reply)} />);
      return reshowRecord(request, reply, request.params.id, actor, purposeOf(request.query), r.failure);
    },
  );

  /** The record again, with the refusal of an action taken on it (the patron's id is in the URL). */
  async function reshowRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    actor: StaffActor,
    purpose: AccessPurpose,
    failure: FormFailure,
  ) {
    const patron = await patrons.viewPatron(ctx, actor, id, purpose);
    return sendPage(
      reply,
      <PatronPage
        {...frame(request, reply)}
        patron={patron}
        purpose={purpose}
        nowIso={iso(ctx.clock.now())}
        {...failureProps(failure)}
      />,
      failure.status,
    );
  }

  const accessLogPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    p: {
      values: AccessLogValues;
      filter?: AccessLogLinkValues;
      res?: { entries: AccessLogEntry[]; page: number; hasMore: boolean };
      failure?: Pick<FormFailure, 'message' | 'fields' | 'status'>;
    },
  ) =>
    sendPage(
      reply,
      <AccessLogPage
        {...frame(request, reply)}
        values={p.values}
        filter={p.filter ?? {}}
        entries={p.res?.entries ?? []}
        page={p.res?.page ?? 1}
        hasMore={p.res?.hasMore ?? false}
        {...(p.failure && failureProps(p.failure))}
      />,
      p.failure?.status ?? 200,
    );

  // The filter is posted; the page it leads to carries the patron by id, never the card number, so
  // no card number reaches a browser's history or a proxy's log (issue 12 item 1, A6, G4).
  app.post('/staff/access-log', async (request, reply) => {
    const actor = requireStaff(request, reply, canReadAccessLog);
    if (!actor) return reply;
    const f = formFields(request);
    const values = { cardNumber: f.cardNumber, staff: f.staff, from: f.from, to: f.to };
    const r = await formAction(request, reply, { schema: accessLogQuerySchema, input: values }, (q) =>
      patrons.resolveAccessLogFilter(ctx, actor, q),
    );
    if (!r.ok) return accessLogPage(request, reply, { values, failure: r.failure });
    // No patron has the card: nothing can match, and there is nothing to link to.
    if (!r.result) return accessLogPage(request, reply, { values });
    return reply.redirect(`/staff/access-log?${new URLSearchParams({ ...r.result })}`, 303);
  });

  app.get(
    '/staff/access-log',
    {
      schema: {
        querystring: z.object({
          patron: short,
          staff: short,
          from: short,
          to: short,
          page: short,
          /** Refused: a card number is typed in the posted form. */
          cardNumber: short,
        }),
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canReadAccessLog);
      if (!actor) return reply;
      const { page: _page, cardNumber, ...filter } = request.query;
      if (cardNumber !== undefined)
        return accessLogPage(request, reply, {
          values: {},
          failure: {
            message: CARD_IN_URL,
            fields: { cardNumber: 'Type the card number here.' },
            status: 400,
          },
        });
      const values = { staff: filter.staff, from: filter.from, to: filter.to };
      const r = await formAction(
        request,
        reply,
        { schema: accessLogQuerySchema, input: request.query },
        (q) => patrons.readAccessLog(ctx, actor, q),
      );
      if (!r.ok) return accessLogPage(request, reply, { values, filter, failure: r.failure });
      return accessLogPage(request, reply, {
        values: { ...values, cardNumber: r.result.cardNumber },
        filter,
        res: r.result,
      });
    },
  );
}
