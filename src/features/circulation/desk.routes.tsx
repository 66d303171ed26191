// The circulation desk (check-out, check-in, renew, lost, holds for a patron) and the hold shelf,
// as HTML forms. Thin: parse, guard, one service call, present, render. A refused action re-renders
// the desk with what was typed. The patron open at the desk and any message live in the staff
// session, never in a URL (issue 12 items 1 and 2).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError, ValidationError, type DomainError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { setStaffFlash, takeStaffFlash, type Flash } from '../../http/flash.ts';
import { formFields } from '../../http/forms.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { borrowingBlock } from '../patrons/patrons.policy.ts';
import type { PatronRow } from '../patrons/patrons.repository.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canUseDesk } from './circulation.policy.ts';
import { idParams, isFormError } from './circulation.route-parts.ts';
import * as circ from './circulation.service.ts';
import * as desk from './desk.service.ts';
import { presentDesk, type DeskLoan } from './desk.presenter.ts';
import { describeRoute, DeskPage, ShelfPage } from './desk.views.tsx';
import * as holds from './holds.service.ts';

// Only the branch: `?patron=`, `?card=` and `?notice=` are ignored.
const deskQuery = z.object({ branch: z.string().max(16).optional() });

type Checkin = { barcode: string; title: string; instruction: string };

export function registerDeskRoutes(app: App, ctx: AppContext): void {
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
      checkin?: Checkin | null;
    },
  ) {
    const actor = request.actor!;
    const error = opts.error;
    const patron = opts.patronId ? await openPatron(actor, opts.patronId) : null;
    const who = { kind: 'staff', actor } as const;
    // The page's loans and holds are independent reads: load them together.
    const [loans, holdList] = patron
      ? await Promise.all([circ.getLoans(ctx, who, patron.id), holds.getHolds(ctx, who, patron.id)])
      : [[], []];
    const desk = presentDesk({
      patron,
      block: patron ? borrowingBlock(patron, iso(ctx.clock.now())) : null,
      loans,
      holds: holdList,
    });
    return sendPage(
      reply,
      <DeskPage
        library={library}
        actor={actor}
        csrfToken={reply.generateCsrf()}
        branch={opts.branch}
        {...desk}
        notice={deskNotice(opts.flash ?? null, desk.loans)}
        error={error?.message}
        fields={error instanceof ValidationError ? error.fields : {}}
        values={opts.values ?? {}}
        offerOverride={error instanceof circ.LoanRuleError && error.overridable}
        checkin={opts.checkin ?? null}
      />,
      error ? error.status : 200,
    );
  }

  /** The patron open at the desk; one whose account was closed since simply is not shown. */
  async function openPatron(actor: Actor, patronId: string): Promise<PatronRow | null> {
    try {
      return await desk.openPatronAtDesk(ctx, actor, { patronId, purpose: 'circulation' });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return null;
    }
  }

  const branchOf = (v: string | undefined): string | null =>
    v && library.branches.some((b) => b.code === v) ? v : null;
  // The desk's only URL parameter is the branch, which says nothing about a patron.
  const deskUrl = (branch: string | null) =>
    branch ? `/staff/desk?branch=${encodeURIComponent(branch)}` : '/staff/desk';
  const dueDay = (isoText: string) =>
    new Date(isoText).toLocaleDateString('en-US', { timeZone: library.timezone, dateStyle: 'medium' });

  /** The message a desk action left, worded from what the server knows now (never from a URL). */
  function deskNotice(flash: Flash | null, loans: readonly DeskLoan[]): string | undefined {
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
      const patron = await desk.findPatronForDesk(ctx, actor, {
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
    ) => Promise<{ flash?: Omit<Flash, 'path'>; checkin?: Checkin }>,
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
        ? await desk.findPatronForDesk(ctx, request.actor!, { patronId }).catch(() => null)
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
      const instruction = describeRoute(library, r, library.timezone);
      return { checkin: { barcode: r.barcode, title: r.title, instruction } };
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
      await holds.placeHoldByCopyBarcode(
        ctx,
        { kind: 'staff', actor: request.actor! },
        {
          patronId: f.patron ?? '',
          barcode: f.hold_item,
          thisCopy: f.this_copy === 'on',
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

  app.get('/staff/holds', { schema: { querystring: deskQuery } }, async (request, reply) => {
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
  });
}
