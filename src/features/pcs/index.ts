// The public-computers feature's manifest (issue 14): its tables in the inventory and its jobs.
// The core domain only: the Libki client API, SIP2 and the staff screens are built on the services
// (pcs.service.ts, pcs-stations.service.ts, pcs-waitlist.service.ts, pcs-passes.service.ts,
// pcs-rollover.service.ts).
import type { Feature } from '../../app/feature.ts';
import { rollOverPcsJob, settlePcsJob } from './pcs.jobs.ts';
import { pcsInventory } from './pcs.privacy.ts';
import { registerPcsPublicRoutes } from './pcs-public.routes.tsx';
import { registerPcsStatsRoutes } from './pcs-stats.routes.tsx';

export const pcs: Feature = {
  name: 'pcs',
  jobs: [rollOverPcsJob, settlePcsJob],
  // Every 15 minutes, so the day's key is gone soon after midnight; every minute for ending times.
  recurring: () => [
    { job: rollOverPcsJob, everyMinutes: 15, payload: {} },
    { job: settlePcsJob, everyMinutes: 1, payload: {} },
  ],
  inventory: pcsInventory,
  routes: (app, ctx) => {
    registerPcsPublicRoutes(app, ctx);
    registerPcsStatsRoutes(app, ctx);
  },
};
