// The development mailbox in the staff interface: administrators read the e-mail Carrel would
// have sent while no SMTP server is configured.
import { z } from 'zod';
import { addMs, DAY, localDay } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import { requireStaff } from '../../http/auth.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { canReadDevMailbox } from '../staff/staff.policy.ts';
import { DEV_MAILBOX_DAYS } from '../../mail/mail.privacy.ts';
import {
  countOutboxWaiting,
  findDevMail,
  findDevMailList,
  findMailCounts,
} from '../../mail/mail.repository.ts';
import { MailboxMessagePage, MailboxPage, MailCountsPage } from './mailbox.views.tsx';

export function registerMailboxRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;

  app.get('/staff/admin/mail', async (request, reply) => {
    const actor = requireStaff(request, reply, canReadDevMailbox);
    if (!actor) return reply;
    const days = 30;
    const now = ctx.clock.now();
    const tz = library.timezone;
    const counts = await findMailCounts(ctx.db, localDay(addMs(now, -days * DAY), tz), localDay(now, tz));
    return sendPage(
      reply,
      <MailCountsPage
        library={library}
        actor={actor}
        csrfToken={reply.generateCsrf()}
        counts={counts}
        waiting={await countOutboxWaiting(ctx.db)}
        days={days}
      />,
    );
  });

  app.get('/staff/admin/mailbox', async (request, reply) => {
    const actor = requireStaff(request, reply, canReadDevMailbox);
    if (!actor) return reply;
    const messages = await findDevMailList(ctx.db, 200);
    return sendPage(
      reply.header('Cache-Control', 'no-store'),
      <MailboxPage
        library={library}
        actor={actor}
        csrfToken={reply.generateCsrf()}
        messages={messages}
        smtpConfigured={ctx.config.mail.smtpUrl !== null}
        days={DEV_MAILBOX_DAYS}
      />,
    );
  });

  app.get(
    '/staff/admin/mailbox/:id',
    { schema: { params: z.object({ id: z.string().max(40) }) } },
    async (request, reply) => {
      const actor = requireStaff(request, reply, canReadDevMailbox);
      if (!actor) return reply;
      const message = await findDevMail(ctx.db, request.params.id);
      if (!message) throw new NotFoundError('No such message; it may have been deleted after its period.');
      return sendPage(
        reply.header('Cache-Control', 'no-store'),
        <MailboxMessagePage
          library={library}
          actor={actor}
          csrfToken={reply.generateCsrf()}
          message={message}
        />,
      );
    },
  );
}
