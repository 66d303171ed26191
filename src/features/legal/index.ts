// The law-enforcement requests feature's manifest (issue 15). So far the protected case file:
// intake (legal.service.ts), encryption under a key outside the database (legal.crypto.ts), the
// hash-chained case log (legal.chain.ts, legal.log.ts), its tables in the inventory, and the
// `carrel cases` command; the intake page for every staff member and the read-only case pages for
// the privacy officer and counsel. The state machine's screens come next.
import type { Feature } from '../../app/feature.ts';
import { registerLegalCaseRoutes } from './legal-cases.routes.tsx';
import { registerLegalIntakeRoutes } from './legal-intake.routes.tsx';
import { casesCommand } from './legal.cli.ts';
import { legalInventory } from './legal.privacy.ts';

export const legal: Feature = {
  name: 'legal',
  inventory: legalInventory,
  routes: (app, ctx) => {
    registerLegalIntakeRoutes(app, ctx);
    registerLegalCaseRoutes(app, ctx);
  },
  commands: (deps) => [casesCommand(deps)],
};
