// The staff feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import type { SessionStore } from '../../http/sessions.ts';
import { staffCommand } from './staff.cli.ts';
import { staffInventory } from './staff.privacy.ts';
import { registerStaffRoutes } from './staff.routes.tsx';
import { authenticateSession, readSessionState, writeSessionState } from './staff.service.ts';

export const staff: Feature = {
  name: 'staff',
  routes: registerStaffRoutes,
  inventory: staffInventory,
  commands: (deps) => [staffCommand(deps)],
};

/** Staff sessions, for the HTTP edge (src/http/sessions.ts). */
export const staffSessions = {
  authenticateStaff: authenticateSession,
  readStaffState: readSessionState,
  writeStaffState: writeSessionState,
} satisfies Partial<SessionStore>;
