// Announcements (issue 4, N1): staff compose a draft, preview it, and send it to the patrons who
// subscribed — a consent separate from service notices. A content rule refuses links to hosts
// outside the operator's allow-list, as a guard against commercial content.
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { canManageAnnouncements, type Actor } from '../staff/staff.policy.ts';
import { disallowedHosts, renderAnnouncement, verifyUnsubscribeToken } from './announcement-content.tsx';
import { sendAnnouncementJob } from './announcements.jobs.ts';
import * as repo from './announcements.repository.ts';

/** The announcement form (subject and text), parsed at the edge; the link rule is the service's. */
export const announcementSchema = z.object({
  subject: z
    .string({ error: 'Enter a subject.' })
    .trim()
    .min(1, 'Enter a subject.')
    .max(150, 'Keep the subject to 150 characters.'),
  body: z
    .string({ error: 'Enter the text.' })
    .trim()
    .min(1, 'Enter the text.')
    .max(20_000, 'Keep the text to 20,000 characters.'),
});
export type AnnouncementValues = z.output<typeof announcementSchema>;

function ensure(actor: Actor): void {
  if (!canManageAnnouncements(actor))
    throw new ForbiddenError('Only the webmaster and administrators write announcements.');
}

/** Applies the content rule to checked text; the message lists every host refused. */
function checkLinks(ctx: AppContext, data: AnnouncementValues): AnnouncementValues {
  const allowed = ctx.config.announcements.linkHosts;
  const bad = [
    ...new Set([...disallowedHosts(data.subject, allowed), ...disallowedHosts(data.body, allowed)]),
  ];
  if (bad.length)
    throw new ValidationError('Please correct the form.', {
      body: `Announcements may link only to ${allowed.join(', ')} (set by the operator in ANNOUNCEMENT_LINK_HOSTS). Remove or change: ${bad.join(', ')}.`,
    });
  return data;
}

async function load(ctx: AppContext, id: string): Promise<repo.AnnouncementRow> {
  const a = await repo.findAnnouncement(ctx.db, id);
  if (!a) throw new NotFoundError('There is no such announcement.');
  return a;
}

export async function createAnnouncement(
  ctx: AppContext,
  actor: Actor,
  input: AnnouncementValues,
): Promise<string> {
  ensure(actor);
  const data = checkLinks(ctx, input);
  const now = iso(ctx.clock.now());
  const id = newId();
  await repo.insertAnnouncement(ctx.db, {
    id,
    subject: data.subject,
    body: data.body,
    status: 'draft',
    created_by: actor.kind === 'staff' ? actor.id : null,
    created_at: now,
    updated_at: now,
    queued_at: null,
    finished_at: null,
    recipients: 0,
    sent: 0,
    failed: 0,
  });
  return id;
}

export async function updateAnnouncement(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: AnnouncementValues,
): Promise<void> {
  ensure(actor);
  const data = checkLinks(ctx, input);
  const a = await load(ctx, id);
  if (a.status !== 'draft')
    throw new ConflictError('Only a draft can be changed; this one has been sent or cancelled.');
  await repo.updateAnnouncement(ctx.db, id, { ...data, updated_at: iso(ctx.clock.now()) });
}

export interface AnnouncementView {
  announcement: repo.AnnouncementRow;
  /** How many it would go to now (drafts), for the send button. */
  subscribers: number;
  preview: { subject: string; text: string; headers: Record<string, string> };
}

export async function viewAnnouncement(ctx: AppContext, actor: Actor, id: string): Promise<AnnouncementView> {
  ensure(actor);
  const a = await load(ctx, id);
  const sample = new URL('/unsubscribe/(each subscriber’s own link)', ctx.config.publicUrl).toString();
  const m = renderAnnouncement(ctx.config.library, a, sample);
  return {
    announcement: a,
    subscribers: a.status === 'draft' ? await repo.countSubscribers(ctx.db) : a.recipients,
    preview: { subject: m.subject, text: m.text, headers: m.headers },
  };
}

export async function listAnnouncements(ctx: AppContext, actor: Actor) {
  ensure(actor);
  return {
    announcements: await repo.findAnnouncements(ctx.db),
    subscribers: await repo.countSubscribers(ctx.db),
  };
}

/**
 * Starts sending: in one transaction the draft becomes "sending", every current subscriber is
 * listed as a recipient, and the first job is queued. Returns how many will receive it.
 */
export async function sendAnnouncement(ctx: AppContext, actor: Actor, id: string): Promise<number> {
  ensure(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const a = await repo.findAnnouncement(trx, id);
    if (!a) throw new NotFoundError('There is no such announcement.');
    if (a.status !== 'draft')
      throw new ConflictError('This announcement has already been sent or cancelled.');
    // The rule is checked again: the allow-list may have changed since the draft was saved.
    checkLinks(ctx, { subject: a.subject, body: a.body });
    const now = iso(ctx.clock.now());
    const n = await repo.insertRecipients(trx, id, now);
    await repo.updateAnnouncement(trx, id, {
      status: 'sending',
      queued_at: now,
      updated_at: now,
      recipients: n,
    });
    await enqueueJob(trx, ctx.clock, sendAnnouncementJob, { announcementId: id });
    return n;
  });
}

/** Stops a draft or a running send; subscribers not yet sent to are forgotten at once. */
export async function cancelAnnouncement(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  ensure(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const a = await repo.findAnnouncement(trx, id);
    if (!a) throw new NotFoundError('There is no such announcement.');
    if (a.status !== 'draft' && a.status !== 'sending')
      throw new ConflictError('This announcement has already finished.');
    await repo.deleteRecipients(trx, id);
    const now = iso(ctx.clock.now());
    await repo.updateAnnouncement(trx, id, { status: 'cancelled', finished_at: now, updated_at: now });
  });
}

/** One-click unsubscribe (RFC 8058) and the link in every announcement; no sign-in (N1). */
export async function unsubscribeByToken(
  ctx: AppContext,
  token: string,
): Promise<'unsubscribed' | 'already'> {
  const patronId = verifyUnsubscribeToken(ctx.config.secret, token);
  if (!patronId)
    throw new NotFoundError('This unsubscribe link is not valid. It may have been changed or cut short.');
  return (await repo.unsubscribe(ctx.db, patronId, iso(ctx.clock.now()))) ? 'unsubscribed' : 'already';
}

/** Whether a token is genuine, for the confirmation page shown by the link. */
export const isValidUnsubscribeToken = (ctx: AppContext, token: string): boolean =>
  verifyUnsubscribeToken(ctx.config.secret, token) !== null;
