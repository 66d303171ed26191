// The one rewrite of case files: re-encryption under a new key (`carrel cases rekey`, L6). The
// reasons' ciphertexts are part of the chain, so the chain is recomputed too — only after the old
// chain was verified in the same transaction (legal-rekey.service.ts), so a broken chain is never
// laundered into a sound one.
import type { Db } from './legal.repository.ts';

export async function rewriteCaseCiphertext(
  db: Db,
  id: string,
  set: { details: Buffer; decisions: Buffer | null; last_hash: string },
): Promise<void> {
  await db.updateTable('legal_cases').set(set).where('id', '=', id).execute();
}

export async function rewriteEventCiphertext(
  db: Db,
  id: string,
  set: { reason: Buffer | null; prev_hash: string; hash: string },
): Promise<void> {
  await db.updateTable('legal_case_events').set(set).where('id', '=', id).execute();
}

export async function rewriteAttachmentCiphertext(
  db: Db,
  id: string,
  set: { name: Buffer; content: Buffer },
): Promise<void> {
  await db.updateTable('legal_case_attachments').set(set).where('id', '=', id).execute();
}
