// `carrel demo seed`: adds whatever demo data is missing (staff accounts, catalog, patrons, loans,
// holds, public computers, website statistics) and prints the new passwords and PINs once. Registered by
// src/cli/main.ts beside the features' commands; `carrel serve` prints a first start's demo data
// with printDemoPatrons too. Exit codes as for every command: 0 done, 2 bad usage or configuration.
import { Command } from 'commander';
import type { CliDeps } from '../app/feature.ts';
import { printBox, printCredentials } from '../cli/terminal.ts';
import { plural } from '../plural.ts';
import { seedDemo, type DemoSeed } from './seed.ts';

/** The demo catalog's size, the demo computers and the demo patrons' card numbers and PINs, shown only now. */
export function printDemoPatrons(seed: DemoSeed): void {
  if (seed.catalog)
    process.stdout.write(
      `Demo catalog: ${plural(seed.catalog.records, 'record')}, ${plural(seed.catalog.items, 'copy', 'copies')}. Try /catalog.\n`,
    );
  if (seed.computers) {
    const first = seed.computers.firstBranch;
    process.stdout.write(
      `Demo public computers: ${plural(seed.computers.groups, 'group')}, ${plural(seed.computers.stations, 'computer')}. Try /staff/pcs and /computers/${first}.\n`,
    );
  }
  if (seed.patrons.length === 0) return;
  printBox([
    'Demo patrons. Sign in at /account/login with card number and PIN:',
    '',
    ...seed.patrons.map((p) => `  ${p.cardNumber}  PIN ${p.pin}   (${p.name})`),
    '',
    `${seed.loans} demo loans and ${seed.holds} demo holds (one ready on the hold shelf).`,
    'These PINs are shown only now.',
  ]);
}

/** The `demo` command group for src/cli/main.ts. */
export function demoCommand(deps: CliDeps): Command {
  // Commands built apart from the program do not inherit its settings: throw on usage errors (the
  // CLI maps them to exit code 2) instead of letting commander exit by itself.
  const demo = new Command('demo')
    .description('Demo data.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  demo
    .command('seed')
    .description(
      'Create the demo data that is missing: staff accounts, catalog, patrons, loans, holds and public computers (passwords and PINs printed once).',
    )
    .action(async () => {
      const ctx = await deps.openContext();
      try {
        const seeded = await seedDemo(ctx);
        if (seeded.staff.length === 0 && !seeded.catalog && seeded.patrons.length === 0 && !seeded.computers)
          process.stdout.write('The demo data is already there.\n');
        if (seeded.staff.length)
          printCredentials(
            'Demo staff accounts:',
            seeded.staff.map((s) => ({
              username: s.username,
              password: s.password,
              note: s.roles.join(', '),
            })),
          );
        printDemoPatrons(seeded);
      } finally {
        await ctx.database.close();
      }
    });
  return demo;
}
