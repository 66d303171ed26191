// Circulation statistics for staff, as a page and as CSV. Counts only, never a patron (C2, G7).
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { suppressedText } from '../../stats/suppress.ts';
import { parseInput } from '../../validation.ts';
import { canViewCirculationCounts } from './circulation.policy.ts';
import {
  getCirculationStats,
  statsRangeSchema,
  statsRangeSummary,
  type CirculationStats,
} from './stats.service.ts';
import { actionLabel, StatsPage } from './stats.views.tsx';

const rangeQuery = z.object({ from: z.string().max(20).optional(), to: z.string().max(20).optional() });

/** The statistics as CSV lines; branch codes, material types and actions are configuration words. */
export function statsCsv(s: CirculationStats): string {
  // Quote every cell anyway.
  const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = [
    ['from', 'to', 'branch', 'material_type', 'action', 'count'].map(cell).join(','),
    ...s.rows.map((r) =>
      [s.from, s.to, r.branchCode, r.materialType, actionLabel(r.action), suppressedText(r.count, s.k)]
        .map(cell)
        .join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export function registerStatsRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get('/staff/circulation/stats', { schema: { querystring: rangeQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewCirculationCounts);
    if (!actor) return reply;
    const frame = { library, actor, csrfToken: reply.generateCsrf(), values: request.query };
    const r = await formAction(
      request,
      reply,
      { schema: statsRangeSchema, summary: statsRangeSummary, input: request.query },
      (range) => getCirculationStats(ctx, actor, range),
    );
    if (r.ok)
      return sendPage(
        reply,
        <StatsPage {...frame} stats={r.result} values={{ from: r.result.from, to: r.result.to }} />,
      );
    return sendPage(
      reply,
      <StatsPage {...frame} stats={null} error={r.failure.message} fields={r.failure.fields} />,
      r.failure.status,
    );
  });

  app.get('/staff/circulation/stats.csv', { schema: { querystring: rangeQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewCirculationCounts);
    if (!actor) return reply;
    const range = parseInput(statsRangeSchema, request.query, statsRangeSummary);
    const s = await getCirculationStats(ctx, actor, range);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="circulation-${s.from}-${s.to}.csv"`)
      .send(statsCsv(s));
  });
}
