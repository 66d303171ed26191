// How the circulation desk answers: the page, built from the presenter's model (never database
// rows), and a desk action's outcome (a redirect with the message kept in the staff session, or
// the desk again with the refusal and what was typed). The routes are in desk.routes.tsx.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { setStaffFlash, type Flash } from '../../http/flash.ts';
import { formAction, formFailure, type FormFailure } from '../../http/form-action.ts';
import { formFields } from '../../http/forms.ts';
import { sendPage } from '../../http/render.tsx';
import { borrowingBlock } from '../patrons/patrons.policy.ts';
import type { PatronRow } from '../patrons/patrons.repository.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { canUseDesk } from './circulation.policy.ts';
import { BRANCH_SUMMARY } from './circulation.schemas.ts';
import * as circ from './circulation.service.ts';
import * as desk from './desk.service.ts';
import { presentDesk, type DeskLoan } from './desk.presenter.ts';
import { DeskPage } from './desk.views.tsx';
import * as holds from './holds.service.ts';

export type Checkin = { barcode: string; title: string; instruction: string };

/** Render the desk and run desk actions for one app: used by registerDeskRoutes. */
export function deskResponder(ctx: AppContext) {
  const library = ctx.config.library;

  async function renderDesk(
    request: FastifyRequest,
    reply: FastifyReply,
    opts: {
      branch: string | null;
      patronId?: string | undefined;
      flash?: Flash | null;
      /** A refused action: its message, field messages, what was typed and status (formAction). */
      failure?: FormFailure;
      checkin?: Checkin | null;
    },
  ) {
    const actor = request.actor!;
    const failure = opts.failure;
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
        error={failure?.message}
        fields={failure?.fields ?? {}}
        values={failure?.values ?? {}}
        offerOverride={failure?.error instanceof circ.LoanRuleError && failure.error.overridable}
        checkin={opts.checkin ?? null}
      />,
      failure?.status ?? 200,
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

  /**
   * Runs one desk action: the branch first (every desk form has one), then the form's schema, then
   * the action with the checked values. A refusal re-renders the desk with what was typed.
   */
  async function deskAction<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { schema: S; summary?: string },
    action: (
      values: z.output<S>,
      at: { branch: string; patronId: string | undefined },
    ) => Promise<{ flash?: Omit<Flash, 'path'>; checkin?: Checkin }>,
  ) {
    if (!requireStaff(request, reply, canUseDesk)) return reply;
    const f = formFields(request);
    const branch = branchOf(f.branch);
    if (!branch)
      return renderDesk(request, reply, {
        branch: null,
        failure: formFailure(reply, new ValidationError(BRANCH_SUMMARY), {}),
      });
    const patronId = f.patron || undefined;
    const outcome = await formAction(request, reply, { ...form, input: f }, (values) =>
      action(values, { branch, patronId }),
    );
    if (!outcome.ok) return renderDesk(request, reply, { branch, patronId, failure: outcome.failure });
    const r = outcome.result;
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
  }

  return { renderDesk, deskAction, branchOf, deskUrl };
}
