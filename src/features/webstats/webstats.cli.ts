// `carrel stats import-log FILE… [--site HOST] [--no-dns]`: imports nginx/Apache combined logs
// (plain or gzip) into the website statistics. Exit codes: 0 done (malformed lines are reported
// and skipped), 1 a file cannot be read, 2 bad usage with one line saying what to fix.
import fs from 'node:fs';
import { Command } from 'commander';
import { printable } from '../../cli/terminal.ts';
import type { AppContext } from '../../context.ts';
import { importLogFile, type LogImportSummary } from './log-import.ts';
import { plural } from '../../plural.ts';

export interface StatsCliDeps {
  openContext(): Promise<AppContext>;
  cliError(message: string, exitCode: number): Error;
}

const n = (v: number) => v.toLocaleString('en-US');

export function formatLogSummary(s: LogImportSummary): string {
  if (s.status === 'already-imported')
    return `${printable(s.file)}: already imported (same fingerprint); nothing counted again.\n`;
  const rate = s.durationMs > 0 ? Math.round((s.lines / s.durationMs) * 1000) : s.lines;
  return [
    `${printable(s.file)}: ${plural(s.lines, 'line')} in ${(s.durationMs / 1000).toFixed(1)} s (${n(rate)} lines/s)`,
    `  page views counted  ${n(s.counted).padStart(10)}`,
    `  other requests      ${n(s.ignored).padStart(10)}   (assets, errors, staff and API paths, robots)`,
    `  malformed lines     ${n(s.malformed).padStart(10)}${s.malformedLines.length ? `   (first at line ${s.malformedLines.join(', ')})` : ''}`,
    '',
  ].join('\n');
}

export function statsCommand(deps: StatsCliDeps): Command {
  const stats = new Command('stats')
    .description('Website statistics: import server logs.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  stats
    .command('import-log')
    .description(
      'Count page views from nginx/Apache combined-format logs (plain or gzip) without storing any line; a file already imported is skipped.',
    )
    .argument('<file...>', 'log files, in order')
    .option(
      '--site <host>',
      "host of the site the log belongs to (e.g. www.library.org); default: Carrel's own pages",
    )
    .option('--no-dns', 'do not look up network domains by reverse DNS for this import')
    .action(async (files: string[], opts: { site?: string; dns: boolean }) => {
      if (opts.site !== undefined && !/^[a-z0-9.-]+(?::\d+)?$/i.test(opts.site))
        throw deps.cliError(
          `carrel: --site "${printable(opts.site)}" is not a host name like www.library.org.`,
          2,
        );
      for (const f of files) {
        try {
          fs.accessSync(f, fs.constants.R_OK);
          if (!fs.statSync(f).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why =
            code === 'ENOENT'
              ? 'no such file'
              : code === 'EACCES'
                ? 'permission denied'
                : 'not a readable file';
          throw deps.cliError(`carrel: cannot read ${printable(f)}: ${why}.`, 1);
        }
      }
      const ctx = await deps.openContext();
      try {
        for (const f of files) {
          const summary = await importLogFile(ctx, f, {
            site: opts.site?.toLowerCase() ?? null,
            ...(opts.dns ? {} : { reverseDns: null }),
          });
          process.stdout.write(formatLogSummary(summary));
        }
      } finally {
        await ctx.database.close();
      }
    });
  return stats;
}
