// Groups and computers of a branch for pc-staff and administrators (issue 14 item 1, staff side):
// create and edit groups, create (key shown once), edit and delete computers. Thin: parse, guard,
// one service call, view.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { StaffActor } from '../../auth/actors.ts';
import { requireStaff } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction, noFields, type FormFailure } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import * as admin from './pcs-admin.service.ts';
import { GroupFormPage, GroupsPage, StationFormPage, StationKeyPage } from './pcs-admin.views.tsx';
import { ageBandsOf } from './pcs-staff.presenter.ts';
import { branchParam } from './pcs-staff.routes.tsx';
import { groupSchema, idParams, stationSchema } from './pcs-staff.schemas.ts';
import { canManagePcs } from './pcs.policy.ts';
import * as repo from './pcs.repository.ts';

const notices: Record<string, string> = {
  group: 'The group is saved.',
  station: 'The computer is saved.',
  deleted: 'The computer was deleted.',
};
const groupsPath = (branch: string) => `/staff/pcs/groups?branch=${encodeURIComponent(branch)}`;

/** What a refused form showed, with its ticked age bands, to show again. */
const typedAgain = (f: FormFailure) => ({ ...f.values, ageBands: (f.lists.ageBands ?? []).join(',') });

const groupValues = (g: repo.PcGroupRow) => ({
  name: g.name,
  ticketPrefix: g.ticket_prefix,
  dailyMinutes: String(g.daily_minutes),
  sessionMinutes: String(g.session_minutes),
  holdMinutes: String(g.hold_minutes),
  ageBands: ageBandsOf(g.age_bands).join(','),
});

const stationValues = (s: repo.PcStationRow) => ({
  name: s.name,
  groupId: s.group_id ?? '',
  ageBands: ageBandsOf(s.age_bands).join(','),
  isReservable: s.is_reservable ? 'on' : '',
});

export function registerPcsAdminRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const bands = library.circulation.ageBands;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
    bands,
  });
  const guard = (request: FastifyRequest, reply: FastifyReply) => requireStaff(request, reply, canManagePcs);
  const groupOptions = async (actor: StaffActor, branch: string) =>
    (await admin.branchGroups(ctx, actor, branch)).map((g) => [g.id, g.name] as const);
  const formOptions = { schema: groupSchema, lists: ['ageBands'] } as const;
  const stationOptions = { schema: stationSchema, lists: ['ageBands'] } as const;

  app.get('/staff/pcs/groups', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const branch = branchParam(ctx, request);
    const groups = await admin.branchGroups(ctx, actor, branch);
    const stations = await admin.branchStations(ctx, actor, branch);
    const notice = await staffNotice(ctx, request, groupsPath(branch), notices);
    return sendPage(
      reply,
      <GroupsPage
        {...frame(request, reply)}
        branch={branch}
        groups={groups}
        stations={stations}
        notice={notice}
      />,
    );
  });

  app.get('/staff/pcs/groups/new', (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const branch = branchParam(ctx, request);
    const values = { dailyMinutes: '120', sessionMinutes: '60', holdMinutes: '5' };
    const action = `/staff/pcs/groups/new?branch=${encodeURIComponent(branch)}`;
    return sendPage(
      reply,
      <GroupFormPage {...frame(request, reply)} isNew branch={branch} action={action} values={values} />,
    );
  });

  app.post('/staff/pcs/groups/new', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const branch = branchParam(ctx, request);
    const r = await formAction(request, reply, formOptions, (v) =>
      admin.addGroup(ctx, actor, { branch, ...v }),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, groupsPath(branch), 'group');
    const action = `/staff/pcs/groups/new?branch=${encodeURIComponent(branch)}`;
    return sendPage(
      reply,
      <GroupFormPage
        {...frame(request, reply)}
        isNew
        branch={branch}
        action={action}
        values={typedAgain(r.failure)}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/pcs/groups/:id', { schema: { params: idParams } }, async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const g = await admin.findGroup(ctx, actor, request.params.id);
    return sendPage(
      reply,
      <GroupFormPage
        {...frame(request, reply)}
        isNew={false}
        branch={g.branch}
        action={`/staff/pcs/groups/${g.id}`}
        values={groupValues(g)}
      />,
    );
  });

  app.post('/staff/pcs/groups/:id', { schema: { params: idParams } }, async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const g = await admin.findGroup(ctx, actor, request.params.id);
    const r = await formAction(request, reply, formOptions, (v) => admin.updateGroup(ctx, actor, g.id, v));
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, groupsPath(g.branch), 'group');
    return sendPage(
      reply,
      <GroupFormPage
        {...frame(request, reply)}
        isNew={false}
        branch={g.branch}
        action={`/staff/pcs/groups/${g.id}`}
        values={typedAgain(r.failure)}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/pcs/stations/new', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const branch = branchParam(ctx, request);
    const action = `/staff/pcs/stations/new?branch=${encodeURIComponent(branch)}`;
    return sendPage(
      reply,
      <StationFormPage
        {...frame(request, reply)}
        branch={branch}
        action={action}
        groups={await groupOptions(actor, branch)}
        values={{ isReservable: 'on' }}
      />,
    );
  });

  // The answer shows the new key once (no redirect: it is in this response only, not stored).
  app.post('/staff/pcs/stations/new', async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const branch = branchParam(ctx, request);
    const r = await formAction(request, reply, stationOptions, (v) =>
      admin.addStation(ctx, actor, { branch, ...v }),
    );
    if (r.ok) {
      void reply.header('Cache-Control', 'no-store');
      return sendPage(
        reply,
        <StationKeyPage
          {...frame(request, reply)}
          branch={branch}
          name={r.result.name}
          stationKey={r.result.stationKey}
        />,
      );
    }
    const action = `/staff/pcs/stations/new?branch=${encodeURIComponent(branch)}`;
    return sendPage(
      reply,
      <StationFormPage
        {...frame(request, reply)}
        branch={branch}
        action={action}
        groups={await groupOptions(actor, branch)}
        values={typedAgain(r.failure)}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/pcs/stations/:id/edit', { schema: { params: idParams } }, async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const s = await admin.findStation(ctx, actor, request.params.id);
    return showStationForm(request, reply, actor, s, stationValues(s));
  });

  async function showStationForm(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    s: repo.PcStationRow,
    values: Record<string, string>,
    failure?: FormFailure,
  ) {
    return sendPage(
      reply,
      <StationFormPage
        {...frame(request, reply)}
        branch={s.branch}
        stationId={s.id}
        action={`/staff/pcs/stations/${s.id}/edit`}
        groups={await groupOptions(actor, s.branch)}
        values={values}
        error={failure?.message}
        fields={failure?.fields}
      />,
      failure?.status ?? 200,
    );
  }

  app.post('/staff/pcs/stations/:id/edit', { schema: { params: idParams } }, async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const s = await admin.findStation(ctx, actor, request.params.id);
    const r = await formAction(request, reply, stationOptions, (v) =>
      admin.updateStation(ctx, actor, s.id, v),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, groupsPath(s.branch), 'station');
    return showStationForm(request, reply, actor, s, typedAgain(r.failure), r.failure);
  });

  app.post('/staff/pcs/stations/:id/delete', { schema: { params: idParams } }, async (request, reply) => {
    const actor = guard(request, reply);
    if (!actor) return reply;
    const s = await admin.findStation(ctx, actor, request.params.id);
    const r = await formAction(request, reply, { schema: noFields }, () =>
      admin.deleteStation(ctx, actor, s.id),
    );
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, groupsPath(s.branch), 'deleted');
    return showStationForm(request, reply, actor, s, stationValues(s), r.failure);
  });
}
