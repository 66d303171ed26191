// The mailbox feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { registerMailboxRoutes } from './mailbox.routes.tsx';

/** The development mailbox: staff read the mail Carrel would have sent (MAIL_TRANSPORT=dev). */
export const mailbox: Feature = { name: 'mailbox', routes: registerMailboxRoutes };
