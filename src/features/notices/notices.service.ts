// Service notices (issue 4, N2): hold ready, due soon, overdue, hold expired or cancelled. Each is
// queued inside the transaction that caused it, so a rolled-back check-in sends nothing, and only
// to patrons who want e-mail notices at an address the mail server has not refused.
import { branchName } from '../../library.ts';
import type { Kysely } from 'kysely';
import { endOfLocalDay, iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { DB } from '../../db/schema.ts';
import { formatDate } from '../../http/form-parts.tsx';
import { queueMail } from '../../mail/mail.service.ts';
import { renderNotice, type NoticeContent, type NoticeKind } from './notice-mail.tsx';
import * as repo from './notices.repository.ts';

const accountLink = (ctx: AppContext, path: string) => new URL(path, ctx.config.publicUrl).toString();

/**
 * Queues one notice for a patron, in `trx`; false when the patron gets none (no address, chose
 * no e-mail, or the address was refused). `build` learns whether titles may appear in the body.
 */
export async function queuePatronNotice(
  ctx: AppContext,
  trx: Kysely<DB>,
  patronId: string,
  kind: NoticeKind,
  build: (withTitles: boolean) => NoticeContent,
): Promise<boolean> {
  const p = await repo.findNoticeRecipient(trx, patronId);
  if (!p?.email || Number(p.notice_email) !== 1 || p.email_undeliverable_at) return false;
  const m = renderNotice(ctx.config.library, build(Number(p.notice_titles) === 1));
  await queueMail(trx, ctx.clock, {
    kind,
    to: p.email,
    subject: m.subject,
    text: m.text,
    html: m.html,
    patronId: p.id,
  });
  return true;
}

/** "Ready for pickup": called by check-in when a copy lands on the hold shelf. */
export async function noticeHoldReady(
  ctx: AppContext,
  trx: Kysely<DB>,
  hold: { patron_id: string; bib_id: string; pickup_branch: string },
  pickupCode: string,
  shelfExpiresAt: string,
): Promise<void> {
  const title = (await repo.findTitle(trx, hold.bib_id)) ?? null;
  const tz = ctx.config.library.timezone;
  const branch = branchName(ctx.config.library, hold.pickup_branch);
  await queuePatronNotice(ctx, trx, hold.patron_id, 'hold-ready', (withTitles) => ({
    subject: `An item you asked for is ready at ${ctx.config.library.name}`,
    intro: [
      `An item you placed a hold on is waiting for you at ${branch}.`,
      `Please pick it up by ${formatDate(shelfExpiresAt, tz)}. Your pickup code is ${pickupCode}.`,
    ],
    lines: withTitles ? [{ title, detail: `at ${branch}` }] : [],
    outro: [],
    link: { label: 'Your holds', href: accountLink(ctx, '/account/holds') },
  }));
}

/** "Your hold has ended": the shelf time ran out, or staff cancelled it. */
export async function noticeHoldEnded(
  ctx: AppContext,
  trx: Kysely<DB>,
  hold: { patron_id: string; bib_id: string; pickup_branch: string },
  why: 'expired' | 'cancelled',
): Promise<void> {
  const title = (await repo.findTitle(trx, hold.bib_id)) ?? null;
  const branch = branchName(ctx.config.library, hold.pickup_branch);
  await queuePatronNotice(
    ctx,
    trx,
    hold.patron_id,
    why === 'expired' ? 'hold-expired' : 'hold-cancelled',
    (t) => ({
      subject:
        why === 'expired'
          ? `A hold at ${ctx.config.library.name} has ended`
          : `A hold at ${ctx.config.library.name} was cancelled`,
      intro: [
        why === 'expired'
          ? `An item you placed a hold on waited for you at ${branch} and was not picked up in time, so the hold has ended.`
          : `Library staff cancelled a hold you had placed for pickup at ${branch}.`,
        'You can place the hold again from the catalog if you still want the item.',
      ],
      lines: t ? [{ title, detail: `pickup at ${branch}` }] : [],
      outro: [],
      link: { label: 'Your holds', href: accountLink(ctx, '/account/holds') },
    }),
  );
}

const BATCH = 500;

/**
 * Sends the due-soon and overdue notices not yet sent: one e-mail per patron per run, listing
 * their items; each loan is marked so its notice goes once. Run hourly by `notices.scan`.
 */
export async function sendDueNotices(ctx: AppContext): Promise<{ dueSoon: number; overdue: number }> {
  const now = ctx.clock.now();
  const nowIso = iso(now);
  const tz = ctx.config.library.timezone;
  const days = ctx.config.notices.dueSoonDays;
  const dueSoon =
    days > 0
      ? await scan(ctx, 'due-soon', nowIso, iso(new Date(endOfLocalDay(now, tz, days).getTime() + 1)))
      : 0;
  const overdue = await scan(ctx, 'overdue', null, nowIso);
  return { dueSoon, overdue };
}

async function scan(
  ctx: AppContext,
  kind: 'due-soon' | 'overdue',
  afterIso: string | null,
  untilIso: string,
): Promise<number> {
  const tz = ctx.config.library.timezone;
  const lib = ctx.config.library.name;
  let sent = 0;
  for (;;) {
    const n = await ctx.db.transaction().execute(async (trx) => {
      const loans = await repo.findLoansToNotify(trx, kind, afterIso, untilIso, BATCH);
      const byPatron = new Map<string, repo.DueLoan[]>();
      for (const l of loans) byPatron.set(l.patron_id, [...(byPatron.get(l.patron_id) ?? []), l]);
      for (const [patronId, list] of byPatron) {
        const queued = await queuePatronNotice(ctx, trx, patronId, kind, (withTitles) => ({
          subject:
            kind === 'due-soon'
              ? `${list.length === 1 ? 'An item is' : `${list.length} items are`} due soon at ${lib}`
              : `${list.length === 1 ? 'An item is' : `${list.length} items are`} overdue at ${lib}`,
          intro: [
            kind === 'due-soon'
              ? `${list.length === 1 ? 'An item you borrowed is' : 'Items you borrowed are'} due soon.`
              : `${list.length === 1 ? 'An item you borrowed is' : 'Items you borrowed are'} past the due date.`,
          ],
          lines: list.map((l) => ({
            title: withTitles ? l.title : null,
            detail: `due ${formatDate(l.due_at, tz)}`,
          })),
          outro: [
            kind === 'due-soon'
              ? 'You can renew items online unless someone is waiting for them.'
              : 'Please return or renew them. The library charges no fines.',
          ],
          link: { label: 'Your loans', href: accountLink(ctx, '/account/loans') },
        }));
        if (queued) sent++;
      }
      // Marked whether or not an e-mail went, so a patron who turns notices on later is not sent old ones.
      await repo.markLoansNotified(
        trx,
        kind,
        loans.map((l) => l.id),
        iso(ctx.clock.now()),
      );
      return loans.length;
    });
    if (n < BATCH) return sent;
  }
}
