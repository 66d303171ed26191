// Administrator routes: purge overview and "run now"; job-queue health.
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canRunPurge, canViewJobQueue, canViewPurgeRuns } from '../staff/staff.policy.ts';
import { getJobHealth, getPurgeOverview, queuePurgeNow } from './admin.service.ts';
import { JobsPage, PurgePage } from './admin.views.tsx';

const notices: Record<string, string> = {
  queued: 'A purge has been queued; it runs within a few seconds. Reload this page to see it.',
};

export function registerAdminRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get(
    '/staff/admin/purge',
    { schema: { querystring: z.object({ notice: z.string().max(40).optional() }) } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canViewPurgeRuns);
      if (!actor) return reply;
      const overview = await getPurgeOverview(ctx, actor);
      const notice = request.query.notice ? notices[request.query.notice] : undefined;
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
    },
  );

  app.post('/staff/admin/purge/run', async (request, reply) => {
    const actor = requireStaff(request, reply, canRunPurge);
    if (!actor) return reply;
    await queuePurgeNow(ctx, actor);
    return reply.redirect('/staff/admin/purge?notice=queued', 303);
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
