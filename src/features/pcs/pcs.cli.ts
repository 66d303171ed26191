// `carrel pcs libki-ini --station NAME --branch CODE [--group NAME] [--move]` prints a ready-to-use Libki
// client configuration (a new station key each run); `carrel pcs status [--branch CODE]` lists
// every computer with its state — never who is on it (P1). Exit 2: bad usage, one line saying why.
import { Command } from 'commander';
import { z } from 'zod';
import { printable } from '../../cli/terminal.ts';
import type { CliDeps } from '../../app/feature.ts';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { parseInput } from '../../validation.ts';
import { issueStationKey, libkiIni, type IniInput } from './libki-ini.service.ts';
import { stationStatus, type StationState } from './pcs-stations.service.ts';

export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const iniFlags = z.object({
  /** The computer's name, as in its `[node] name`. */
  station: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,64}$/, '--station: use 1–64 letters, digits, spaces, dots, dashes.'),
  /** The branch code from the library file. */
  branch: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '--branch: a branch code such as MAIN.'),
  /** The group of a new station. */
  group: z
    .string()
    .trim()
    .min(1, '--group: name the group.')
    .max(64, '--group: at most 64 characters.')
    .optional(),
  /** Move a computer of that name from another branch. */
  move: z.boolean().optional(),
});

/** Runs libki-ini: the INI on stdout, a note on stderr when an existing station got a new key. */
export async function runLibkiIni(ctx: AppContext, flags: unknown, out: Output): Promise<void> {
  const input: IniInput = parseInput(iniFlags, flags);
  const { stationKey, existed, groupName, movedFrom } = await issueStationKey(ctx, input);
  if (movedFrom)
    out.stderr.write(
      `carrel: moved ${printable(input.station)} from ${movedFrom} to ${input.branch}, group "${printable(groupName)}": it has a NEW station key; the old key no longer works. Install this file on that computer.\n`,
    );
  else if (existed)
    out.stderr.write(
      `carrel: ${printable(input.station)} at ${input.branch} already existed: it has a NEW station key; the old key no longer works. Install this file on that computer.\n`,
    );
  else
    out.stderr.write(
      `carrel: created ${printable(input.station)} at ${input.branch} in group "${printable(groupName)}".\n`,
    );
  out.stdout.write(libkiIni(ctx, input, stationKey));
}

const describe = (s: StationState): string => {
  switch (s.state) {
    case 'in-use':
      return `in use, ${s.minutesLeft} min left`;
    case 'reserved':
      return `reserved for ${s.ticket}`;
    case 'unapproved':
      return 'waiting for approval';
    default:
      return s.state;
  }
};

/** Runs status: one line per computer (branch, name, state), branch by branch. */
export async function runPcsStatus(ctx: AppContext, flags: { branch?: string }, out: Output): Promise<void> {
  const branches = ctx.config.library.branches.map((b) => b.code);
  if (flags.branch !== undefined && !branches.includes(flags.branch))
    throw new ValidationError(`There is no branch ${printable(flags.branch)} in the library file.`);
  let lines = 0;
  for (const branch of flags.branch ? [flags.branch] : branches)
    for (const s of await stationStatus(ctx, { kind: 'system' }, branch)) {
      out.stdout.write(`${branch.padEnd(8)} ${printable(s.name).padEnd(20)} ${describe(s)}\n`);
      lines++;
    }
  if (lines === 0) out.stdout.write('No public computers yet: add one with `carrel pcs libki-ini`.\n');
}

export function pcsCommand(deps: CliDeps): Command {
  const pcs = new Command('pcs')
    .description('Public computers: Libki client configuration and station status.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const out = { stdout: process.stdout, stderr: process.stderr };
  const run = async (fn: (ctx: AppContext) => Promise<void>) => {
    const ctx = await deps.openContext();
    try {
      await fn(ctx);
    } catch (err) {
      if (err instanceof ValidationError) {
        throw deps.cliError(`carrel: ${Object.values(err.fields)[0] ?? err.message}`, 2);
      }
      throw err;
    } finally {
      await ctx.database.close();
    }
  };
  pcs
    .command('libki-ini')
    .description(
      'Create the station (and the group "Internet" if its branch has none) if new, and print its Libki client configuration with a new station key.',
    )
    .requiredOption('--station <name>', "the computer's name (its [node] name)")
    .requiredOption('--branch <code>', 'its branch code from the library file')
    .option('--group <name>', 'the group of a new station (default "Internet")')
    .option('--move', 'move a computer of that name from another branch to this one')
    .action((opts: Record<string, unknown>) => run((ctx) => runLibkiIni(ctx, opts, out)));
  pcs
    .command('status')
    .description('Every public computer with its state (offline, free, reserved, in use); never who.')
    .option('--branch <code>', 'only this branch')
    .action((opts: { branch?: string }) => run((ctx) => runPcsStatus(ctx, opts, out)));
  return pcs;
}
