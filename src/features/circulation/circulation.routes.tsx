// Circulation desk (check-out, check-in, renew, lost, holds for a patron), hold shelf, and the
// patron's own loans, holds and reading history — as HTML forms and as JSON under /api/v1.
// Thin: parse, guard, one service call, render. A refused action re-renders with what was typed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { DomainError, NotFoundError, ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { requirePatron } from '../../http/patron-auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { borrowingBlock } from '../patrons/patrons.policy.ts';
import { findPatronById, type PatronRow } from '../patrons/patrons.repository.ts';
import { formFields } from '../../http/forms.ts';
import {
  setPatronFlash,
  setStaffFlash,
  takePatronFlash,
  takeStaffFlash,
  type Flash,
} from '../../http/flash.ts';
import { canUseDesk } from './circulation.policy.ts';
import { holdRefusal, isHoldableCopy } from '../catalog/holdable.ts';
import { findItemsOfRecord, type LoanListing } from './circulation.repository.ts';
import * as circ from './circulation.service.ts';
import {
  describeRoute,
  DeskPage,
  HistoryPage,
  MyHoldsPage,
  MyLoansPage,
  PlaceHoldPage,
  ShelfPage,
  StatsPage,
  actionLabel,
} from './circulation.views.tsx';
import { suppressedText } from '../../stats/suppress.ts';
import { canViewCirculationCounts } from './circulation.policy.ts';
import * as holds from './holds.service.ts';
import { registerLostApi } from './lost.api.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });
// Only the branch: the patron open at the desk and any message live in the staff session, never in
// a URL (issue 12 items 1 and 2); `?patron=`, `?card=` and `?notice=` are ignored.
const deskQuery = z.object({ branch: z.string().max(16).optional() });

const itemStatusWords: Record<string, string> = {
  available: 'on the shelf',
  on_loan: 'checked out',
  in_transit: 'in transit',
  on_hold_shelf: 'on the hold shelf',
};

/** Only these kinds of refusal are shown on the form; anything else is a real failure. */
const isFormError = (err: unknown): err is DomainError =>
  err instanceof DomainError && err.status >= 400 && err.status < 500 && err.status !== 403;

export function registerCirculationRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  async function renderDesk(
    request: FastifyRequest,
    reply: FastifyReply,
    opts: {
      branch: string | null;
      patronId?: string | undefined;
      flash?: Flash | null;
      error?: DomainError;
      values?: Record<string, string>;
      checkin?: { barcode: string; title: string; instruction: string } | null;
    },
  ) {
    const actor = request.actor!;
    let patron: PatronRow | null = null;
    const error = opts.error;
    if (opts.patronId) {
      try {
        patron = await circ.openPatronAtDesk(ctx, actor, { patronId: opts.patronId, purpose: 'circulation' });
      } catch (err) {
        // The account was closed since it was opened here: the desk simply shows no patron.
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    const who = { kind: 'staff', actor } as const;
    const fields = error instanceof ValidationError ? error.fields : {};
    const status = error ? error.status : 200;
    const loans = patron ? await circ.getLoans(ctx, who, patron.id) : [];
    return sendPage(
      reply,
      <DeskPage
        library={library}
        actor={actor}
        csrfToken={reply.generateCsrf()}
        branch={opts.branch}
        patron={patron}
        block={patron ? borrowingBlock(patron, iso(ctx.clock.now())) : null}
        loans={loans}
        holds={patron ? await holds.getHolds(ctx, who, patron.id) : []}
        notice={deskNotice(opts.flash ?? null, loans)}
        error={error?.message}
        fields={fields}
        values={opts.values ?? {}}
        offerOverride={error instanceof circ.LoanRuleError && error.overridable}
        checkin={opts.checkin ?? null}
      />,
      status,
    );
  }

  const branchOf = (v: string | undefined): string | null =>
    v && library.branches.some((b) => b.code === v) ? v : null;
  // The desk's only URL parameter is the branch, which says nothing about a patron.
  const deskUrl = (branch: string | null) =>
    branch ? `/staff/desk?branch=${encodeURIComponent(branch)}` : '/staff/desk';
  const dueDay = (isoText: string) =>
    new Date(isoText).toLocaleDateString('en-US', { timeZone: library.timezone, dateStyle: 'medium' });

  /** The message a desk action left, worded from what the server knows now (never from a URL). */
  function deskNotice(flash: Flash | null, loans: LoanListing[]): string | undefined {
    if (!flash) return undefined;
    const loan = loans.find((l) => l.id === flash.ref);
    const has = (flag: string) => flash.flags?.includes(flag) ?? false;
    switch (flash.code) {
      case 'checked-out':
        return `${loan ? `Checked out: ${loan.title}, due ${dueDay(loan.dueAt)}.` : 'Checked out.'}${has('hold-filled') ? ' The hold is filled.' : ''}${has('overridden') ? ' (Rule overridden.)' : ''}`;
      case 'renewed':
        return loan ? `Renewed until ${dueDay(loan.dueAt)}.` : 'Renewed.';
      case 'lost':
        // No barcode or title is kept with this message: with the desk's patron beside it in the
        // session it would link patron and item after the loan has ended (C1).
        return `The copy is marked lost${has('loan-ended') ? ' and the loan has ended' : ''}.`;
      case 'hold-placed':
        return 'Hold placed.';
      case 'hold-cancelled':
        return 'Hold cancelled.';
      default:
        return undefined;
    }
  }

  app.get('/staff/desk', { schema: { querystring: deskQuery } }, async (request, reply) => {
    if (!requireStaff(request, reply, canUseDesk)) return reply;
    const { flash, deskPatronId } = await takeStaffFlash(ctx, request, '/staff/desk');
    return renderDesk(request, reply, {
      branch: branchOf(request.query.branch),
      patronId: deskPatronId ?? undefined,
      flash,
    });
  });

  /**
   * Opens a patron at the desk by card number (or by id, from the patron's record), keeping them in
   * the staff session; with neither, closes the open patron. The card never enters a URL.
   */
  app.post('/staff/desk/patron', async (request, reply) => {
    const actor = requireStaff(request, reply, canUseDesk);
    if (!actor) return reply;
    const f = formFields(request);
    const branch = branchOf(f.branch);
    const card = f.card?.trim() || undefined;
    if (!card && !f.patron) {
      await setStaffFlash(ctx, request, null, { deskPatronId: null });
      return reply.redirect(deskUrl(branch), 303);
    }
    try {
      const patron = await circ.findPatronForDesk(ctx, actor, {
        card,
        patronId: card ? undefined : f.patron,
      });
      await setStaffFlash(ctx, request, null, { deskPatronId: patron.id });
      return reply.redirect(deskUrl(branch), 303);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return renderDesk(request, reply, {
        branch,
        error: new ValidationError(err.message, { card: err.message }),
        values: { card: card ?? '' },
      });
    }
  });

  /** Runs a desk action; on a refusal shows the desk again with the message and what was typed. */
  async function deskAction(
    request: FastifyRequest,
    reply: FastifyReply,
    action: (
      f: Record<string, string>,
      branch: string,
    ) => Promise<{
      flash?: Omit<Flash, 'path'>;
      checkin?: { barcode: string; title: string; instruction: string };
    }>,
  ) {
    if (!requireStaff(request, reply, canUseDesk)) return reply;
    const f = formFields(request);
    const branch = branchOf(f.branch);
    if (!branch)
      return renderDesk(request, reply, {
        branch: null,
        error: new ValidationError('Choose the branch you are working at.'),
      });
    const patronId = f.patron || undefined;
    try {
      const r = await action(f, branch);
      if (r.checkin) return renderDesk(request, reply, { branch, patronId, checkin: r.checkin });
      // The message and the patron the form was for wait in the session for the next page.
      const known = patronId
        ? await circ.findPatronForDesk(ctx, request.actor!, { patronId }).catch(() => null)
        : null;
      await setStaffFlash(
        ctx,
        request,
        r.flash ? { path: '/staff/desk', ...r.flash } : null,
        known ? { deskPatronId: known.id } : {},
      );
      return reply.redirect(deskUrl(branch), 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return renderDesk(request, reply, { branch, patronId, error: err, values: f });
    }
  }

  app.post('/staff/desk/checkout', (request, reply) =>
    deskAction(request, reply, async (f, branch) => {
      const r = await circ.checkOut(ctx, request.actor!, {
        patronId: f.patron ?? '',
        barcode: f.barcode,
        branch,
        overrideReason: f.override_reason,
      });
      const flags = [
        ...(r.pickedUpHold ? ['hold-filled'] : []),
        ...(r.overridden.length ? ['overridden'] : []),
      ];
      return { flash: { code: 'checked-out', ref: r.loanId, flags } };
    }),
  );

  app.post('/staff/desk/checkin', (request, reply) =>
    deskAction(request, reply, async (f, branch) => {
      const r = await circ
        .checkIn(ctx, request.actor!, {
          barcode: f.checkin_barcode,
          branch,
          damaged: f.damaged === 'on',
        })
        .catch((err: unknown) => {
          // The check-in form's field is named checkin_barcode.
          if (err instanceof ValidationError && err.fields.barcode)
            throw new ValidationError(err.message, { checkin_barcode: err.fields.barcode });
          throw err;
        });
      return {
        checkin: {
          barcode: r.barcode,
          title: r.title,
          instruction: describeRoute(library, r, library.timezone),
        },
      };
    }),
  );

  app.post('/staff/desk/renew', (request, reply) =>
    deskAction(request, reply, async (f) => {
      await circ.renewLoan(ctx, { kind: 'staff', actor: request.actor! }, f.loan ?? '');
      return { flash: { code: 'renewed', ref: f.loan } };
    }),
  );

  app.post('/staff/desk/lost', (request, reply) =>
    deskAction(request, reply, async (f, branch) => {
      const r = await circ.markLost(ctx, request.actor!, { barcode: f.lost_barcode, branch });
      return { flash: { code: 'lost', flags: r.wasOnLoan ? ['loan-ended'] : [] } };
    }),
  );

  app.post('/staff/desk/holds', (request, reply) =>
    deskAction(request, reply, async (f) => {
      const barcode = (f.hold_item ?? '').trim();
      const item = barcode
        ? await ctx.db
            .selectFrom('items')
            .select(['id', 'bib_id'])
            .where('barcode', '=', barcode)
            .executeTakeFirst()
        : undefined;
      if (!item)
        throw new ValidationError('Scan or type the barcode of a copy of the title.', {
          hold_item: barcode ? `No item has the barcode ${barcode}.` : 'Scan or type a barcode.',
        });
      await holds.placeHold(
        ctx,
        { kind: 'staff', actor: request.actor! },
        {
          patronId: f.patron ?? '',
          bibId: item.bib_id,
          itemId: f.this_copy === 'on' ? item.id : undefined,
          pickupBranch: f.pickupBranch,
        },
      );
      return { flash: { code: 'hold-placed' } };
    }),
  );

  app.post('/staff/desk/holds/:id/cancel', { schema: { params: idParams } }, (request, reply) =>
    deskAction(request, reply, async () => {
      await holds.cancelHold(ctx, { kind: 'staff', actor: request.actor! }, request.params.id);
      return { flash: { code: 'hold-cancelled' } };
    }),
  );

  app.get(
    '/staff/holds',
    { schema: { querystring: z.object({ branch: z.string().max(16).optional() }) } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const branch = branchOf(request.query.branch) ?? library.branches[0]!.code;
      const shelf = await holds.getShelf(ctx, { kind: 'staff', actor }, branch);
      return sendPage(
        reply,
        <ShelfPage
          library={library}
          actor={actor}
          csrfToken={reply.generateCsrf()}
          branch={branch}
          shelf={shelf}
        />,
      );
    },
  );

  const rangeQuery = z.object({ from: z.string().max(20).optional(), to: z.string().max(20).optional() });

  app.get('/staff/circulation/stats', { schema: { querystring: rangeQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewCirculationCounts);
    if (!actor) return reply;
    const frame = { library, actor, csrfToken: reply.generateCsrf(), values: request.query };
    try {
      const stats = await circ.getCirculationStats(ctx, actor, request.query);
      return sendPage(
        reply,
        <StatsPage {...frame} stats={stats} values={{ from: stats.from, to: stats.to }} />,
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return sendPage(
        reply,
        <StatsPage {...frame} stats={null} error={err.message} fields={err.fields} />,
        400,
      );
    }
  });

  app.get('/staff/circulation/stats.csv', { schema: { querystring: rangeQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewCirculationCounts);
    if (!actor) return reply;
    const s = await circ.getCirculationStats(ctx, actor, request.query);
    // Branch codes, material types and actions are configuration words; quote every cell anyway.
    const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const lines = [
      ['from', 'to', 'branch', 'material_type', 'action', 'count'].map(cell).join(','),
      ...s.rows.map((r) =>
        [s.from, s.to, r.branchCode, r.materialType, actionLabel(r.action), suppressedText(r.count, s.k)]
          .map(cell)
          .join(','),
      ),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="circulation-${s.from}-${s.to}.csv"`)
      .send(`${lines.join('\r\n')}\r\n`);
  });

  // ---- patron pages ---------------------------------------------------------------------------

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
    try {
      await circ.renewLoan(ctx, { kind: 'patron', patron }, request.params.id);
      return redirectWith(request, reply, '/account/loans', 'renewed');
    } catch (err) {
      if (!isFormError(err)) throw err;
      const loans = await circ.getLoans(ctx, { kind: 'patron', patron }, patron.id);
      return sendPage(
        reply,
        <MyLoansPage {...patronFrame(reply)} loans={loans} error={err.message} />,
        err.status,
      );
    }
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

  async function placeHoldForm(
    request: FastifyRequest,
    reply: FastifyReply,
    recordId: string,
    patron: PatronRow,
    values: Record<string, string>,
    error?: DomainError,
  ) {
    const record = await ctx.db
      .selectFrom('bib_records')
      .select(['id', 'title', 'author'])
      .where('id', '=', recordId)
      .executeTakeFirst();
    if (!record) throw new NotFoundError('That title is not in the catalog.');
    const items = await findItemsOfRecord(ctx.db, record.id);
    const copies = items
      .filter((i) => isHoldableCopy(i.status))
      .map((i) => ({
        id: i.id,
        label: `${library.branches.find((b) => b.code === i.branch_code)?.name ?? i.branch_code}${i.call_number ? `, ${i.call_number}` : ''} (${itemStatusWords[i.status] ?? i.status})`,
      }));
    return sendPage(
      reply,
      <PlaceHoldPage
        {...patronFrame(reply)}
        record={record}
        copies={copies}
        refusal={holdRefusal(items.map((i) => i.status))}
        values={{ pickupBranch: patron.home_branch, ...values }}
        error={error?.message}
        fields={error instanceof ValidationError ? error.fields : {}}
      />,
      error ? error.status : 200,
    );
  }

  app.get(
    '/account/holds/new',
    { schema: { querystring: z.object({ record: z.string().max(64).optional() }) } },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const row = await findPatronById(ctx.db, patron.id);
      if (!row) throw new NotFoundError('Your account no longer exists.');
      return placeHoldForm(request, reply, request.query.record ?? '', row, {});
    },
  );

  app.post('/account/holds', async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    const f = formFields(request);
    try {
      await holds.placeHold(
        ctx,
        { kind: 'patron', patron },
        {
          patronId: patron.id,
          bibId: f.record,
          itemId: f.itemId,
          pickupBranch: f.pickupBranch,
        },
      );
      return redirectWith(request, reply, '/account/holds', 'placed');
    } catch (err) {
      if (!isFormError(err) || err instanceof NotFoundError) throw err;
      const row = await findPatronById(ctx.db, patron.id);
      return placeHoldForm(request, reply, f.record ?? '', row!, f, err);
    }
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
      const f = formFields(request);
      try {
        if (action === 'cancel') await holds.cancelHold(ctx, who, request.params.id);
        else if (action === 'suspend') await holds.suspendHold(ctx, who, request.params.id, f.until);
        else await holds.resumeHold(ctx, who, request.params.id);
        return redirectWith(request, reply, '/account/holds', notice);
      } catch (err) {
        if (!isFormError(err)) throw err;
        const list = await holds.getHolds(ctx, who, patron.id);
        return sendPage(
          reply,
          <MyHoldsPage {...patronFrame(reply)} holds={list} error={err.message} />,
          err.status,
        );
      }
    });
  }

  app.get(
    '/account/history',
    {
      schema: {
        querystring: z.object({
          page: z.coerce.number().int().optional().catch(1),
        }),
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const h = await circ.getReadingHistory(ctx, patron, request.query.page ?? 1);
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
    const keep = formFields(request).keep === 'on';
    await circ.setReadingHistory(ctx, patron, keep);
    return redirectWith(request, reply, '/account/history', keep ? 'history-on' : 'history-off');
  });

  app.post('/account/history/:id/delete', { schema: { params: idParams } }, async (request, reply) => {
    const patron = requirePatron(request, reply);
    if (!patron) return reply;
    await circ.deleteReadingHistoryEntry(ctx, patron, request.params.id);
    return redirectWith(request, reply, '/account/history', 'deleted');
  });

  registerCirculationApi(app, ctx);
  registerLostApi(app, ctx);
}

// ---- JSON API -----------------------------------------------------------------------------------

const loanJson = z.object({
  id: z.string(),
  barcode: z.string(),
  recordId: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  materialType: z.string(),
  checkedOutAt: z.string(),
  dueAt: z.string(),
  renewals: z.number(),
});
const holdJson = z.object({
  id: z.string(),
  recordId: z.string(),
  title: z.string(),
  itemBarcode: z.string().nullable(),
  pickupBranch: z.string(),
  placedAt: z.string(),
  status: z.string(),
  suspendedUntil: z.string().nullable(),
  shelfExpiresAt: z.string().nullable(),
  pickupCode: z.string().nullable(),
  position: z.number().nullable(),
});
const presentLoan = (l: Awaited<ReturnType<typeof circ.getLoans>>[number]): z.infer<typeof loanJson> => ({
  id: l.id,
  barcode: l.barcode,
  recordId: l.bibId,
  title: l.title,
  author: l.author,
  materialType: l.materialType,
  checkedOutAt: l.checkedOutAt,
  dueAt: l.dueAt,
  renewals: l.renewals,
});
const presentHold = (h: Awaited<ReturnType<typeof holds.getHolds>>[number]): z.infer<typeof holdJson> => ({
  id: h.id,
  recordId: h.bibId,
  title: h.title,
  itemBarcode: h.itemBarcode,
  pickupBranch: h.pickupBranch,
  placedAt: h.placedAt,
  status: h.status,
  suspendedUntil: h.suspendedUntil,
  shelfExpiresAt: h.shelfExpiresAt,
  pickupCode: h.pickupCode,
  position: h.position,
});
const routeJson = z.object({
  to: z.enum(['shelf', 'hold_shelf', 'transit', 'damaged']),
  branch: z.string().optional(),
  forHold: z.boolean().optional(),
  pickupCode: z.string().optional(),
  shelfExpiresAt: z.string().optional(),
});

function registerCirculationApi(app: App, ctx: AppContext): void {
  const staffTags = { tags: ['circulation (staff)'] };
  const patronTags = { tags: ['account (patron)'] };

  app.post(
    '/api/v1/staff/circulation/checkout',
    {
      schema: {
        ...staffTags,
        summary: 'Check an item out to a patron',
        body: z.object({
          patronId: z.string().max(64).optional(),
          cardNumber: z.string().max(64).optional(),
          barcode: z.string().max(64),
          branch: z.string().max(16),
          overrideReason: z.string().max(500).optional(),
        }),
        response: {
          200: z.object({
            loanId: z.string(),
            title: z.string(),
            barcode: z.string(),
            dueAt: z.string(),
            pickedUpHold: z.boolean(),
            overridden: z.array(z.string()),
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const b = request.body;
      if (!b.cardNumber && !b.patronId)
        throw new ValidationError('Give the patron by cardNumber or patronId.', { cardNumber: 'Required.' });
      // Opening the patron is logged (A6) inside the check-out's own transaction.
      return circ.checkOut(ctx, actor, {
        cardNumber: b.cardNumber,
        patronId: b.patronId,
        logAccess: 'circulation',
        barcode: b.barcode,
        branch: b.branch,
        overrideReason: b.overrideReason,
      });
    },
  );

  app.post(
    '/api/v1/staff/circulation/checkin',
    {
      schema: {
        ...staffTags,
        summary: 'Check an item in; says where it goes next',
        body: z.object({
          barcode: z.string().max(64),
          branch: z.string().max(16),
          damaged: z.boolean().optional(),
        }),
        response: {
          200: z.object({ title: z.string(), barcode: z.string(), wasOnLoan: z.boolean(), route: routeJson }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return circ.checkIn(ctx, actor, request.body);
    },
  );

  app.post(
    '/api/v1/staff/circulation/loans/:id/renew',
    {
      schema: {
        ...staffTags,
        summary: 'Renew a loan',
        params: idParams,
        response: { 200: z.object({ dueAt: z.string(), renewalsLeft: z.number() }) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return circ.renewLoan(ctx, { kind: 'staff', actor }, request.params.id);
    },
  );

  app.get(
    '/api/v1/staff/patrons/:id/circulation',
    {
      schema: {
        ...staffTags,
        summary: "A patron's current loans and holds (never past loans); logged in the access log",
        params: idParams,
        response: { 200: z.object({ loans: z.array(loanJson), holds: z.array(holdJson) }) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const patron = await circ.openPatronAtDesk(ctx, actor, {
        patronId: request.params.id,
        purpose: 'circulation',
      });
      const who = { kind: 'staff', actor } as const;
      return {
        loans: (await circ.getLoans(ctx, who, patron.id)).map(presentLoan),
        holds: (await holds.getHolds(ctx, who, patron.id)).map(presentHold),
      };
    },
  );

  app.post(
    '/api/v1/staff/holds',
    {
      schema: {
        ...staffTags,
        summary: 'Place a hold for a patron',
        body: z.object({
          patronId: z.string().max(64),
          recordId: z.string().max(64),
          itemId: z.string().max(64).optional(),
          pickupBranch: z.string().max(16),
        }),
        response: { 201: z.object({ holdId: z.string() }) },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const b = request.body;
      const r = await holds.placeHold(
        ctx,
        { kind: 'staff', actor },
        { patronId: b.patronId, bibId: b.recordId, itemId: b.itemId, pickupBranch: b.pickupBranch },
      );
      return reply.code(201).send(r);
    },
  );

  app.delete(
    '/api/v1/staff/holds/:id',
    { schema: { ...staffTags, summary: 'Cancel a hold', params: idParams, response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      await holds.cancelHold(ctx, { kind: 'staff', actor }, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/staff/holds/shelf',
    {
      schema: {
        ...staffTags,
        summary: 'Hold shelf, copies to clear and pull list of a branch (pickup codes, never names)',
        querystring: z.object({ branch: z.string().max(16) }),
        response: {
          200: z.object({
            ready: z.array(
              z.object({
                pickupCode: z.string(),
                title: z.string(),
                barcode: z.string(),
                callNumber: z.string().nullable(),
                shelfExpiresAt: z.string(),
              }),
            ),
            toClear: z.array(
              z.object({ barcode: z.string(), title: z.string(), callNumber: z.string().nullable() }),
            ),
            toPull: z.array(
              z.object({
                barcode: z.string(),
                title: z.string(),
                callNumber: z.string().nullable(),
                location: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      return holds.getShelf(ctx, { kind: 'staff', actor }, circ.requireBranch(ctx, request.query.branch));
    },
  );

  // Patron side.
  app.get(
    '/api/v1/account/loans',
    {
      schema: {
        ...patronTags,
        summary: 'Your current loans',
        response: { 200: z.object({ loans: z.array(loanJson) }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return { loans: (await circ.getLoans(ctx, { kind: 'patron', patron }, patron.id)).map(presentLoan) };
    },
  );

  app.post(
    '/api/v1/account/loans/:id/renew',
    {
      schema: {
        ...patronTags,
        summary: 'Renew one of your loans',
        params: idParams,
        response: { 200: z.object({ dueAt: z.string(), renewalsLeft: z.number() }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return circ.renewLoan(ctx, { kind: 'patron', patron }, request.params.id);
    },
  );

  app.get(
    '/api/v1/account/holds',
    {
      schema: {
        ...patronTags,
        summary: 'Your holds with their place in line',
        response: { 200: z.object({ holds: z.array(holdJson) }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      return { holds: (await holds.getHolds(ctx, { kind: 'patron', patron }, patron.id)).map(presentHold) };
    },
  );

  app.post(
    '/api/v1/account/holds',
    {
      schema: {
        ...patronTags,
        summary: 'Place a hold',
        body: z.object({
          recordId: z.string().max(64),
          itemId: z.string().max(64).optional(),
          pickupBranch: z.string().max(16),
        }),
        response: { 201: z.object({ holdId: z.string() }) },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      const b = request.body;
      const r = await holds.placeHold(
        ctx,
        { kind: 'patron', patron },
        { patronId: patron.id, bibId: b.recordId, itemId: b.itemId, pickupBranch: b.pickupBranch },
      );
      return reply.code(201).send(r);
    },
  );

  app.post(
    '/api/v1/account/holds/:id/suspend',
    {
      schema: {
        ...patronTags,
        summary: 'Pause one of your holds, optionally until a date (YYYY-MM-DD); it keeps its place',
        params: idParams,
        body: z.object({ until: z.string().max(10).optional() }).optional(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      await holds.suspendHold(ctx, { kind: 'patron', patron }, request.params.id, request.body?.until);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/account/holds/:id/resume',
    {
      schema: {
        ...patronTags,
        summary: 'Resume a paused hold',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      await holds.resumeHold(ctx, { kind: 'patron', patron }, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/account/holds/:id',
    {
      schema: {
        ...patronTags,
        summary: 'Cancel one of your holds',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const patron = requirePatron(request, reply);
      if (!patron) return reply;
      await holds.cancelHold(ctx, { kind: 'patron', patron }, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
