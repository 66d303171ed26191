// Circulation's HTTP edge, in four files: the desk and hold shelf (desk.routes.tsx), statistics
// (stats.routes.tsx), the patron's own pages (account.routes.tsx) and the JSON API
// (circulation.api.ts, with mark-lost in lost.api.ts). This is the one registrar the app calls.
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';
import { registerAccountRoutes } from './account.routes.tsx';
import { registerCirculationApi } from './circulation.api.ts';
import { registerDeskRoutes } from './desk.routes.tsx';
import { registerStatsRoutes } from './stats.routes.tsx';
import { registerLostApi } from './lost.api.ts';

export function registerCirculationRoutes(app: App, ctx: AppContext): void {
  registerDeskRoutes(app, ctx);
  registerStatsRoutes(app, ctx);
  registerAccountRoutes(app, ctx);
  registerCirculationApi(app, ctx);
  registerLostApi(app, ctx);
}
