// The dashboard as CSV (issue 5, G7): every figure of the range, counts from 1 to k suppressed;
// totals (visitors, views) exact.
import { suppressedCell, toCsv } from '../../stats/csv.ts';
import type { Dashboard } from './webstats.service.ts';

export function dashboardCsv(d: Dashboard): string {
  const rows: Array<Array<string | number>> = [
    ['total', 'visitors', d.current.visitors],
    ['total', 'views', d.current.views],
    ['count', 'do-not-track or global-privacy-control visits', suppressedCell(d.current.optOut, d.k)],
  ];
  for (const p of d.current.perDay) rows.push(['views per day', p.day, suppressedCell(p.views, d.k)]);
  for (const [dim, list] of Object.entries(d.current.byDimension))
    for (const r of list) rows.push([dim, r.value, suppressedCell(r.count, d.k)]);
  return toCsv([`figure (${d.range.from} to ${d.range.to})`, 'value', 'count'], rows);
}
