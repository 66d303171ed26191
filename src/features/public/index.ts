// The public feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { registerPublicRoutes } from './public.routes.tsx';

export const publicPages: Feature = { name: 'public', routes: registerPublicRoutes };
