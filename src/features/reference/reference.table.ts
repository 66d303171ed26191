// Kysely row types for Ask a Librarian (issue 4, R1–R3). A question carries its reply address,
// optional state and ZIP only until it is closed or idle; then scrubbing leaves the texts
// (redacted), dates, category, effort, status and the first three digits of the ZIP (R2).

export const questionStatuses = ['new', 'claimed', 'waiting', 'answered', 'closed'] as const;
export type QuestionStatus = (typeof questionStatuses)[number];
export type QuestionChannel = 'web' | 'email';

export interface QuestionTable {
  id: string;
  /** Random thread token: replies join a question by it, never by the sender's address (R3). */
  token: string;
  channel: QuestionChannel;
  status: QuestionStatus;
  /** Where answers go; removed when the question is scrubbed (R2). */
  reply_to: string | null;
  /** Display name from an e-mail's From header, kept only to redact it from the texts at scrubbing. */
  reply_name: string | null;
  /** Optional US state or region the asker gave (R1). */
  region: string | null;
  /** Optional ZIP as given; replaced by zip3 at scrubbing. */
  zip: string | null;
  zip3: string | null;
  category: string | null;
  /** READ scale 1–6: the effort the answer took. */
  effort: number | null;
  /** Staff member working on it. */
  claimed_by: string | null;
  created_at: string;
  updated_at: string;
  /** Last message either way; questions idle past REFERENCE_IDLE_DAYS are scrubbed. */
  last_activity_at: string;
  closed_at: string | null;
  scrubbed_at: string | null;
}

export interface QuestionMessageTable {
  id: string;
  question_id: string;
  /** 'in' from the asker, 'out' from the library. */
  direction: 'in' | 'out';
  body: string;
  /** Staff member who wrote an answer. */
  staff_id: string | null;
  created_at: string;
}

/** Staff-only working notes; deleted when the question is scrubbed. */
export interface QuestionNoteTable {
  id: string;
  question_id: string;
  staff_id: string | null;
  body: string;
  created_at: string;
}

/** A de-identified question and answer a staff member confirmed and published. */
export interface FaqEntryTable {
  id: string;
  question: string;
  answer: string;
  category: string | null;
  published_by: string | null;
  published_at: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    questions: QuestionTable;
    question_messages: QuestionMessageTable;
    question_notes: QuestionNoteTable;
    faq_entries: FaqEntryTable;
  }
}
