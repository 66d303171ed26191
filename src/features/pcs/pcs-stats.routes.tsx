// Public-computer statistics for pc-staff and administrators, as a page and as CSV (issue 14 item
// 7; P1, G7): the same suppressed cells in both.
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { toCsv } from '../../stats/csv.ts';
import { parseInput } from '../../validation.ts';
import { canManagePcs } from './pcs.policy.ts';
import { pcStatsReport, pcStatsSchema, pcStatsSummary, type PcStatsReport } from './pcs-stats.service.ts';
import { countText, hiddenOr, PcStatsPage, refusalWords } from './pcs-stats.views.tsx';

const statsQuery = z.object({
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
  branch: z.string().max(40).optional(),
  by: z.string().max(10).optional(),
});

/** One CSV of the use rows, then the refusals under the same columns ("refusals" in `measure`). */
export function pcStatsCsv(r: PcStatsReport): string {
  const header = ['from', 'to', 'branch', 'group', r.by, 'measure', 'value'];
  const rows: string[][] = [];
  for (const l of r.lines) {
    const base = [r.from, r.to, l.branch, l.groupName, l.when];
    rows.push(
      [...base, 'sessions', countText(l.sessions)],
      [...base, 'guest_sessions', countText(l.guestSessions)],
      [...base, 'minutes_used', hiddenOr(l.minutesUsed)],
      [...base, 'passes_used', countText(l.passesUsed)],
      [...base, 'waits', countText(l.waits)],
      [...base, 'median_wait_seconds', hiddenOr(l.medianWaitSeconds)],
      [...base, 'longest_wait_seconds', hiddenOr(l.longestWaitSeconds)],
    );
  }
  for (const x of r.refusals)
    rows.push([
      r.from,
      r.to,
      x.branch,
      '',
      '',
      `refused: ${refusalWords[x.reason] ?? x.reason}`,
      countText(x.count),
    ]);
  return toCsv(header, rows);
}

export function registerPcsStatsRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get('/staff/pcs/stats', { schema: { querystring: statsQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManagePcs);
    if (!actor) return reply;
    const frame = { library, actor, csrfToken: reply.generateCsrf() };
    const r = await formAction(
      request,
      reply,
      { schema: pcStatsSchema, summary: pcStatsSummary, input: request.query },
      (q) => pcStatsReport(ctx, actor, q),
    );
    if (r.ok) {
      const { from, to, branch, by } = r.result;
      return sendPage(reply, <PcStatsPage {...frame} report={r.result} values={{ from, to, branch, by }} />);
    }
    return sendPage(
      reply,
      <PcStatsPage
        {...frame}
        report={null}
        values={r.failure.values}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/pcs/stats.csv', { schema: { querystring: statsQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canManagePcs);
    if (!actor) return reply;
    const q = parseInput(pcStatsSchema, request.query, pcStatsSummary);
    const r = await pcStatsReport(ctx, actor, q);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="public-computers-${r.from}-${r.to}.csv"`)
      .send(pcStatsCsv(r));
  });
}
