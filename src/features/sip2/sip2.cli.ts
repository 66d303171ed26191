// `carrel sip2 add-account|list|disable` (issue 14 item 8): SIP2 accounts for self-check machines
// at the command line. The terminal password comes from standard input or is generated and
// printed once. Input is checked here with addSip2AccountSchema. Exit codes: 0 done, 1 the
// operation failed (an unknown account, a login in use), 2 bad usage.
import { Command, Option } from 'commander';
import type { CliDeps } from '../../app/feature.ts';
import { NotFoundError } from '../../errors.ts';
import { printable, printBox, readStdinLine } from '../../cli/terminal.ts';
import { parseInput } from '../../validation.ts';
import {
  addSip2Account,
  addSip2AccountSchema,
  disableSip2Account,
  listSip2Accounts,
} from './sip2.accounts.ts';

const say = (line: string): void => void process.stdout.write(`${printable(line)}\n`);

interface AddFlags {
  login: string;
  institution: string;
  branch: string;
  allow: string[];
  allowPlain?: string[];
  charset: string;
  requireChecksums?: boolean;
  passwordStdin?: boolean;
}

export function sip2Command(deps: CliDeps): Command {
  const sip2 = new Command('sip2')
    .description('Manage the accounts self-check machines use to sign in to the SIP2 server.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  sip2
    .command('add-account')
    .description('Create a SIP2 account; prints a generated terminal password once unless --password-stdin.')
    .requiredOption('--login <user id>', 'the login user id (CN) the machine sends')
    .requiredOption('--institution <id>', 'the institution id (AO) the machine sends')
    .requiredOption('--branch <code>', 'the branch the machine stands in')
    .requiredOption('--allow <range...>', 'addresses or CIDR ranges it may connect from (IPv4, IPv6)')
    .option('--allow-plain <range...>', 'ranges (within --allow) from which plain TCP is accepted')
    .addOption(
      new Option('--charset <charset>', 'its character set').choices(['utf-8', 'ibm850']).default('utf-8'),
    )
    .option('--require-checksums', 'refuse (96) any message without a valid AY/AZ checksum')
    .option('--password-stdin', 'read the terminal password (at least 12 characters) from standard input')
    .action(async (opts: AddFlags) => {
      const password = opts.passwordStdin ? await readStdinLine() : undefined;
      const values = parseInput(addSip2AccountSchema, {
        login: opts.login,
        password,
        institution: opts.institution,
        branch: opts.branch,
        networks: opts.allow,
        plainNetworks: opts.allowPlain ?? [],
        charset: opts.charset,
        checksumsRequired: opts.requireChecksums === true,
      });
      const ctx = await deps.openContext();
      try {
        const { account, generatedPassword } = await addSip2Account(ctx, values);
        if (generatedPassword)
          printBox([
            `Created SIP2 account ${account.login}. Its terminal password:`,
            '',
            `  ${generatedPassword}`,
            '',
            'It is shown only now: enter it in the self-check machine’s SIP2 settings.',
          ]);
        else say(`Created SIP2 account ${account.login}.`);
      } finally {
        await ctx.database.close();
      }
    });

  sip2
    .command('list')
    .description('List SIP2 accounts.')
    .action(async () => {
      const ctx = await deps.openContext();
      try {
        const all = await listSip2Accounts(ctx);
        if (all.length === 0) say('No SIP2 accounts yet; add one with `carrel sip2 add-account`.');
        for (const a of all)
          say(
            [
              a.login.padEnd(20),
              (a.disabled ? 'disabled' : 'active').padEnd(9),
              `AO ${a.institution}`,
              `branch ${a.branch}`,
              a.charset === 'utf8' ? 'utf-8' : a.charset,
              a.checksumsRequired ? 'checksums required' : 'checksums optional',
              `allow ${a.networks.join(' ')}`,
              a.plainNetworks.length ? `plain ${a.plainNetworks.join(' ')}` : 'TLS only',
            ].join('  '),
          );
      } finally {
        await ctx.database.close();
      }
    });

  sip2
    .command('disable')
    .description(
      'Disable a SIP2 account: it can no longer sign in (connections already open keep going until they close).',
    )
    .argument('<login>')
    .action(async (login: string) => {
      const ctx = await deps.openContext();
      try {
        if (!(await disableSip2Account(ctx, login)))
          throw new NotFoundError(`There is no SIP2 account "${login}".`);
        say(`Disabled SIP2 account ${login}.`);
      } finally {
        await ctx.database.close();
      }
    });
  return sip2;
}
