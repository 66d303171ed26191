// Staff catalog: MARC upload for admins and item (copy) management.
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';

export function registerCatalogAdminRoutes(_app: App, _ctx: AppContext): void {}
