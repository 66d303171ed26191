// Law-enforcement requests, intake (issue 15 item 1; L1, L6): any staff member records the visit;
// what the visitor said and handed over is stored encrypted; the case log starts with the event
// that opened it; the privacy officer and counsel are told by e-mail that a request was recorded —
// no details and no patron data in the message. Reading a case file is for them alone.
import crypto from 'node:crypto';
import { iso, MINUTE } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { queueMail } from '../../mail/mail.service.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { aad, decrypt, encrypt, loadKey, type LegalKey } from './legal.crypto.ts';
import { firstEvent } from './legal.log.ts';
import { canOpenCase, canReadCases } from './legal.policy.ts';
import * as repo from './legal.repository.ts';
import type { Instrument, IntakeInput } from './legal.schemas.ts';

/** The case-file key, made in DATA_DIR on first use when LEGAL_KEY_FILE is not set (L6). */
export const caseKey = (ctx: AppContext): LegalKey => loadKey(ctx.config.legal.keyFile, { create: true });

/** The intake details, as encrypted in legal_cases.details. */
interface Details {
  visitorName: string;
  agency: string;
  idShown: string;
  idCheck: string;
  arrivedAt: string;
  request: string;
}

const notice = (ctx: AppContext, to: string) => ({
  kind: 'legal-intake',
  to,
  subject: 'A law-enforcement request was recorded',
  text: [
    `A member of staff at ${ctx.config.library.name} recorded a request from law enforcement.`,
    '',
    `Please review it on the staff site: ${new URL('/staff', ctx.config.publicUrl).toString()}`,
    '',
    'This message deliberately says nothing about the request.',
  ].join('\n'),
  html: null,
});

/**
 * Records a visit by law enforcement (L1): for every staff role. Returns only the case id; the
 * person at the desk gets nothing to search or export.
 */
export async function openCase(
  ctx: AppContext,
  actor: Actor,
  input: IntakeInput,
): Promise<{ caseId: string; notified: number }> {
  if (!canOpenCase(actor) || actor.kind !== 'staff')
    throw new ForbiddenError('A request is recorded by a signed-in member of staff.');
  const now = ctx.clock.now();
  if (Date.parse(input.arrivedAt) > now.getTime() + 5 * MINUTE)
    throw new ValidationError('Please correct the marked fields.', {
      arrivedAt: 'When they came: not in the future.',
    });
  const key = caseKey(ctx);
  const caseId = newId(now.getTime());
  const details: Details = {
    visitorName: input.visitorName,
    agency: input.agency,
    idShown: input.idShown,
    idCheck: input.idCheck,
    arrivedAt: new Date(input.arrivedAt).toISOString(),
    request: input.request,
  };
  const files = input.attachments.map((a) => {
    const id = newId(now.getTime());
    const bytes = Buffer.from(a.bytes);
    return {
      id,
      case_id: caseId,
      name: encrypt(key, a.name, aad.attachmentName(id)),
      media_type: a.mediaType,
      content: encrypt(key, bytes, aad.attachmentContent(id)),
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      added_at: iso(now),
    };
  });
  // The first event names the files' digests, so the chain vouches for what was handed over.
  const reason =
    files.length === 0
      ? 'Recorded at the desk.'
      : `Recorded at the desk with ${files.length} file(s): ${files.map((f) => `${f.id} sha256 ${f.sha256}`).join('; ')}.`;
  const first = firstEvent(key, caseId, now, {
    actorId: actor.id,
    kind: 'opened',
    toState: 'intake',
    reason,
  });
  const recipients = [
    ...new Set([...ctx.config.legal.privacyOfficerEmails, ...ctx.config.legal.counselEmails]),
  ];
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertCase(trx, {
      id: caseId,
      opened_at: iso(now),
      state: first.to_state,
      instrument: input.instrument,
      opened_by: actor.id,
      details: encrypt(key, JSON.stringify(details), aad.details(caseId)),
      closed_at: null,
      last_hash: first.hash,
    });
    await repo.insertEvent(trx, first);
    for (const f of files) await repo.insertAttachment(trx, f);
    for (const to of recipients) await queueMail(trx, ctx.clock, notice(ctx, to));
  });
  if (recipients.length === 0)
    ctx.logger.warn(
      { event: 'legal.intake.unnotified' },
      'a law-enforcement request was recorded but LEGAL_PRIVACY_OFFICER_EMAILS and LEGAL_COUNSEL_EMAILS are empty',
    );
  return { caseId, notified: recipients.length };
}

/** A case file as the privacy officer and counsel read it. */
export interface CaseFile {
  id: string;
  state: string;
  instrument: Instrument;
  openedAt: string;
  details: Details;
  attachments: Array<{
    id: string;
    name: string;
    mediaType: string;
    size: number;
    sha256: string;
    bytes: Buffer;
  }>;
}

/** Decrypts one case file; LegalKeyError when LEGAL_KEY_FILE holds the wrong key. */
export async function readCaseFile(ctx: AppContext, actor: Actor, caseId: string): Promise<CaseFile> {
  if (!canReadCases(actor)) throw new ForbiddenError('Only the privacy officer and counsel read case files.');
  const row = await repo.findCase(ctx.db, caseId);
  if (!row) throw new NotFoundError('There is no such case.');
  const key = loadKey(ctx.config.legal.keyFile, { create: false });
  const details = JSON.parse(decrypt(key, row.details, aad.details(row.id)).toString('utf8')) as Details;
  const attachments = (await repo.findAttachments(ctx.db, caseId)).map((a) => ({
    id: a.id,
    name: decrypt(key, a.name, aad.attachmentName(a.id)).toString('utf8'),
    mediaType: a.media_type,
    size: a.size,
    sha256: a.sha256,
    bytes: decrypt(key, a.content, aad.attachmentContent(a.id)),
  }));
  return {
    id: row.id,
    state: row.state,
    instrument: row.instrument as Instrument,
    openedAt: row.opened_at,
    details,
    attachments,
  };
}
