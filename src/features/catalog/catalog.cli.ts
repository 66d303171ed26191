// `carrel catalog import FILE… [--branch CODE] [--items] [--encoding auto|marc-8|utf-8]`: the MARC
// import at the command line. A progress bar on a terminal, plain progress lines otherwise, the
// summary at the end. Exit codes: 0 done (even with skipped records), 1 a file cannot be read,
// 2 bad usage (an unknown branch, a bad flag) with one line saying what to fix.
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { printable } from '../../cli/terminal.ts';
import type { AppContext } from '../../context.ts';
import { importCatalog, type ImportProgress, type ImportSummary } from './import/import.service.ts';
import { encodingChoices, fileSource } from './import/sources.ts';
import { plural } from '../../plural.ts';
import { parseInput } from '../../validation.ts';
import type { CliDeps } from '../../app/feature.ts';
import { importOptionsSchema } from './catalog.schemas.ts';

export interface CatalogImportFlags {
  branch?: string;
  items?: boolean;
  encoding?: string;
}

export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const n = (v: number) => v.toLocaleString('en-US');

/**
 * From this much data on, records are read and mapped in a worker thread while the main thread
 * writes (bench/README.md: about 1.5× the rate on 100,000 records); below it, starting the worker
 * costs more than it saves.
 */
const PARALLEL_FROM_BYTES = 4 * 1024 * 1024;

/** A progress bar (terminal) or a line every few seconds (log file, pipe). */
function progressPrinter(stream: Output['stderr'], sizes: number[], paths: string[]) {
  const tty = stream.isTTY === true;
  const files = paths.map(printable);
  let last = 0;
  let lastSource = -1;
  return {
    update(p: ImportProgress) {
      const now = Date.now();
      const size = sizes[p.sourceIndex] ?? 0;
      const pct = size > 0 ? Math.min(100, Math.floor((p.bytes / size) * 100)) : 100;
      if (tty) {
        if (now - last < 100 && p.sourceIndex === lastSource) return;
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        stream.write(
          `\r\x1b[K  ${files[p.sourceIndex]} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}%  ${plural(p.read, 'record')}`,
        );
      } else if (p.sourceIndex !== lastSource || now - last >= 2000) {
        stream.write(
          `  ${files[p.sourceIndex]}: ${plural(p.read, 'record')} read so far (${pct}% of the file)\n`,
        );
      } else return;
      last = now;
      lastSource = p.sourceIndex;
    },
    done() {
      if (tty && lastSource >= 0) stream.write('\r\x1b[K');
    },
  };
}

/** The summary as an operator reads it; what comes from the files is shown escaped (printable). */
export function formatSummary(s: ImportSummary, files: number): string {
  const skippedTotal = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(s.skipped)
    .map(([reason, count]) => `${printable(reason)}: ${n(count)}`)
    .join('; ');
  const out = [
    `Imported ${plural(files, 'file')} in ${(s.durationMs / 1000).toFixed(1)} s:`,
    `  records read     ${n(s.read).padStart(9)}`,
    `  new records      ${n(s.imported).padStart(9)}`,
    `  updated records  ${n(s.updated).padStart(9)}`,
    `  skipped records  ${n(skippedTotal).padStart(9)}${reasons ? `   (${reasons})` : ''}`,
    `  copies           ${n(s.items.created)} added, ${n(s.items.updated)} updated, ${n(s.items.skipped)} not added`,
  ];
  if (s.problems.length) {
    out.push('', 'Records and copies not imported:');
    for (const p of s.problems)
      out.push(
        `  ${printable(p.source)}, record ${p.record} (${p.position})${p.controlNumber ? `, ${printable(p.controlNumber)}` : ''}: ${printable(p.reason)}`,
      );
    if (s.problemsNotListed) out.push(`  … and ${n(s.problemsNotListed)} more not listed.`);
  }
  return `${out.join('\n')}\n`;
}

/** Runs an import of files into `ctx`; throws cliError for a file that cannot be read. */
export async function runCatalogImport(
  ctx: AppContext,
  files: string[],
  flags: CatalogImportFlags,
  io: Output,
  cliError: CliDeps['cliError'],
): Promise<ImportSummary> {
  const sizes = files.map((f) => {
    try {
      fs.accessSync(f, fs.constants.R_OK);
      const st = fs.statSync(f);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      return st.size;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'not a readable file';
      throw cliError(`carrel: cannot read ${printable(f)}: ${why}.`, 1);
    }
  });
  // The flags are checked here, at the CLI's edge; a refusal exits 2 with one line (src/cli/main.ts).
  const options = parseInput(importOptionsSchema, {
    branch: flags.branch,
    items: flags.items === true,
    encoding: flags.encoding,
  });
  const progress = progressPrinter(io.stderr, sizes, files);
  const summary = await importCatalog(ctx, { kind: 'system' }, files.map(fileSource), options, {
    onProgress: progress.update,
    parallel: sizes.reduce((a, b) => a + b, 0) >= PARALLEL_FROM_BYTES,
  });
  progress.done();
  io.stdout.write(formatSummary(summary, files.length));
  return summary;
}

/** The `catalog` command group for src/cli/main.ts. */
export function catalogCommand(deps: CliDeps): Command {
  // Commands built apart from the program do not inherit its settings: throw on usage errors (the
  // CLI maps them to exit code 2) instead of letting commander exit by itself.
  const catalog = new Command('catalog')
    .description('The catalog: import MARC records.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  catalog
    .command('import')
    .description(
      'Import MARC 21 bibliographic records (ISO 2709 or MARCXML, MARC-8 or UTF-8); a record already in the catalog (same control number) is updated.',
    )
    .argument('<file...>', 'MARC files to import, in order')
    .option('--items', 'also add or update copies from 852 and 949 holdings fields')
    .option('--branch <code>', "branch for copies whose field names none of this library's branches")
    .addOption(
      new Option(
        '--encoding <encoding>',
        'how ISO 2709 records are decoded: auto follows leader/09 and checks for UTF-8',
      )
        .choices([...encodingChoices])
        .default('auto'),
    )
    .action(async (files: string[], opts: CatalogImportFlags) => {
      const ctx = await deps.openContext();
      try {
        await runCatalogImport(
          ctx,
          files,
          opts,
          { stdout: process.stdout, stderr: process.stderr },
          deps.cliError,
        );
      } finally {
        await ctx.database.close();
      }
    });
  return catalog;
}
