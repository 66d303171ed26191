// Public pages of a branch's computers (issue 14 item 4; P1, P2, G4): no sign-in, no cookie, no
// JavaScript. The ticket link carries the ticket's random id, never its number; logs carry only
// the route pattern (src/http/logging.ts), so neither the id nor anything typed reaches them.
import type { AppContext } from '../../context.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { branchBoard, branchComputers, followTicket, joinFromPage } from './pcs-public.service.ts';
import {
  branchParams,
  isTicketId,
  joinSchema,
  joinSummary,
  liveQuery,
  ticketParams,
} from './pcs-public.schemas.ts';
import { BoardPage, ComputersPage, TicketGonePage, TicketPage } from './pcs-public.views.tsx';
import { ticketStatus } from './pcs-waitlist.service.ts';

export function registerPcsPublicRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get('/computers/:branch', { schema: { params: branchParams } }, async (request, reply) => {
    const { branch } = request.params;
    const now = await branchComputers(ctx, branch);
    return sendPage(
      reply,
      <ComputersPage library={library} branch={branch} {...now} csrfToken={reply.generateCsrf()} />,
    );
  });

  app.post('/computers/:branch/join', { schema: { params: branchParams } }, async (request, reply) => {
    const { branch } = request.params;
    const r = await formAction(request, reply, { schema: joinSchema, summary: joinSummary }, (values) =>
      joinFromPage(ctx, branch, values, request.ip),
    );
    if (r.ok) {
      const status = await ticketStatus(ctx, r.result.ticketId);
      if (status)
        return sendPage(
          reply,
          <TicketPage
            library={library}
            branch={branch}
            ticketId={r.result.ticketId}
            status={status}
            joined
          />,
        );
      return sendPage(reply, <TicketGonePage library={library} branch={branch} />);
    }
    const now = await branchComputers(ctx, branch);
    return sendPage(
      reply,
      <ComputersPage
        library={library}
        branch={branch}
        {...now}
        csrfToken={reply.generateCsrf()}
        values={r.failure.values}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get(
    '/computers/:branch/ticket/:ticketId',
    { schema: { params: ticketParams, querystring: liveQuery } },
    async (request, reply) => {
      const { branch, ticketId } = request.params;
      const { live } = request.query;
      const status = isTicketId(ticketId) ? await followTicket(ctx, branch, ticketId) : undefined;
      if (!status) return sendPage(reply, <TicketGonePage library={library} branch={branch} />, 404);
      return sendPage(
        reply,
        <TicketPage library={library} branch={branch} ticketId={ticketId} status={status} live={live} />,
      );
    },
  );

  app.get(
    '/computers/:branch/board',
    { schema: { params: branchParams, querystring: liveQuery } },
    async (request, reply) => {
      const { branch } = request.params;
      const board = await branchBoard(ctx, branch);
      return sendPage(
        reply,
        <BoardPage library={library} branch={branch} board={board} live={request.query.live} />,
      );
    },
  );
}
