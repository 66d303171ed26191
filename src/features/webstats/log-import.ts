// `carrel stats import-log`: server logs of a site that wants no script at all, streamed into the
// same aggregates (issue 5, item 3). A line is parsed, reduced like a live view and forgotten; no
// raw line is stored. Each file's counts and its fingerprint are written in one transaction, so a
// re-run of the same file counts nothing twice and an interrupted run counts nothing at all.
import crypto from 'node:crypto';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { StatsCollector } from './collector.ts';
import { isPageRequest, parseCombinedLine } from './log-format.ts';
import { fileFingerprint, readLogLines } from './log-reader.ts';
import type { ReverseDns } from './reverse-dns.ts';
import * as repo from './webstats.repository.ts';

export interface LogImportSummary {
  file: string;
  status: 'imported' | 'already-imported';
  lines: number;
  counted: number;
  /** Requests that are not page views (assets, errors, staff and API paths, bots). */
  ignored: number;
  malformed: number;
  /** Line numbers of the first few malformed lines. */
  malformedLines: number[];
  durationMs: number;
}

export interface LogImportOptions {
  /** Host of the site the log belongs to, shown with its pages (e.g. www.library.org); null: Carrel's own. */
  site: string | null;
  /** null: no reverse DNS; undefined: as configured. */
  reverseDns?: ReverseDns | null;
}

const FIRST_MALFORMED = 5;

export async function importLogFile(
  ctx: AppContext,
  file: string,
  opts: LogImportOptions,
): Promise<LogImportSummary> {
  const t0 = performance.now();
  const { fingerprint, bytes } = await fileFingerprint(file);
  const summary: LogImportSummary = {
    file,
    status: 'imported',
    lines: 0,
    counted: 0,
    ignored: 0,
    malformed: 0,
    malformedLines: [],
    durationMs: 0,
  };
  if (await repo.findLogImport(ctx.db, fingerprint)) {
    summary.status = 'already-imported';
    summary.durationMs = Math.round(performance.now() - t0);
    return summary;
  }
  const collector = new StatsCollector(ctx, {
    mode: 'import',
    ...(opts.reverseDns !== undefined ? { reverseDns: opts.reverseDns } : {}),
  });
  // The content's own fingerprint (decompressed lines): the same log rotated and gzipped by
  // logrotate has a new file fingerprint but the same content, and is not counted again.
  const content = crypto.createHash('sha256');
  // Lines go into the hash 256 at a time (one update() per batch rather than two per line; the same
  // digest: the hash of every line followed by '\n').
  const batch: string[] = [];
  for await (const { line, lineNo } of readLogLines(file)) {
    summary.lines = lineNo;
    if (batch.push(line) === 256) {
      content.update(`${batch.join('\n')}\n`);
      batch.length = 0;
    }
    if (line === '') continue;
    const l = parseCombinedLine(line);
    if (!l) {
      summary.malformed++;
      if (summary.malformedLines.length < FIRST_MALFORMED) summary.malformedLines.push(lineNo);
      continue;
    }
    if (!isPageRequest(l)) {
      summary.ignored++;
      continue;
    }
    const outcome = collector.record({
      at: l.at,
      ip: l.ip,
      userAgent: l.userAgent,
      path: l.target,
      referrer: l.referrer,
      site: opts.site,
      source: 'log',
      optOut: false,
    });
    if (outcome === 'counted') summary.counted++;
    else summary.ignored++;
  }
  if (batch.length) content.update(`${batch.join('\n')}\n`);
  await collector.settle();
  const counts = collector.takeCounts();
  const visitors = collector.importedVisitors();
  const contentPrint = `content:${content.digest('hex')}`;
  const duplicate = await ctx.db.transaction().execute(async (trx) => {
    if (await repo.findLogImport(trx, contentPrint)) {
      // Same lines under another name: remember this file too, count nothing.
      await repo.insertLogImport(trx, {
        fingerprint,
        lines: summary.lines,
        bytes,
        imported_at: iso(ctx.clock.now()),
      });
      return true;
    }
    await repo.addCounts(trx, 'stats_hourly', counts);
    await repo.addCounts(
      trx,
      'stats_daily',
      visitors.map((v) => ({ at: v.day, dimension: 'visitors', value: '', count: v.count })),
    );
    const at = iso(ctx.clock.now());
    await repo.insertLogImport(trx, { fingerprint, lines: summary.lines, bytes, imported_at: at });
    await repo.insertLogImport(trx, {
      fingerprint: contentPrint,
      lines: summary.lines,
      bytes,
      imported_at: at,
    });
    return false;
  });
  if (duplicate) {
    summary.status = 'already-imported';
    summary.counted = 0;
  }
  summary.durationMs = Math.round(performance.now() - t0);
  return summary;
}
