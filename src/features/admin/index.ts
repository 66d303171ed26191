// The admin feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { registerAdminRoutes } from './admin.routes.tsx';

export const admin: Feature = { name: 'admin', routes: registerAdminRoutes };
