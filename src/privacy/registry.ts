// Collects every feature's inventory entries into the one inventory (G1). A new feature adds
// its <feature>.privacy.ts here; the schema-vs-inventory test catches one that is forgotten.
import type { Config } from '../config.ts';
import { announcementsInventory } from '../features/announcements/announcements.privacy.ts';
import { catalogInventory } from '../features/catalog/catalog.privacy.ts';
import { circulationInventory } from '../features/circulation/circulation.privacy.ts';
import { referenceInventory } from '../features/reference/reference.privacy.ts';
import { webstatsInventory } from '../features/webstats/webstats.privacy.ts';
import { patronsInventory } from '../features/patrons/patrons.privacy.ts';
import { staffInventory } from '../features/staff/staff.privacy.ts';
import { jobsInventory } from '../jobs/jobs.privacy.ts';
import { mailInventory } from '../mail/mail.privacy.ts';
import { checkInventory, type Inventory } from './inventory.ts';
import { privacyInventory } from './privacy.privacy.ts';

export function buildInventory(config: Config): Inventory {
  const inventory = [
    ...staffInventory(config),
    ...jobsInventory(),
    ...privacyInventory(),
    ...catalogInventory(),
    ...patronsInventory(config),
    ...circulationInventory(),
    ...mailInventory(),
    ...announcementsInventory(),
    ...referenceInventory(config),
    ...webstatsInventory(config),
  ];
  const problems = checkInventory(inventory);
  if (problems.length) throw new Error(`The data inventory is inconsistent:\n- ${problems.join('\n- ')}`);
  return inventory;
}
