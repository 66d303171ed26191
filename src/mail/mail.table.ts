// Kysely row types for outgoing e-mail: the outbox (a message waiting for its job), the
// patron-free daily counts that survive delivery (N3), and the development mailbox.

/** A message waiting to be sent. Recipient, subject and bodies are emptied once it is delivered (N3). */
export interface OutboxTable {
  id: string;
  /** Kind of message, e.g. "pin-reset"; what the daily counts are grouped by. */
  kind: string;
  recipient: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  created_at: string;
  /** When the mail server (or the development mailbox) accepted it; null while waiting. */
  sent_at: string | null;
  /** The patron a notice is for, so a refused address can be flagged; emptied with the rest. */
  patron_id: string | null;
  /** Reply-To address (Ask a Librarian replies thread by a token in it, R3). */
  reply_to: string | null;
  /** Extra headers as JSON, e.g. List-Unsubscribe; emptied with the rest. */
  headers: string | null;
}

/** Messages per day, kind and outcome; no recipient, no content (N3). */
export interface MailCountTable {
  /** day|kind|outcome, so a count is one upsert. */
  key: string;
  day: string;
  kind: string;
  /** delivered, dev-mailbox, rejected (permanent 5xx) or failed (gave up after retries). */
  outcome: string;
  count: number;
}

/** Where messages go when no SMTP server is configured; only administrators read it. */
export interface DevMailboxTable {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: string;
}
