// Collects every part's inventory entries into the one inventory (G1). A feature declares its
// <feature>.privacy.ts in its index.ts manifest; the composition root passes the list here, and the
// schema-vs-inventory test catches a table that is forgotten.
import type { Config } from '../config.ts';
import { checkInventory, type Inventory, type TableEntry } from './inventory.ts';

export interface InventorySource {
  inventory?: (config: Config) => readonly TableEntry[];
}

export function buildInventory(config: Config, sources: readonly InventorySource[]): Inventory {
  const inventory = sources.flatMap((s) => s.inventory?.(config) ?? []);
  const problems = checkInventory(inventory);
  if (problems.length) throw new Error(`The data inventory is inconsistent:\n- ${problems.join('\n- ')}`);
  return inventory;
}
