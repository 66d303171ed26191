// The patrons feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import type { SessionStore } from '../../http/sessions.ts';
import { authenticatePatronSession } from './patron-session.service.ts';
import { pinResetJob } from './pin-reset.jobs.ts';
import { patronsInventory } from './patrons.privacy.ts';
import { findPatronSessionFlash, updatePatronSessionFlash } from './patrons.repository.ts';
import { registerPatronRoutes } from './patrons.routes.tsx';

export const patrons: Feature = {
  name: 'patrons',
  routes: registerPatronRoutes,
  jobs: [pinResetJob],
  inventory: patronsInventory,
};

/** Patron sessions, for the HTTP edge (src/http/sessions.ts). */
export const patronSessions = {
  authenticatePatron: authenticatePatronSession,
  readPatronFlash: (ctx, sessionId) => findPatronSessionFlash(ctx.db, sessionId),
  writePatronFlash: (ctx, sessionId, flash) => updatePatronSessionFlash(ctx.db, sessionId, flash),
} satisfies Partial<SessionStore>;
