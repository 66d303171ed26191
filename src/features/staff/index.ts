// The staff feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { staffInventory } from './staff.privacy.ts';
import { registerStaffRoutes } from './staff.routes.tsx';

export const staff: Feature = { name: 'staff', routes: registerStaffRoutes, inventory: staffInventory };
