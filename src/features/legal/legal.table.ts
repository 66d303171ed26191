// Kysely row types for law-enforcement case files (issue 15; L1, L6). Columns of type Buffer hold
// AES-256-GCM ciphertext (legal.crypto.ts): the key is not in the database.

/** One request by law enforcement, from the visit at the desk on. */
export interface LegalCaseTable {
  /** UUIDv7. */
  id: string;
  opened_at: string;
  /** Equal to the last event's to_state (checked by `carrel cases verify`). */
  state: string;
  /** What the visitor claimed to carry (legal.schemas.ts instruments). */
  instrument: string;
  /** The staff member who recorded the visit. */
  opened_by: string;
  /** Ciphertext of the intake details as JSON (visitor, agency, ID, what they asked for). */
  details: Buffer;
  /** When the case was closed; null while open (open cases are kept). */
  closed_at: string | null;
  /** The hash of the case's last event, so that removing the last event is detected too. */
  last_hash: string;
  /**
   * Ciphertext of what the state machine needs besides the state, as JSON (legal-case.service.ts):
   * counsel's findings, who approved and confirmed, the emergency's threat and decisions, what a
   * warrant took, and the log entry it is as of. Null until the first move.
   */
  decisions: Buffer | null;
}

/** One entry of a case's append-only, hash-chained log. */
export interface LegalCaseEventTable {
  id: string;
  case_id: string;
  /** 1, 2, 3 … per case, without gaps. */
  seq: number;
  at: string;
  /** The staff member; null for the operator at the command line. */
  actor_id: string | null;
  kind: string;
  from_state: string | null;
  to_state: string;
  /** Ciphertext of the reason, or null. */
  reason: Buffer | null;
  /** The previous event's hash, or the genesis value for seq 1. */
  prev_hash: string;
  /** sha256(prev_hash + canonical serialisation of this event). */
  hash: string;
}

/** A scan or photo of the papers shown, encrypted. */
export interface LegalCaseAttachmentTable {
  id: string;
  case_id: string;
  /** Ciphertext of the file name. */
  name: Buffer;
  media_type: string;
  /** Ciphertext of the file. */
  content: Buffer;
  /** SHA-256 of the plaintext file, hex. */
  sha256: string;
  size: number;
  added_at: string;
}

declare module '../../db/schema.ts' {
  interface DB {
    legal_cases: LegalCaseTable;
    legal_case_events: LegalCaseEventTable;
    legal_case_attachments: LegalCaseAttachmentTable;
  }
}
