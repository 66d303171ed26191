// Staff screens for public computers (issue 14 item 7, items 4–5 staff side): the live map, one
// computer's actions, the waiting list and guest passes, for pc-staff and administrators. Thin:
// parse, guard, one service call, presenter, view. Messages wait in the staff session, never in URLs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { StaffActor } from '../../auth/actors.ts';
import { NotFoundError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction, noFields, type FormFailure } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import * as admin from './pcs-admin.service.ts';
import { MapPage, StationPage } from './pcs-map.views.tsx';
import { PassesFormPage, PassSheetPage } from './pcs-passes.views.tsx';
import { countStates, presentMap, presentStation } from './pcs-staff.presenter.ts';
import * as schemas from './pcs-staff.schemas.ts';
import { WaitlistPage } from './pcs-waitlist.views.tsx';
import { createPasses } from './pcs-passes.service.ts';
import { canManagePcs } from './pcs.policy.ts';
import { addMinutes, endSession, sendMessage } from './pcs.service.ts';
import { approveStation, setOutOfOrder, stationStatus } from './pcs-stations.service.ts';
import { callTicket, releaseHold, skipTicket, removeTicket } from './pcs-waitlist.service.ts';

const stationNotices: Record<string, string> = {
  approve: 'The computer is approved.',
  minutes: 'Minutes added.',
  message: 'Message sent; the computer shows it once at its next check.',
  end: 'The session was ended.',
  order: 'Saved.',
};
const waitlistNotices: Record<string, string> = {
  call: 'The ticket was called to a free computer.',
  skip: 'The ticket was skipped.',
  remove: 'The ticket was removed.',
  release: 'The computer is released: the next sign-in there serves the ticket.',
};

/** The branch a page shows: the one asked for, else the library's first. */
export function branchParam(ctx: AppContext, request: FastifyRequest): string {
  const q = request.query as { branch?: unknown };
  const code = typeof q.branch === 'string' ? q.branch : ctx.config.library.branches[0]!.code;
  if (!ctx.config.library.branches.some((b) => b.code === code))
    throw new NotFoundError(`There is no branch ${code}.`);
  return code;
}

export const waitlistPath = (branch: string) => `/staff/pcs/waitlist?branch=${encodeURIComponent(branch)}`;

export function registerPcsStaffRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const tz = library.timezone;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });
  const guard = (request: FastifyRequest, reply: FastifyReply) => requireStaff(request, reply, canManagePcs);
  const groupOptions = async (actor: StaffActor, branch: string) =>
    (await admin.branchGroups(ctx, actor, branch)).map((g) => [g.id, g.name] as const);

  app.get('/staff/pcs', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const branch = branchParam(ctx, request);
    const groups = presentMap(
      await stationStatus(ctx, actor, branch),
      await admin.branchGroups(ctx, actor, branch),
      tz,
    );
    const live = (request.query as { live?: unknown }).live === '1';
    return sendPage(
      reply,
      <MapPage
        {...frame(request, reply)}
        branch={branch}
        live={live}
        groups={groups}
        counts={countStates(groups)}
      />,
    );
  });

  async function showStation(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    id: string,
    failure?: { name: string; failure: FormFailure },
  ) {
    const station = await admin.findStation(ctx, actor, id);
    const item = (await stationStatus(ctx, actor, station.branch)).find((s) => s.stationId === id);
    if (!item) throw new NotFoundError('There is no such computer.');
    const path = `/staff/pcs/stations/${id}`;
    const notice = failure ? undefined : await staffNotice(ctx, request, path, stationNotices);
    return sendPage(
      reply,
      <StationPage
        {...frame(request, reply)}
        branch={station.branch}
        station={presentStation(item, tz)}
        groups={await groupOptions(actor, station.branch)}
        notice={notice}
        {...(failure && {
          failed: failure.name,
          error: failure.failure.message,
          fields: failure.failure.fields,
          values: failure.failure.values,
        })}
      />,
      failure?.failure.status ?? 200,
    );
  }

  app.get('/staff/pcs/stations/:id', { schema: { params: schemas.idParams } }, async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    return showStation(request, reply, actor, request.params.id);
  });

  // Each action on a computer: its form's schema and the one service call it makes.
  const stationActions: Array<
    [string, z.ZodType, (actor: StaffActor, id: string, v: never) => Promise<unknown>]
  > = [
    [
      'approve',
      schemas.approveSchema,
      (a, id, v: z.output<typeof schemas.approveSchema>) => approveStation(ctx, a, id, v.groupId),
    ],
    [
      'minutes',
      schemas.addMinutesSchema,
      async (a, id, v: z.output<typeof schemas.addMinutesSchema>) =>
        sessionOf(a, id).then((s) => addMinutes(ctx, a, s, v.minutes)),
    ],
    [
      'message',
      schemas.messageSchema,
      async (a, id, v: z.output<typeof schemas.messageSchema>) =>
        sessionOf(a, id).then((s) => sendMessage(ctx, a, s, v.message)),
    ],
    ['end', noFields, async (a, id) => sessionOf(a, id).then((s) => endSession(ctx, a, s))],
    [
      'order',
      schemas.outOfOrderSchema,
      (a, id, v: z.output<typeof schemas.outOfOrderSchema>) =>
        setOutOfOrder(ctx, a, id, v.outOfOrder === '1'),
    ],
  ];

  /** The session running on a computer now (the page names the computer, not the session). */
  async function sessionOf(actor: StaffActor, stationId: string): Promise<string> {
    const station = await admin.findStation(ctx, actor, stationId);
    const item = (await stationStatus(ctx, actor, station.branch)).find((s) => s.stationId === stationId);
    if (item?.state !== 'in-use')
      throw new NotFoundError('Nobody is using this computer now; the session has ended.');
    return item.sessionId;
  }

  for (const [name, schema, run] of stationActions) {
    app.post(
      `/staff/pcs/stations/:id/${name}`,
      { schema: { params: schemas.idParams } },
      async (request, reply) => {
        const actor = guard(request, reply);
        if (!actor) return reply;
        const id = request.params.id;
        const r = await formAction(request, reply, { schema }, (values) => run(actor, id, values as never));
        if (r.ok) return redirectWithStaffFlash(ctx, request, reply, `/staff/pcs/stations/${id}`, name);
        return showStation(request, reply, actor, id, { name, failure: r.failure });
      },
    );
  }

  async function showWaitlist(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    branch: string,
    failure?: FormFailure,
  ) {
    const tickets = await admin.staffWaitlist(ctx, actor, branch);
    const groupNames = new Map(await groupOptions(actor, branch));
    const notice = failure
      ? undefined
      : await staffNotice(ctx, request, waitlistPath(branch), waitlistNotices);
    return sendPage(
      reply,
      <WaitlistPage
        {...frame(request, reply)}
        branch={branch}
        tickets={tickets}
        groupNames={groupNames}
        notice={notice}
        error={failure?.message}
      />,
      failure?.status ?? 200,
    );
  }

  app.get('/staff/pcs/waitlist', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    return showWaitlist(request, reply, actor, branchParam(ctx, request));
  });

  for (const [name, run] of [
    ['call', callTicket],
    ['skip', skipTicket],
    ['remove', removeTicket],
  ] as const) {
    app.post(
      `/staff/pcs/waitlist/:id/${name}`,
      { schema: { params: schemas.idParams } },
      async (request, reply) => {
        const actor = guard(request, reply);
        if (!actor) return reply;
        const branch = await admin.ticketBranch(ctx, actor, request.params.id);
        const r = await formAction(request, reply, { schema: noFields }, async () => {
          await run(ctx, actor, request.params.id);
        });
        if (r.ok) return redirectWithStaffFlash(ctx, request, reply, waitlistPath(branch), name);
        return showWaitlist(request, reply, actor, branch, r.failure);
      },
    );
  }

  app.post(
    '/staff/pcs/stations/:id/release',
    { schema: { params: schemas.idParams } },
    async (request, reply) => {
      const actor = guard(request, reply);
      if (!actor) return reply;
      const { branch } = await admin.findStation(ctx, actor, request.params.id);
      const r = await formAction(request, reply, { schema: noFields }, () =>
        releaseHold(ctx, actor, request.params.id),
      );
      if (r.ok) return redirectWithStaffFlash(ctx, request, reply, waitlistPath(branch), 'release');
      return showWaitlist(request, reply, actor, branch, r.failure);
    },
  );

  app.get('/staff/pcs/passes', (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <PassesFormPage {...frame(request, reply)} branch={branchParam(ctx, request)} values={{}} />,
    );
  });

  // The sheet is the POST's own answer (not a redirect): the codes exist only in this response.
  app.post('/staff/pcs/passes', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: schemas.passesSchema }, async (v) => ({
      branch: v.branch,
      ...(await createPasses(ctx, actor, v)),
    }));
    const branch = r.ok ? '' : (r.failure.values.branch ?? library.branches[0]!.code);
    if (!r.ok)
      return sendPage(
        reply,
        <PassesFormPage
          {...frame(request, reply)}
          branch={library.branches.some((b) => b.code === branch) ? branch : library.branches[0]!.code}
          values={r.failure.values}
          error={r.failure.message}
          fields={r.failure.fields}
        />,
        r.failure.status,
      );
    void reply.header('Cache-Control', 'no-store');
    const dayLabel = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'UTC' }).format(
      new Date(`${r.result.day}T12:00:00Z`),
    );
    return sendPage(
      reply,
      <PassSheetPage
        {...frame(request, reply)}
        branch={r.result.branch}
        dayLabel={dayLabel}
        minutes={r.result.minutes}
        codes={r.result.codes}
      />,
    );
  });
}
