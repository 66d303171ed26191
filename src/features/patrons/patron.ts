// The patron account as services hand it out: built field by field from the row, so the PIN hash
// (and any column added later) never reaches a page or the API by accident.
import { iso, startOfLocalDay } from '../../clock.ts';
import type { PatronRow } from './patrons.repository.ts';

export interface Patron {
  id: string;
  cardNumber: string;
  name: string;
  homeBranch: string;
  email: string | null;
  phone: string | null;
  ageBand: string | null;
  cardExpiresAt: string;
  blockReason: string | null;
  blockedAt: string | null;
  openLoans: number;
  mustChangePin: boolean;
  createdAt: string;
  updatedAt: string;
  /** Service notices by e-mail (N2). */
  noticeEmail: boolean;
  /** Titles may appear in notice bodies (never in subjects). */
  noticeTitles: boolean;
  emailUndeliverableAt: string | null;
  /** When the patron subscribed to announcements (N1); null = not subscribed. */
  announcementsConsentAt: string | null;
}

export const toPatron = (r: PatronRow): Patron => ({
  id: r.id,
  cardNumber: r.card_number,
  name: r.name,
  homeBranch: r.home_branch,
  email: r.email,
  phone: r.phone,
  ageBand: r.age_band,
  cardExpiresAt: r.card_expires_at,
  blockReason: r.block_reason,
  blockedAt: r.blocked_at,
  openLoans: Number(r.open_loans),
  mustChangePin: Number(r.pin_must_change) === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  noticeEmail: Number(r.notice_email) === 1,
  noticeTitles: Number(r.notice_titles) === 1,
  emailUndeliverableAt: r.email_undeliverable_at,
  announcementsConsentAt: r.announcements_consent_at,
});

/** Midnight at the start of `day` (YYYY-MM-DD) in the library's time zone, as an ISO instant. */
export function startOfDayIso(day: string, timeZone: string): string {
  // One correction by the offset at UTC midnight missed the hour on days the clocks change east
  // of UTC (issue 12 item 14); clock.ts corrects until the day really starts there.
  return iso(startOfLocalDay(day, timeZone));
}
