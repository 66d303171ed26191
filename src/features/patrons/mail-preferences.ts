// The patron's e-mail choices (issue 4): their address, service notices by e-mail or none,
// whether notices may name titles (N2), and the separate, dated consent to announcements (N1).
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { checkbox } from '../../validation.ts';
import type { PatronActor } from './patron-actor.ts';
import { emailSchema } from './patrons.schemas.ts';
import * as repo from './patrons.repository.ts';

export const mailPreferencesSchema = z.object({
  email: emailSchema,
  notices: z.enum(['email', 'none'], { error: 'Choose e-mail or no notices.' }),
  titles: checkbox,
  announcements: checkbox,
});
export type MailPreferencesInput = z.output<typeof mailPreferencesSchema>;

/** Saves the choices; the consent date is set when the patron subscribes, kept while subscribed. */
export async function setMailPreferences(
  ctx: AppContext,
  actor: PatronActor,
  data: MailPreferencesInput,
): Promise<void> {
  if (data.announcements && !data.email)
    throw new ValidationError('Please correct the form.', {
      announcements: 'Announcements need an e-mail address: add one above, or leave this unticked.',
    });
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.findPatronById(trx, actor.id);
    if (!before) throw new NotFoundError('Your account no longer exists.');
    const nowIso = iso(ctx.clock.now());
    const email = data.email ?? null;
    await repo.updatePatron(trx, actor.id, {
      email,
      email_undeliverable_at: email === before.email ? before.email_undeliverable_at : null,
      notice_email: data.notices === 'email' ? 1 : 0,
      notice_titles: data.titles ? 1 : 0,
      announcements_consent_at: data.announcements ? (before.announcements_consent_at ?? nowIso) : null,
      updated_at: nowIso,
    });
  });
}
