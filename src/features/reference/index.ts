// The reference feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { startReferenceInbound } from './reference.inbound.ts';
import { scrubIdleQuestionsJob } from './reference.jobs.ts';
import { referenceInventory } from './reference.privacy.ts';
import { registerReferenceRoutes } from './reference.routes.tsx';

export const reference: Feature = {
  name: 'reference',
  routes: registerReferenceRoutes,
  jobs: [scrubIdleQuestionsJob],
  recurring: () => [{ job: scrubIdleQuestionsJob, everyMinutes: 60, payload: {} }],
  inventory: referenceInventory,
  // E-mailed questions arrive where the web server runs (REFERENCE_INBOUND: smtp or imap).
  services: [startReferenceInbound],
};
