// The circulation desk (check-out, check-in, renew, lost, holds for a patron) and the hold shelf,
// as HTML forms. Thin: parse, guard, one service call, present, render. A refused action re-renders
// the desk with what was typed. The patron open at the desk and any message live in the staff
// session, never in a URL (issue 12 items 1 and 2).
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { setStaffFlash, takeStaffFlash } from '../../http/flash.ts';
import { formFields } from '../../http/forms.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canUseDesk } from './circulation.policy.ts';
import { idParams } from './circulation.route-parts.ts';
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
