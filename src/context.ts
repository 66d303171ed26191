// The application context: everything a service, route, job or CLI command needs, passed
// explicitly. No DI container; tests build one with a fake clock and a captured logger.
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import type { DB } from './db/schema.ts';
import { buildJobRegistry } from './jobs/schedule.ts';
import type { JobRegistry } from './jobs/registry.ts';
import type { Inventory } from './privacy/inventory.ts';
import { buildInventory } from './privacy/registry.ts';

export interface AppContext {
  config: Config;
  db: Kysely<DB>;
  database: Database;
  logger: Logger;
  clock: Clock;
  inventory: Inventory;
  jobs: JobRegistry;
}

export interface ContextOptions {
  logger?: Logger;
  clock?: Clock;
  database?: Database;
}

export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  // G4: nothing personal is logged by construction (see http/logging.ts); redact is a second net.
  const opts: pino.LoggerOptions = {
    level: config.logLevel,
    base: undefined,
    redact: { paths: ['req', 'res', '*.password', '*.pin', '*.email', '*.ip', 'headers'], remove: true },
  };
  return destination ? pino(opts, destination) : pino(opts);
}

export function createContext(config: Config, opts: ContextOptions = {}): AppContext {
  const logger = opts.logger ?? createLogger(config);
  const database = opts.database ?? openDatabase(config.database, { logger });
  return {
    config,
    db: database.db,
    database,
    logger,
    clock: opts.clock ?? systemClock,
    inventory: buildInventory(config),
    jobs: buildJobRegistry(config),
  };
}
