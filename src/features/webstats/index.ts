// The webstats feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { StatsCollector } from './collector.ts';
import { statsCommand } from './webstats.cli.ts';
import { rollOverStatsJob } from './webstats.jobs.ts';
import { webstatsInventory } from './webstats.privacy.ts';
import { registerWebStatsRoutes } from './webstats.routes.tsx';

export interface WebStatsOptions {
  /** The statistics collector to count into (tests pass their own to flush and inspect it). */
  statsCollector?: StatsCollector;
}

/** Website statistics; `statsCollector` replaces the one per process the routes start by default. */
export function webstatsFeature(opts: WebStatsOptions = {}): Feature {
  return {
    name: 'webstats',
    routes: (app, ctx) => {
      // One collector per process, flushed every few seconds and at close (issue 5).
      const collector = opts.statsCollector ?? new StatsCollector(ctx, { mode: 'live' });
      if (!opts.statsCollector) {
        collector.start();
        app.addHook('onClose', async () => collector.stop());
      }
      registerWebStatsRoutes(app, ctx, collector);
    },
    jobs: [rollOverStatsJob],
    // Every 15 minutes, so a day's salt is gone soon after midnight.
    recurring: () => [{ job: rollOverStatsJob, everyMinutes: 15, payload: {} }],
    inventory: webstatsInventory,
    commands: (deps) => [statsCommand(deps)],
  };
}
