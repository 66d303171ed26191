// The law-enforcement requests feature's manifest (issue 15). So far the protected case file:
// intake (legal.service.ts), encryption under a key outside the database (legal.crypto.ts), the
// hash-chained case log (legal.chain.ts, legal.log.ts), its tables in the inventory, and the
// `carrel cases` command. The pages and the state machine come next.
import type { Feature } from '../../app/feature.ts';
import { casesCommand } from './legal.cli.ts';
import { legalInventory } from './legal.privacy.ts';

export const legal: Feature = {
  name: 'legal',
  inventory: legalInventory,
  commands: (deps) => [casesCommand(deps)],
};
