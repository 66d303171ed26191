// `carrel staff create|reset-password|list|director`: staff accounts at the command line, for the first
// administrator's colleagues and for a locked-out administrator. Another edge over the services the
// web uses: the input is checked here with the same schema as the web form. Exit codes: 0 done,
// 1 the operation failed (an unknown account), 2 bad usage (a bad name, role or password).
import { Command, Option } from 'commander';
import type { CliDeps } from '../../app/feature.ts';
import { printable, printCredentials, readStdinLine } from '../../cli/terminal.ts';
import { parseInput } from '../../validation.ts';
import { roles } from './roles.ts';
import type { Actor } from './staff.policy.ts';
import { createStaffSchema } from './staff.schemas.ts';
import { createStaff, listStaff, resetStaffPassword, setStaffDirector } from './staff.service.ts';

const system: Actor = { kind: 'system' };

/** One line on standard output, escaped: names come from input (src/cli/terminal.ts). */
const say = (line: string): void => void process.stdout.write(`${printable(line)}\n`);

interface CreateFlags {
  username: string;
  name: string;
  role: string[];
  passwordStdin?: boolean;
}

/** The `staff` command group for src/cli/main.ts. */
export function staffCommand(deps: CliDeps): Command {
  // Built apart from the program, so it does not inherit its settings: throw on usage errors (the
  // CLI maps them to exit code 2) instead of letting commander exit by itself.
  const staff = new Command('staff')
    .description('Manage staff accounts.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  staff
    .command('create')
    .description('Create a staff account; prints a generated password once unless --password-stdin is given.')
    .requiredOption('--username <name>', 'sign-in name (3–32 lower-case letters, digits, . _ -)')
    .requiredOption('--name <display name>', "the staff member's name")
    .addOption(new Option('--role <role...>', 'one or more roles').choices([...roles]).makeOptionMandatory())
    .option('--password-stdin', 'read the password (at least 12 characters) from standard input')
    .action(async (opts: CreateFlags) => {
      const password = opts.passwordStdin ? await readStdinLine() : undefined;
      const ctx = await deps.openContext();
      try {
        const values = parseInput(createStaffSchema, {
          username: opts.username,
          displayName: opts.name,
          roles: opts.role,
          password,
        });
        const created = await createStaff(ctx, system, values);
        if (created.oneTimePassword)
          printCredentials(`Created ${created.staff.username}:`, [
            { username: created.staff.username, password: created.oneTimePassword },
          ]);
        else say(`Created ${created.staff.username} (${created.staff.roles.join(', ')}).`);
      } finally {
        await ctx.database.close();
      }
    });

  staff
    .command('reset-password')
    .description('Set a new random password (printed once) and sign the account out everywhere.')
    .argument('<username>')
    .action(async (username: string) => {
      const ctx = await deps.openContext();
      try {
        const password = await resetStaffPassword(ctx, system, { username });
        printCredentials(`New password for ${username.toLowerCase()}:`, [
          { username: username.toLowerCase(), password },
        ]);
      } finally {
        await ctx.database.close();
      }
    });

  staff
    .command('director')
    .description("Flag an administrator as the library's director (decides emergency requests), or clear it.")
    .argument('<username>')
    .addOption(new Option('--on', 'make this administrator the director').conflicts('off'))
    .addOption(new Option('--off', 'clear the flag').conflicts('on'))
    .action(async (username: string, opts: { on?: boolean; off?: boolean }) => {
      if (!opts.on && !opts.off) throw deps.cliError('carrel: say --on or --off.', 2);
      const ctx = await deps.openContext();
      try {
        const s = await setStaffDirector(ctx, system, username, opts.on === true);
        say(s.isDirector ? `${s.username} is now the director.` : `${s.username} is not the director.`);
      } finally {
        await ctx.database.close();
      }
    });

  staff
    .command('list')
    .description('List staff accounts with their roles.')
    .action(async () => {
      const ctx = await deps.openContext();
      try {
        const all = await listStaff(ctx, system);
        if (all.length === 0) say('No staff accounts yet; `carrel serve` creates the first administrator.');
        for (const s of all)
          say(
            `${s.username.padEnd(20)} ${(s.isDisabled ? 'disabled' : 'active').padEnd(9)} ${s.roles.join(', ')}`,
          );
      } finally {
        await ctx.database.close();
      }
    });
  return staff;
}
