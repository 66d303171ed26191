// The circulation desk (check-out, check-in, renew, lost, holds for a patron) and the hold shelf,
// as HTML forms. Thin: parse, guard, one service call, present, render. A refused action re-renders
// the desk with what was typed. The patron open at the desk and any message live in the staff
// session, never in a URL (issue 12 items 1 and 2).
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { setStaffFlash, takeStaffFlash } from '../../http/flash.ts';
import { formAction } from '../../http/form-action.ts';
import { formFields } from '../../http/forms.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canUseDesk } from './circulation.policy.ts';
import { idParams } from './circulation.route-parts.ts';
import {
  BARCODE_SUMMARY,
  deskCheckInForm,
  deskCheckOutForm,
  deskHoldForm,
  deskLostForm,
  deskOpenPatronForm,
  deskRenewForm,
} from './circulation.schemas.ts';
import * as circ from './circulation.service.ts';
import { deskResponder } from './desk.page.tsx';
import * as desk from './desk.service.ts';
import { describeRoute, ShelfPage } from './desk.views.tsx';
import * as holds from './holds.service.ts';

// Only the branch: `?patron=`, `?card=` and `?notice=` are ignored.
const deskQuery = z.object({ branch: z.string().max(16).optional() });

export function registerDeskRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const { renderDesk, deskAction, branchOf, deskUrl } = deskResponder(ctx);

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
    const branch = branchOf(formFields(request).branch);
    const outcome = await formAction(
      request,
      reply,
      { schema: deskOpenPatronForm },
      async ({ card, patron }) => {
        if (!card && !patron) return null;
        const found = await desk
          .findPatronForDesk(ctx, actor, { card, patronId: card ? undefined : patron })
          .catch((err: unknown) => {
            // A card that names no one is a mistake in the card field: the desk shows it there.
            if (err instanceof NotFoundError) throw new ValidationError(err.message, { card: err.message });
            throw err;
          });
        return found.id;
      },
    );
    if (!outcome.ok) return renderDesk(request, reply, { branch, failure: outcome.failure });
    await setStaffFlash(ctx, request, null, { deskPatronId: outcome.result });
    return reply.redirect(deskUrl(branch), 303);
  });

  app.post('/staff/desk/checkout', (request, reply) =>
    deskAction(request, reply, { schema: deskCheckOutForm, summary: BARCODE_SUMMARY }, async (v, at) => {
      const r = await circ.checkOut(ctx, request.actor!, {
        patronId: at.patronId ?? '',
        barcode: v.barcode,
        branch: at.branch,
        overrideReason: v.override_reason,
      });
      const flags = [
        ...(r.pickedUpHold ? ['hold-filled'] : []),
        ...(r.overridden.length ? ['overridden'] : []),
      ];
      return { flash: { code: 'checked-out', ref: r.loanId, flags } };
    }),
  );

  app.post('/staff/desk/checkin', (request, reply) =>
    deskAction(request, reply, { schema: deskCheckInForm, summary: BARCODE_SUMMARY }, async (v, at) => {
      const r = await circ.checkIn(ctx, request.actor!, {
        barcode: v.checkin_barcode,
        branch: at.branch,
        damaged: v.damaged,
      });
      const instruction = describeRoute(library, r, library.timezone);
      return { checkin: { barcode: r.barcode, title: r.title, instruction } };
    }),
  );

  app.post('/staff/desk/renew', (request, reply) =>
    deskAction(request, reply, { schema: deskRenewForm }, async (v) => {
      await circ.renewLoan(ctx, { kind: 'staff', actor: request.actor! }, v.loan);
      return { flash: { code: 'renewed', ref: v.loan } };
    }),
  );

  app.post('/staff/desk/lost', (request, reply) =>
    deskAction(request, reply, { schema: deskLostForm, summary: BARCODE_SUMMARY }, async (v, at) => {
      const r = await circ.markLost(ctx, request.actor!, { barcode: v.lost_barcode, branch: at.branch });
      return { flash: { code: 'lost', flags: r.wasOnLoan ? ['loan-ended'] : [] } };
    }),
  );

  app.post('/staff/desk/holds', (request, reply) =>
    deskAction(request, reply, { schema: deskHoldForm }, async (v, at) => {
      await holds.placeHoldByCopyBarcode(
        ctx,
        { kind: 'staff', actor: request.actor! },
        {
          patronId: at.patronId ?? '',
          barcode: v.hold_item,
          thisCopy: v.this_copy,
          pickupBranch: v.pickupBranch,
        },
      );
      return { flash: { code: 'hold-placed' } };
    }),
  );

  app.post('/staff/desk/holds/:id/cancel', { schema: { params: idParams } }, (request, reply) =>
    deskAction(request, reply, { schema: z.object({}) }, async () => {
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
