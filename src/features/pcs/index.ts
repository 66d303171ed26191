// The public-computers feature's manifest (issue 14): the Libki client API, the staff screens, the
// public pages per branch and the statistics; its tables in the inventory, its jobs and the
// `carrel pcs` command. The domain is in the services (pcs.service.ts, pcs-stations.service.ts,
// pcs-waitlist.service.ts, pcs-passes.service.ts, pcs-rollover.service.ts).
import type { Feature } from '../../app/feature.ts';
import { registerPcsAdminRoutes } from './pcs-admin.routes.tsx';
import { registerPcsStaffRoutes } from './pcs-staff.routes.tsx';
import { rollOverPcsJob, settlePcsJob } from './pcs.jobs.ts';
import { registerLibkiRoutes } from './libki.routes.ts';
import { pcsCommand } from './pcs.cli.ts';
import { startPatronSource } from './pcs.patron-choice.ts';
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
    registerLibkiRoutes(app, ctx);
    registerPcsStaffRoutes(app, ctx);
    registerPcsAdminRoutes(app, ctx);
    registerPcsPublicRoutes(app, ctx);
    registerPcsStatsRoutes(app, ctx);
  },
  commands: (deps) => [pcsCommand(deps)],
  // Where the web server runs, when PCS_SIP2_HOST is set: the connection to the library system.
  services: [startPatronSource],
};
