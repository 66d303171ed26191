// `carrel cases rekey --new-key-file PATH` (issue 15 item 6; L6): re-encrypts every case, event and
// attachment under a new key in one transaction. The chain is verified first and recomputed over
// the new ciphertexts; a broken chain or a value that does not decrypt under the current key stops
// it with nothing changed. Afterwards the operator points LEGAL_KEY_FILE at the new file.
import type { AppContext } from '../../context.ts';
import { GENESIS, eventHash } from './legal.chain.ts';
import { aad, decrypt, encrypt, LegalKeyError, loadKey, type LegalKey } from './legal.crypto.ts';
import * as rekeyRepo from './legal-rekey.repository.ts';
import * as repo from './legal.repository.ts';
import { verifyCases } from './legal-verify.service.ts';

const PAGE = 200;

export interface RekeyResult {
  oldKeyId: string;
  newKeyId: string;
  cases: number;
  events: number;
  attachments: number;
}

const swap = (from: LegalKey, to: LegalKey, data: Buffer, context: string) =>
  encrypt(to, decrypt(from, data, context), context);

/** Re-encrypts everything from the current key to the key in `newKeyFile` (made if missing). */
export async function rekeyCases(ctx: AppContext, newKeyFile: string): Promise<RekeyResult> {
  const from = loadKey(ctx.config.legal.keyFile, { create: false });
  const to = loadKey(newKeyFile, { create: true });
  if (from.id === to.id)
    throw new LegalKeyError(`${newKeyFile} holds the current key ${from.id}; give a new key file.`);
  const result: RekeyResult = { oldKeyId: from.id, newKeyId: to.id, cases: 0, events: 0, attachments: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    const check = await verifyCases(ctx, trx);
    if (check.breaks.length > 0)
      throw new LegalKeyError(
        `The case log is broken in ${check.breaks.length} place(s); run \`carrel cases verify\`. Nothing was re-encrypted.`,
      );
    let after = '';
    for (;;) {
      const ids = await repo.findCaseIdsAfter(trx, after, PAGE);
      for (const id of ids) {
        const row = (await repo.findCase(trx, id))!;
        let prev = GENESIS;
        for (const e of await repo.findEvents(trx, id)) {
          const reason = e.reason === null ? null : swap(from, to, e.reason, aad.reason(e.id));
          const hash = eventHash(prev, { ...e, reason });
          await rekeyRepo.rewriteEventCiphertext(trx, e.id, { reason, prev_hash: prev, hash });
          prev = hash;
          result.events++;
        }
        for (const a of await repo.findAttachments(trx, id)) {
          await rekeyRepo.rewriteAttachmentCiphertext(trx, a.id, {
            name: swap(from, to, a.name, aad.attachmentName(a.id)),
            content: swap(from, to, a.content, aad.attachmentContent(a.id)),
          });
          result.attachments++;
        }
        await rekeyRepo.rewriteCaseCiphertext(trx, id, {
          details: swap(from, to, row.details, aad.details(id)),
          decisions: row.decisions === null ? null : swap(from, to, row.decisions, aad.decisions(id)),
          last_hash: prev,
        });
        result.cases++;
      }
      if (ids.length < PAGE) break;
      after = ids[ids.length - 1]!;
    }
  });
  return result;
}
