// The application context: everything a service, route, job or CLI command needs, passed
// explicitly. No DI container. Types only: the composition root (src/app/root.ts) builds one, and
// tests build one there with a fake clock and a captured logger.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DB } from './db/schema.ts';
import type { Inventory } from './privacy/inventory.ts';

export interface AppContext {
  config: Config;
  db: Kysely<DB>;
  database: Database;
  logger: Logger;
  clock: Clock;
  inventory: Inventory;
  jobs: Jobs;
}

// Jobs are declared here, beside the context their handlers take, so that this file imports nothing
// that imports it back (src/jobs/registry.ts builds the registry and re-exports these types).

export interface JobMeta {
  jobId: string;
  attempt: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  /** Attempts before the job is marked failed (default 5). */
  maxAttempts?: number;
  /** Must be idempotent: a job can run again after a crash between its work and being marked done. */
  handler(ctx: AppContext, payload: z.output<S>, meta: JobMeta): Promise<void>;
}

export interface RecurringJob {
  job: JobDefinition;
  everyMinutes: number;
  payload: unknown;
}

/** The registered jobs (a JobRegistry, checked at start-up). */
export interface Jobs {
  readonly recurring: readonly RecurringJob[];
  get(name: string): JobDefinition | undefined;
  has(def: JobDefinition): boolean;
  names(): string[];
}
