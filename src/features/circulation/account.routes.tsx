// The patron's own loans, holds and reading history, as HTML forms. Thin: parse, guard, one service
// call, render. Messages wait in the patron's session for the next page, never in a URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { formAction, type FormFailure } from '../../http/form-action.ts';
import { setPatronFlash, takePatronFlash } from '../../http/flash.ts';
import { requirePatron } from '../../http/patron-auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { HistoryPage, MyHoldsPage, MyLoansPage, PlaceHoldPage } from './account.views.tsx';
import { idParams } from './circulation.route-parts.ts';
import {
  accountHoldForm,
  historySettingsForm,
  SUSPEND_SUMMARY,
  suspendHoldForm,
} from './circulation.schemas.ts';
import * as circ from './circulation.service.ts';
import * as holds from './holds.service.ts';
import * as history from './reading-history.service.ts';

const itemStatusWords: Record<string, string> = {
  available: 'on the shelf',
  on_loan: 'checked out',
  in_transit: 'in transit',
  on_hold_shelf: 'on the hold shelf',
};

const patronNotices: Record<string, string> = {
  renewed: 'Renewed. The new due date is shown below.',
  placed: 'Your hold is placed.',
  cancelled: 'Your hold is cancelled and deleted.',
  paused: 'Your hold is paused. It keeps its place in line.',
  resumed: 'Your hold is active again.',
  'history-on': 'Reading history is on.',
  'history-off': 'Reading history is off, and everything in it has been deleted.',
  deleted: 'Deleted from your reading history.',
};

const noFields = z.object({}).transform(() => ({ until: undefined }));

export function registerAccountRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const patronFrame = (reply: FastifyReply) => ({ library, csrfToken: reply.generateCsrf() });
  /** The message an action left in the patron's session for this page (never from the URL). */
  const patronNotice = async (request: FastifyRequest, path: string) => {
    const flash = await takePatronFlash(ctx, request, path);
    return flash ? patronNotices[flash.code] : undefined;
  };
  /** Leaves a message for `path` in the patron's session and goes there. */
  const redirectWith = async (request: FastifyRequest, reply: FastifyReply, path: string, code: string) => {
    await setPatronFlash(ctx, request, { path, code });
    return reply.redirect(path, 303);
  };

  app.get('/account/loans', async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    const loans = await circ.getLoans(ctx, { kind: 'patron', patron }, patron.id);
    return sendPage(
      reply,
      <MyLoansPage
        {...patronFrame(reply)}
        loans={loans}
        notice={await patronNotice(request, '/account/loans')}
      />,
    );
  });

  app.post('/account/loans/:id/renew', { schema: { params: idParams } }, async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    const r = await formAction(request, reply, { schema: z.object({}) }, async () => {
      await circ.renewLoan(ctx, { kind: 'patron', patron }, request.params.id);
    });
    if (r.ok) return redirectWith(request, reply, '/account/loans', 'renewed');
    const loans = await circ.getLoans(ctx, { kind: 'patron', patron }, patron.id);
    return sendPage(
      reply,
      <MyLoansPage {...patronFrame(reply)} loans={loans} error={r.failure.message} />,
      r.failure.status,
    );
  });

  app.get('/account/holds', async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    const list = await holds.getHolds(ctx, { kind: 'patron', patron }, patron.id);
    return sendPage(
      reply,
      <MyHoldsPage
        {...patronFrame(reply)}
        holds={list}
        notice={await patronNotice(request, '/account/holds')}
      />,
    );
  });

  /** The "place a hold" form for a title, with what was typed and the refusal, if any. */
  async function placeHoldForm(
    reply: FastifyReply,
    patronId: string,
    recordId: string,
    values: Record<string, string>,
    failure?: FormFailure,
  ) {
    const form = await holds.getHoldForm(ctx, patronId, recordId);
    const copies = form.copies.map((i) => ({
      id: i.id,
      label: `${library.branches.find((b) => b.code === i.branch_code)?.name ?? i.branch_code}${i.call_number ? `, ${i.call_number}` : ''} (${itemStatusWords[i.status] ?? i.status})`,
    }));
    return sendPage(
      reply,
      <PlaceHoldPage
        {...patronFrame(reply)}
        record={form.record}
        copies={copies}
        refusal={form.refusal}
        values={{ pickupBranch: form.homeBranch, ...values }}
        error={failure?.message}
        fields={failure?.fields ?? {}}
      />,
      failure?.status ?? 200,
    );
  }

  app.get(
    '/account/holds/new',
    { schema: { querystring: z.object({ record: z.string().max(64).optional() }) } },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return placeHoldForm(reply, patron.id, request.query.record ?? '', {});
    },
  );

  app.post('/account/holds', async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    const r = await formAction(request, reply, { schema: accountHoldForm }, async (v) => {
      await holds.placeHold(
        ctx,
        { kind: 'patron', patron },
        { patronId: patron.id, bibId: v.record, itemId: v.itemId, pickupBranch: v.pickupBranch },
      );
    });
    if (r.ok) return redirectWith(request, reply, '/account/holds', 'placed');
    if (r.failure.error instanceof NotFoundError) throw r.failure.error;
    return placeHoldForm(reply, patron.id, r.failure.values.record ?? '', r.failure.values, r.failure);
  });

  for (const [action, notice] of [
    ['cancel', 'cancelled'],
    ['suspend', 'paused'],
    ['resume', 'resumed'],
  ] as const) {
    app.post(`/account/holds/:id/${action}`, { schema: { params: idParams } }, async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const who = { kind: 'patron', patron } as const;
      const r = await formAction(
        request,
        reply,
        // Only pausing reads a field; cancel and resume take none.
        { schema: action === 'suspend' ? suspendHoldForm : noFields, summary: SUSPEND_SUMMARY },
        async (v) => {
          if (action === 'cancel') await holds.cancelHold(ctx, who, request.params.id);
          else if (action === 'suspend') await holds.suspendHold(ctx, who, request.params.id, v.until);
          else await holds.resumeHold(ctx, who, request.params.id);
        },
      );
      if (r.ok) return redirectWith(request, reply, '/account/holds', notice);
      const list = await holds.getHolds(ctx, who, patron.id);
      return sendPage(
        reply,
        <MyHoldsPage {...patronFrame(reply)} holds={list} error={r.failure.message} />,
        r.failure.status,
      );
    });
  }

  app.get(
    '/account/history',
    { schema: { querystring: z.object({ page: z.coerce.number().int().optional().catch(1) }) } },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const h = await history.getReadingHistory(ctx, patron, request.query.page ?? 1);
      return sendPage(
        reply,
        <HistoryPage
          {...patronFrame(reply)}
          {...h}
          notice={await patronNotice(request, '/account/history')}
        />,
      );
    },
  );

  app.post('/account/history/settings', async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    // A checkbox cannot be refused: the form only ever turns reading history on or off.
    const r = await formAction(request, reply, { schema: historySettingsForm }, async ({ keep }) => {
      await history.setReadingHistory(ctx, patron, keep);
      return keep;
    });
    if (!r.ok) throw r.failure.error;
    return redirectWith(request, reply, '/account/history', r.result ? 'history-on' : 'history-off');
  });

  app.post('/account/history/:id/delete', { schema: { params: idParams } }, async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    const r = await formAction(request, reply, { schema: z.object({}) }, () =>
      history.deleteReadingHistoryEntry(ctx, patron, request.params.id),
    );
    // An entry already gone (or never this patron's) goes to the error page, as before.
    if (!r.ok) throw r.failure.error;
    return redirectWith(request, reply, '/account/history', 'deleted');
  });
}
