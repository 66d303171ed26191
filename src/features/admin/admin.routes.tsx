// Administrator routes: purge overview and "run now"; job-queue health.
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { redirectWithStaffFlash, staffNotice } from '../../http/flash.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canRunPurge, canViewJobQueue, canViewPurgeRuns } from '../staff/staff.policy.ts';
import { getJobHealth, getPurgeOverview, queuePurgeNow, runPurgeSchema } from './admin.service.ts';
import { JobsPage, PurgePage } from './admin.views.tsx';

const notices: Record<string, string> = {
  queued: 'A purge has been queued; it runs within a few seconds. Reload this page to see it.',
};

export function registerAdminRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  // The "queued" message waits in the staff session, never in the URL (issue 12 item 2).
  app.get('/staff/admin/purge', async (request, reply) => {
    const actor = requireStaff(request, reply, canViewPurgeRuns);
    if (!actor) return reply;
    const overview = await getPurgeOverview(ctx, actor);
    const notice = await staffNotice(ctx, request, '/staff/admin/purge', notices);
    return sendPage(
      reply,
      <PurgePage
        library={library}
        actor={actor}
        csrfToken={reply.generateCsrf()}
        overview={overview}
        canRun={canRunPurge(actor)}
        notice={notice}
      />,
    );
  });

  app.post('/staff/admin/purge/run', async (request, reply) => {
    const actor = requireStaff(request, reply, canRunPurge);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema: runPurgeSchema }, () => queuePurgeNow(ctx, actor));
    if (r.ok) return redirectWithStaffFlash(ctx, request, reply, '/staff/admin/purge', 'queued');
    return sendPage(
      reply,
      <PurgePage
        library={library}
        actor={actor}
        csrfToken={reply.generateCsrf()}
        overview={await getPurgeOverview(ctx, actor)}
        canRun={canRunPurge(actor)}
        error={r.failure.message}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/admin/jobs', async (request, reply) => {
    const actor = requireStaff(request, reply, canViewJobQueue);
    if (!actor) return reply;
    const health = await getJobHealth(ctx, actor);
    return sendPage(
      reply,
      <JobsPage library={library} actor={actor} csrfToken={reply.generateCsrf()} health={health} />,
    );
  });
}
