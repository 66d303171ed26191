// Patron accounts at the HTTP edge: the patron's own pages, the staff patron pages and the JSON
// API of both.
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';
import { registerAccountRoutes } from './account.routes.tsx';
import { registerPatronApi } from './patrons.api.ts';
import { registerPinResetRoutes } from './pin-reset.routes.tsx';
import { registerStaffPatronRoutes } from './staff-patrons.routes.tsx';

export function registerPatronRoutes(app: App, ctx: AppContext): void {
  // The patron-session hook is installed with the staff one in src/http/app.ts (see patron-auth.ts).
  registerAccountRoutes(app, ctx);
  registerPinResetRoutes(app, ctx);
  registerStaffPatronRoutes(app, ctx);
  registerPatronApi(app, ctx);
}
