// Patron accounts at the HTTP edge: the patron-session hook, the patron's own pages, the staff
// patron pages and the JSON API of both.
import type { AppContext } from '../../context.ts';
import { loadPatronSession } from '../../http/patron-auth.ts';
import type { App } from '../../http/types.ts';
import { registerAccountRoutes } from './account.routes.tsx';
import { registerPatronApi } from './patrons.api.ts';
import { registerPinResetRoutes } from './pin-reset.routes.tsx';
import { registerStaffPatronRoutes } from './staff-patrons.routes.tsx';

export function registerPatronRoutes(app: App, ctx: AppContext): void {
  // Reads the patron cookie only on /account… and /api/v1/account… (see patron-auth.ts).
  app.addHook('onRequest', loadPatronSession(ctx));
  registerAccountRoutes(app, ctx);
  registerPinResetRoutes(app, ctx);
  registerStaffPatronRoutes(app, ctx);
  registerPatronApi(app, ctx);
}
