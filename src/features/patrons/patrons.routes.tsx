// Patron sign-in, sessions, account, PIN, My data; staff patron registration.
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';

export function registerPatronRoutes(_app: App, _ctx: AppContext): void {}
