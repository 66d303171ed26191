// The announcements feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { sendAnnouncementJob } from './announcements.jobs.ts';
import { announcementsInventory } from './announcements.privacy.ts';
import { registerAnnouncementRoutes } from './announcements.routes.tsx';

export const announcements: Feature = {
  name: 'announcements',
  routes: registerAnnouncementRoutes,
  jobs: [sendAnnouncementJob],
  inventory: announcementsInventory,
};
