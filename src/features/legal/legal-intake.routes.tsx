// The intake page (issue 15 item 1; L1): any signed-in staff member records a visit by law
// enforcement; after it, a page that says what to do and say and names no case. Thin: parse, guard,
// one service call, view. Nothing typed here is logged (G4): only the route pattern and status.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { intakeFormSchema, localDateTime } from './legal-intake.schemas.ts';
import { INTAKE_PATH, IntakePage, RECORDED_PATH, RecordedPage } from './legal-intake.views.tsx';
import { canOpenCase } from './legal.policy.ts';
import { openCase } from './legal.service.ts';

const recordedQuery = z.object({ notified: z.coerce.number().int().min(0).max(1000).catch(0) });

export function registerLegalIntakeRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });
  const schema = intakeFormSchema(library.timezone);

  app.get(INTAKE_PATH, (request, reply) => {
    if (!requireStaff(request, reply, canOpenCase)) return reply;
    const values = { arrivedAt: localDateTime(ctx.clock.now(), library.timezone) };
    return sendPage(reply, <IntakePage {...frame(request, reply)} values={values} />);
  });

  app.post(INTAKE_PATH, async (request, reply) => {
    const actor = requireStaff(request, reply, canOpenCase);
    if (!actor) return reply;
    const r = await formAction(request, reply, { schema }, (v) => openCase(ctx, actor, v));
    // See other: a reload of the next page does not record the visit twice.
    if (r.ok) return reply.redirect(`${RECORDED_PATH}?notified=${r.result.notified}`, 303);
    return sendPage(
      reply,
      <IntakePage
        {...frame(request, reply)}
        values={r.failure.values}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get(RECORDED_PATH, (request, reply) => {
    if (!requireStaff(request, reply, canOpenCase)) return reply;
    const { notified } = recordedQuery.parse(request.query);
    return sendPage(reply, <RecordedPage {...frame(request, reply)} notified={notified} />);
  });
}
