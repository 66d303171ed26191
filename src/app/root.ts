// The composition root: the one place that lists Carrel's features and builds the application from
// them: the context (database, logger, clock, data inventory, job registry), the web app, the
// parts that run beside it. The CLI, the tests and the benchmarks all start here. Adding a feature
// means adding its folder with an index.ts manifest and one line to `featureList` (issue 13 part 1).
import pino, { type Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { admin } from '../features/admin/index.ts';
import { announcements } from '../features/announcements/index.ts';
import { catalog } from '../features/catalog/index.ts';
import { circulation } from '../features/circulation/index.ts';
import { legal } from '../features/legal/index.ts';
import { mailbox } from '../features/mailbox/index.ts';
import { notices } from '../features/notices/index.ts';
import { patronSessions, patrons } from '../features/patrons/index.ts';
import { pcs } from '../features/pcs/index.ts';
import { publicPages } from '../features/public/index.ts';
import { reference } from '../features/reference/index.ts';
import { sip2 } from '../features/sip2/index.ts';
import { staff, staffSessions } from '../features/staff/index.ts';
import { webstatsFeature, type WebStatsOptions } from '../features/webstats/index.ts';
import { buildApp as buildHttpApp, type HttpOptions } from '../http/app.ts';
import type { SessionStore } from '../http/sessions.ts';
import type { App } from '../http/types.ts';
import { jobsInventory } from '../jobs/jobs.privacy.ts';
import { buildJobRegistry } from '../jobs/schedule.ts';
import { sendMailJob } from '../mail/mail.jobs.ts';
import { mailInventory } from '../mail/mail.privacy.ts';
import { privacyInventory } from '../privacy/privacy.privacy.ts';
import { purgeJob } from '../privacy/privacy.jobs.ts';
import { buildInventory } from '../privacy/registry.ts';
import type { Feature } from './feature.ts';

// Shared parts that own tables or jobs of their own, declared like features.
const jobQueue: Feature = { name: 'jobs', inventory: jobsInventory };
const privacy: Feature = {
  name: 'privacy',
  jobs: [purgeJob],
  recurring: (config) => [
    { job: purgeJob, everyMinutes: config.purge.intervalMinutes, payload: { trigger: 'schedule' } },
  ],
  inventory: privacyInventory,
};
const mail: Feature = { name: 'mail', jobs: [sendMailJob], inventory: mailInventory };

export type FeatureOptions = WebStatsOptions;

/**
 * Every feature, once. The order is the order routes are registered in, the data inventory is
 * listed in (the privacy page follows it) and recurring jobs are declared in.
 */
export function featureList(opts: FeatureOptions = {}): readonly Feature[] {
  return [
    publicPages,
    staff,
    admin,
    mailbox,
    jobQueue,
    privacy,
    catalog,
    patrons,
    circulation,
    mail,
    announcements,
    notices,
    reference,
    webstatsFeature(opts),
    pcs,
    sip2,
    legal,
  ];
}

export const features: readonly Feature[] = featureList();

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
    inventory: buildInventory(config, features),
    jobs: buildJobRegistry(config, features),
  };
}

/** Where the HTTP edge keeps staff and patron sessions: the staff and patrons features. */
const sessions: SessionStore = { ...staffSessions, ...patronSessions };

export type BuildOptions = Omit<HttpOptions, 'routes' | 'sessions'> & FeatureOptions;

/** The Fastify application with every feature's routes. */
export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<App> {
  const { statsCollector, ...http } = opts;
  const routes = featureList({ statsCollector }).flatMap((f) => (f.routes ? [f.routes] : []));
  return buildHttpApp(ctx, { ...http, routes, sessions });
}
