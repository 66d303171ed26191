// The catalog feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { catalogCommand } from './catalog.cli.ts';
import { catalogInventory } from './catalog.privacy.ts';
import { registerCatalogAdminRoutes } from './catalog-admin.routes.tsx';
import { registerCatalogRoutes } from './catalog.routes.tsx';

export const catalog: Feature = {
  name: 'catalog',
  routes: (app, ctx) => {
    registerCatalogRoutes(app, ctx);
    registerCatalogAdminRoutes(app, ctx);
  },
  inventory: catalogInventory,
  commands: (deps) => [catalogCommand(deps)],
};
