// Staff pages for patron accounts: look-up with a purpose, the record (each opening logged, A6),
// registration, edits, card renewal, blocks, PIN resets, closing; and the privacy officer's log.
// Thin: parse, guard, one service call, render. Forms that fail keep what was typed (never a PIN).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { iso } from '../../clock.ts';
import { ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canReadAccessLog, canRegisterPatrons, canViewPatron } from '../staff/staff.policy.ts';
import { isAccessPurpose, type AccessLogEntry, type AccessPurpose } from './access-log.ts';
import * as patrons from './patrons.service.ts';
import { formFields, withoutSecrets } from '../../http/forms.ts';
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
    try {
      const found = await patrons.findPatrons(ctx, actor, values);
      if (found.byCard && found.matches.length === 1)
        return reply.redirect(record(found.matches[0]!.id, found.purpose), 303);
      return sendPage(
        reply,
        <PatronLookupPage
          {...frame(request, reply)}
          values={values}
          matches={found.matches}
          canRegister={canRegister}
        />,
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return sendPage(
        reply,
        <PatronLookupPage
          {...frame(request, reply)}
          values={values}
          error={err.message}
          fields={err.fields}
          canRegister={canRegister}
        />,
        400,
      );
    }
  });

  app.get('/staff/patrons/new', (request, reply) => {
    if (!requireStaff(request, reply, canRegisterPatrons)) return reply;
    return sendPage(reply, <NewPatronPage {...frame(request, reply)} values={{}} />);
  });

  app.post('/staff/patrons/new', async (request, reply) => {
    const actor = requireStaff(request, reply, canRegisterPatrons);
    if (!actor) return reply;
    const values = formFields(request);
    try {
      const created = await patrons.registerPatron(ctx, actor, values);
      return sendPage(
        reply,
        <OneTimePinPage
          {...frame(request, reply)}
          patron={created.patron}
          pin={created.oneTimePin}
          created
        />,
        201,
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return sendPage(
        reply,
        <NewPatronPage
          {...frame(request, reply)}
          values={withoutSecrets(values)}
          error={err.message}
          fields={err.fields}
        />,
        400,
      );
    }
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
      const values = formFields(request);
      const purpose = purposeOf(request.query);
      try {
        await patrons.updatePatronDetails(ctx, actor, request.params.id, values);
        return recordWith(request, reply, request.params.id, purpose, 'saved');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return sendPage(
          reply,
          <EditPatronPage
            {...frame(request, reply)}
            values={values}
            patronId={request.params.id}
            purpose={purpose}
            error={err.message}
            fields={err.fields}
          />,
          400,
        );
      }
    },
  );

  const simple = [
    ['renew', 'renewed', (actor, id) => patrons.renewCard(ctx, actor, id)],
    ['unblock', 'unblocked', (actor, id) => patrons.unblockPatron(ctx, actor, id)],
    ['block', 'blocked', (actor, id, body) => patrons.blockPatron(ctx, actor, id, body)],
  ] as const satisfies ReadonlyArray<
    readonly [
      string,
      string,
      (
        actor: NonNullable<FastifyRequest['actor']>,
        id: string,
        body: Record<string, string>,
      ) => Promise<unknown>,
    ]
  >;
  for (const [action, notice, run] of simple) {
    app.post(
      `/staff/patrons/:id/${action}`,
      { schema: { params: idParams, querystring: recordQuery } },
      async (request, reply) => {
        const actor = requireStaff(request, reply, canRegisterPatrons);
        if (!actor) return reply;
        const purpose = purposeOf(request.query);
        try {
          await run(actor, request.params.id, formFields(request));
          return recordWith(request, reply, request.params.id, purpose, notice);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          return renderRecordWithError(request, reply, request.params.id, actor, purpose, err);
        }
      },
    );
  }

  app.post(
    '/staff/patrons/:id/reset-pin',
    { schema: { params: idParams, querystring: recordQuery } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canRegisterPatrons);
      if (!actor) return reply;
      try {
        const pin = await patrons.resetPin(ctx, actor, request.params.id, formFields(request));
        const patron = await patrons.viewPatron(ctx, actor, request.params.id, 'pin-reset');
        return sendPage(
          reply,
          <OneTimePinPage {...frame(request, reply)} patron={patron} pin={pin} created={false} />,
        );
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return renderRecordWithError(request, reply, request.params.id, actor, purposeOf(request.query), err);
      }
    },
  );

  app.post('/staff/patrons/:id/close', { schema: { params: idParams } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canRegisterPatrons);
    if (!actor) return reply;
    await patrons.closePatronAccount(ctx, actor, request.params.id);
    return sendPage(reply, <PatronClosedPage {...frame(request, reply)} />);
  });

  async function renderRecordWithError(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    actor: NonNullable<FastifyRequest['actor']>,
    purpose: AccessPurpose,
    err: ValidationError,
  ) {
    const patron = await patrons.viewPatron(ctx, actor, id, purpose);
    return sendPage(
      reply,
      <PatronPage
        {...frame(request, reply)}
        patron={patron}
        purpose={purpose}
        nowIso={iso(ctx.clock.now())}
        error={err.message}
        fields={err.fields}
      />,
      400,
    );
  }

  const accessLogPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    p: {
      values: AccessLogValues;
      filter?: AccessLogLinkValues;
      res?: { entries: AccessLogEntry[]; page: number; hasMore: boolean };
      err?: ValidationError;
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
        error={p.err?.message}
        fields={p.err?.fields}
      />,
      p.err ? 400 : 200,
    );

  // The filter is posted; the page it leads to carries the patron by id, never the card number, so
  // no card number reaches a browser's history or a proxy's log (issue 12 item 1, A6, G4).
  app.post('/staff/access-log', async (request, reply) => {
    const actor = requireStaff(request, reply, canReadAccessLog);
    if (!actor) return reply;
    const f = formFields(request);
    const values = { cardNumber: f.cardNumber, staff: f.staff, from: f.from, to: f.to };
    try {
      const filter = await patrons.resolveAccessLogFilter(ctx, actor, values);
      // No patron has the card: nothing can match, and there is nothing to link to.
      if (!filter) return accessLogPage(request, reply, { values });
      return reply.redirect(`/staff/access-log?${new URLSearchParams({ ...filter })}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return accessLogPage(request, reply, { values, err });
    }
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
          err: new ValidationError(CARD_IN_URL, { cardNumber: 'Type the card number here.' }),
        });
      const values = { staff: filter.staff, from: filter.from, to: filter.to };
      try {
        const res = await patrons.readAccessLog(ctx, actor, request.query);
        return accessLogPage(request, reply, {
          values: { ...values, cardNumber: res.cardNumber },
          filter,
          res,
        });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return accessLogPage(request, reply, { values, filter, err });
      }
    },
  );
}
