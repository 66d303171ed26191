// The signed-in patron, as routes and services see it (set by the patron-session hook). Declared
// in src/auth/actors.ts, where the HTTP edge can read it without importing a feature.
export type { PatronActor } from '../../auth/actors.ts';
