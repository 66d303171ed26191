// The `carrel` command line: serve, migrate, purge, staff, demo. Another edge over the same
// services the web uses. Exit codes: 0 success, 1 the operation failed, 2 bad usage or configuration.
import { Command, CommanderError } from 'commander';
import { checkPortFree, ConfigError, configDocs, loadConfig, type Config } from '../config.ts';
import { createContext, features } from '../app/root.ts';
import type { CliDeps } from '../app/feature.ts';
import type { AppContext } from '../context.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { DomainError, ValidationError } from '../errors.ts';
import { demoCommand, printDemoPatrons } from '../demo/demo.cli.ts';
import { seedDemo } from '../demo/seed.ts';
import { ensureInitialAdmin } from '../features/staff/staff.service.ts';
import { runPurge } from '../privacy/purge.ts';
import { startServer } from '../server.ts';
import { printableLines, printCredentials, progressReporter, terminalOutput } from './terminal.ts';
import { plural } from '../plural.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function config(extraProblems: string[] = []): Config {
  try {
    const c = loadConfig();
    if (extraProblems.length) throw new ConfigError(extraProblems);
    return c;
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
}

/** Opens the database and applies migrations, for commands that need a current schema. */
async function open(cfg: Config, migrate = true): Promise<AppContext> {
  const ctx = createContext(cfg);
  if (migrate) await migrateToLatest(ctx.db);
  return ctx;
}

const program = new Command('carrel')
  .description("Carrel: a public library's patron services, keeping its privacy promises by construction.")
  .addHelpText(
    'after',
    `\nConfiguration (environment variables):\n${configDocs.map(([n, d, m]) => `  ${n} (default ${d})\n      ${m}`).join('\n')}`,
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('serve')
  .description('Run the web server, job worker and scheduler (all three unless told otherwise).')
  .option('--no-web', 'do not serve HTTP')
  .option('--no-worker', 'do not run background jobs')
  .option('--no-scheduler', 'do not queue recurring jobs')
  .action(async (opts: { web: boolean; worker: boolean; scheduler: boolean }) => {
    let cfg: Config;
    try {
      cfg = loadConfig();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Report the port too, so every problem is listed in one go.
      const portProblem = opts.web
        ? await checkPortFree(
            process.env.HOST?.trim() || 'localhost',
            Number(process.env.PORT) || 8080,
          ).catch(() => null)
        : null;
      throw new CliError(
        new ConfigError([...err.problems, ...(portProblem ? [portProblem] : [])]).message,
        EXIT.usage,
      );
    }
    if (opts.web) {
      const portProblem = await checkPortFree(cfg.host, cfg.port);
      if (portProblem) config([portProblem]);
    }
    const ctx = createContext(cfg);
    if (cfg.migrateOnStart) {
      const applied = await migrateToLatest(ctx.db);
      if (applied.length) ctx.logger.info({ migrations: applied }, 'database migrated');
    }
    const admin = await ensureInitialAdmin(ctx);
    if (admin) {
      const demo = cfg.demoData ? await seedDemo(ctx) : null;
      printCredentials('Carrel is new here. Staff sign-in at /staff/login:', [
        { username: admin.staff.username, password: admin.oneTimePassword!, note: 'admin' },
        ...(demo?.staff ?? []).map((d) => ({
          username: d.username,
          password: d.password,
          note: d.roles.join(', '),
        })),
      ]);
      if (demo) printDemoPatrons(demo);
    }
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer(ctx, opts);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
      // Another process took the port between the check and the listen, or HOST is not ours.
      await ctx.database.close();
      throw new CliError(
        new ConfigError([`Cannot listen on ${cfg.host}:${cfg.port} (${code}); check HOST and PORT.`]).message,
        EXIT.usage,
      );
    }
    const parts = Object.entries(opts)
      .filter(([, on]) => on)
      .map(([k]) => k);
    console.log(
      server.url
        ? `Carrel (${parts.join(', ')}) is serving ${cfg.library.name} at ${server.url}`
        : `Carrel (${parts.join(', ')}) is running.`,
    );
    const shutdown = async () => {
      await server.stop();
      await ctx.database.close();
      process.exit(EXIT.ok);
    };
    process.once('SIGINT', () => void shutdown());
    process.once('SIGTERM', () => void shutdown());
  });

program
  .command('migrate')
  .description('Apply pending database migrations.')
  .action(async () => {
    const ctx = await open(config(), false);
    try {
      const applied = await migrateToLatest(ctx.db);
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
          : 'The database is up to date.',
      );
    } finally {
      await ctx.database.close();
    }
  });

program
  .command('purge')
  .description('Apply every retention rule now (the schedule does this by itself).')
  .option('--dry-run', 'only count what would be removed, per rule')
  .action(async (opts: { dryRun?: boolean }) => {
    const cfg = config();
    const ctx = await open(cfg);
    try {
      const progress = progressReporter();
      const summary = await runPurge(
        {
          db: ctx.db,
          ops: ctx.database.ops,
          clock: ctx.clock,
          inventory: ctx.inventory,
          logger: ctx.logger.child({}, { level: 'warn' }),
        },
        {
          dryRun: !!opts.dryRun,
          trigger: 'cli',
          batchSize: cfg.purge.batchSize,
          onProgress: progress.update,
        },
      );
      progress.done();
      const rows = Object.entries(summary.counts);
      const width = Math.max(...rows.map(([id]) => id.length), 4);
      console.log(`${opts.dryRun ? 'Would remove' : 'Removed'} (per rule):`);
      for (const [id, c] of rows)
        console.log(
          `  ${id.padEnd(width)}  ${String(c.purged).padStart(9)}${c.held ? `   (${c.held} kept under legal hold)` : ''}`,
        );
      const total = rows.reduce((s, [, c]) => s + c.purged, 0);
      console.log(
        `${opts.dryRun ? 'Dry run' : 'Purge'} finished in ${summary.durationMs} ms: ${plural(total, 'row')} ${opts.dryRun ? 'would go' : 'removed'}.`,
      );
    } finally {
      await ctx.database.close();
    }
  });

const cliDeps: CliDeps = {
  openContext: () => open(config()),
  cliError: (message, exitCode) => new CliError(message, exitCode),
};
// The demo data (not a feature: it uses several), then each feature's own commands (staff,
// catalog, stats) from its manifest.
program.addCommand(demoCommand(cliDeps));
for (const command of features.flatMap((f) => f.commands?.(cliDeps) ?? [])) program.addCommand(command);

// Commander echoes arguments in its errors (an unknown option, an invalid choice): escape them too.
// Commands built apart from the program (staff, catalog, stats) do not inherit its output settings.
const guardOutput = (command: Command): void => {
  command.configureOutput(terminalOutput);
  command.commands.forEach(guardOutput);
};
guardOutput(program);

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    // Every message below may carry input (a file name, a branch, a record's text): escaped.
    if (err instanceof CliError) {
      console.error(printableLines(err.message));
      return err.exitCode;
    }
    if (err instanceof ValidationError) {
      const details = Object.values(err.fields);
      console.error(printableLines(`carrel: ${details.length ? details.join(' ') : err.message}`));
      return EXIT.usage;
    }
    if (err instanceof DomainError) {
      console.error(printableLines(`carrel: ${err.message}`));
      return EXIT.failed;
    }
    console.error(printableLines(`carrel: failed: ${err instanceof Error ? err.message : String(err)}`));
    return EXIT.failed;
  }
}

if (process.argv[1] && /carrel(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1])) {
  const code = await main(process.argv.slice(2));
  // `serve` keeps running; everything else exits with its code.
  if (process.argv[2] !== 'serve' || code !== EXIT.ok) process.exit(code);
}
