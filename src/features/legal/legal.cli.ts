// `carrel cases verify` and `carrel cases rekey --new-key-file PATH` (issue 15 item 6; L6). Exit
// codes: 0 sound / done, 1 a broken chain or a key problem (one line each), 2 bad usage.
import path from 'node:path';
import { Command } from 'commander';
import type { CliDeps } from '../../app/feature.ts';
import type { AppContext } from '../../context.ts';
import { plural } from '../../plural.ts';
import { LegalKeyError } from './legal.crypto.ts';
import { rekeyCases } from './legal-rekey.service.ts';
import { verifyCases } from './legal-verify.service.ts';

export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs verify: one summary line when sound (true), else one line per break (false). */
export async function runVerify(ctx: AppContext, out: Output): Promise<boolean> {
  const r = await verifyCases(ctx);
  if (r.breaks.length === 0) {
    out.stdout.write(
      `Case log sound: ${plural(r.cases, 'case')}, ${plural(r.events, 'event')}, every chain intact.\n`,
    );
    return true;
  }
  for (const b of r.breaks) out.stderr.write(`carrel: case ${b.caseId} event ${b.seq}: ${b.problem}\n`);
  out.stderr.write(
    `carrel: the case log is broken in ${plural(r.breaks.length, 'place')} (${plural(r.cases, 'case')} checked).\n`,
  );
  return false;
}

/** Runs rekey and says what the operator does next. */
export async function runRekey(ctx: AppContext, newKeyFile: string, out: Output): Promise<void> {
  const file = path.resolve(newKeyFile);
  const r = await rekeyCases(ctx, file);
  out.stdout.write(
    `Re-encrypted ${plural(r.cases, 'case')}, ${plural(r.events, 'event')} and ${plural(r.attachments, 'attachment')} from key ${r.oldKeyId} to key ${r.newKeyId}.\n` +
      `Now set LEGAL_KEY_FILE=${file} and restart Carrel; keep the old key file until backups made with it have expired.\n`,
  );
}

export function casesCommand(deps: CliDeps): Command {
  const cases = new Command('cases')
    .description('Law-enforcement case files: check the hash-chained log, rotate the encryption key.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const out = { stdout: process.stdout, stderr: process.stderr };
  const run = async (fn: (ctx: AppContext) => Promise<void>) => {
    const ctx = await deps.openContext();
    try {
      await fn(ctx);
    } catch (err) {
      if (err instanceof LegalKeyError) throw deps.cliError(`carrel: ${err.message}`, 1);
      throw err;
    } finally {
      await ctx.database.close();
    }
  };
  cases
    .command('verify')
    .description("Walk every case's hash chain; exit 1 naming each case and event that is broken.")
    .action(() =>
      run(async (ctx) => {
        if (!(await runVerify(ctx, out))) throw deps.cliError('carrel: case log verification failed.', 1);
      }),
    );
  cases
    .command('rekey')
    .description('Re-encrypt every case file under the key in PATH (made if missing), in one transaction.')
    .requiredOption('--new-key-file <path>', 'the new key file (32 bytes, or 64 hex digits)')
    .action((opts: { newKeyFile: string }) => run((ctx) => runRekey(ctx, opts.newKeyFile, out)));
  return cases;
}
