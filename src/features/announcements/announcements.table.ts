// Kysely row types for announcements (issue 4, N1): the message staff compose, and the transient
// list of who still has to receive it while it is being sent.

export type AnnouncementStatus = 'draft' | 'sending' | 'sent' | 'cancelled';

export interface AnnouncementTable {
  id: string;
  subject: string;
  /** Plain text as the author wrote it; the HTML part is generated from it. */
  body: string;
  status: AnnouncementStatus;
  /** Staff member who wrote it (null once their account is gone). */
  created_by: string | null;
  created_at: string;
  updated_at: string;
  /** When sending started: who had consented by then receives it. */
  queued_at: string | null;
  finished_at: string | null;
  /** Counts only: how many were to receive it, were sent, and failed for good. */
  recipients: number;
  sent: number;
  failed: number;
}

/** One patron still to receive one announcement; the row is deleted as the message leaves. */
export interface AnnouncementRecipientTable {
  id: string;
  announcement_id: string;
  patron_id: string;
  created_at: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    announcements: AnnouncementTable;
    announcement_recipients: AnnouncementRecipientTable;
  }
}
