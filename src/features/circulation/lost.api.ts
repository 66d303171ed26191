// Mark lost in the JSON API (issue 13 part 5): the desk's "Mark lost" form as
// `POST /api/v1/staff/circulation/lost`, calling the same service (`markLost`), so every desk action
// is in the API. Desk roles only; the session-bound CSRF token is checked by src/http/csrf.ts for
// every unsafe request, as for the rest of the staff API. A loan on the copy ends (C1: the
// patron↔item link is deleted, not flagged) and a hold that had caught it waits again (C4).
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { canUseDesk } from './circulation.policy.ts';
import { markLostSchema, parseCirculation } from './circulation.schemas.ts';
import { markLost } from './circulation.service.ts';

export function registerLostApi(app: App, ctx: AppContext): void {
  const lostInput = markLostSchema(ctx.config.library);
  app.post(
    '/api/v1/staff/circulation/lost',
    {
      schema: {
        tags: ['circulation (staff)'],
        summary: 'Mark a copy lost',
        description:
          'Does what the desk\'s "Mark lost" does: the copy is marked lost, a loan on it ends (the ' +
          'patron–copy link is deleted) and a hold that had caught it waits for another copy. The ' +
          'branch is where the action is counted in the circulation statistics.',
        body: z.object({
          barcode: z.string().max(64).describe("The copy's barcode."),
          branch: z.string().max(16).describe('Code of the branch doing it.'),
        }),
        response: {
          200: z.object({
            title: z.string(),
            wasOnLoan: z.boolean().describe('Whether a loan on the copy was ended.'),
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canUseDesk);
      if (!actor) return reply;
      const r = await markLost(ctx, actor, parseCirculation(lostInput, request.body));
      return { title: r.title, wasOnLoan: r.wasOnLoan };
    },
  );
}
