// Circulation desk (check-out, check-in, renew), holds, hold shelf; patron loans/holds/history.
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';

export function registerCirculationRoutes(_app: App, _ctx: AppContext): void {}
