// The circulation feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { expireHoldsJob } from './circulation.jobs.ts';
import { circulationInventory } from './circulation.privacy.ts';
import { registerCirculationRoutes } from './circulation.routes.tsx';

export const circulation: Feature = {
  name: 'circulation',
  routes: registerCirculationRoutes,
  jobs: [expireHoldsJob],
  recurring: () => [{ job: expireHoldsJob, everyMinutes: 60, payload: {} }],
  inventory: circulationInventory,
};
