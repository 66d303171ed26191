// The patrons feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { pinResetJob } from './pin-reset.jobs.ts';
import { patronsInventory } from './patrons.privacy.ts';
import { registerPatronRoutes } from './patrons.routes.tsx';

export const patrons: Feature = {
  name: 'patrons',
  routes: registerPatronRoutes,
  jobs: [pinResetJob],
  inventory: patronsInventory,
};
