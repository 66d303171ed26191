// Public catalog: search and record pages, and the catalog API (issue 3, W1).
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';

export function registerCatalogRoutes(_app: App, _ctx: AppContext): void {}
