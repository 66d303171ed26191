// What a feature folder contributes to the application, declared once in its index.ts manifest and
// collected by the composition root (src/app/root.ts). Shared code never imports a feature: it
// receives these parts from the root (issue 13 part 1).
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistrar } from '../http/app.ts';
import type { JobDefinition, RecurringJob } from '../jobs/registry.ts';
import type { TableEntry } from '../privacy/inventory.ts';

/** What a feature's CLI commands get from the CLI: a migrated context, and its error type. */
export interface CliDeps {
  /** Opens the configured database, migrated. */
  openContext(): Promise<AppContext>;
  /** An error the CLI reports as one line and exits with `exitCode`. */
  cliError(message: string, exitCode: number): Error;
}

/** A part that runs beside the web server (e.g. the reference desk's mail intake). */
export type Service = (ctx: AppContext) => Promise<{ stop(): Promise<void> } | null>;

export interface Feature {
  /** The folder's name, for messages. */
  name: string;
  /** Registers its pages and API routes (in the order the root lists the features). */
  routes?: RouteRegistrar;
  /** Every job it defines. */
  jobs?: readonly JobDefinition[];
  /** The jobs the scheduler queues by itself. */
  recurring?: (config: Config) => readonly RecurringJob[];
  /** Its tables in the data inventory (G1). */
  inventory?: (config: Config) => readonly TableEntry[];
  /** Its `carrel` subcommands. */
  commands?: (deps: CliDeps) => readonly Command[];
  /** Parts that run where the web server runs. */
  services?: readonly Service[];
}
