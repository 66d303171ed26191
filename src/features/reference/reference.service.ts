// Ask a Librarian (issue 4, R1–R3): taking questions from the public form (and, through
// reference.inbound.ts, by e-mail), the asker's delete link, and scrubbing at close or when idle.
// Services own the rules and the transaction; mail is queued inside it, so a rolled-back write
// sends nothing. The desk's actions are in reference-desk.service.ts.
import type { Transaction } from 'kysely';
import { addMs, DAY, iso, type Clock } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { DB } from '../../db/schema.ts';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../../errors.ts';
import { hmac, newId, newToken, sameHash } from '../../ids.ts';
import { queueMail } from '../../mail/mail.service.ts';
import { findPersonalData, redactText, zip3, type KnownPersonalData } from './redact.ts';
import { checkFormTime, type ClientRateLimiter } from './reference.guard.ts';
import { confirmationMail, type ThreadAddress } from './reference.mail.tsx';
import * as repo from './reference.repository.ts';
import type { AskFormValues } from './reference.schemas.ts';
import type { QuestionChannel } from './reference.table.ts';
import { plural } from '../../plural.ts';

/** The reference address split for plus-addressing: ask@library.org -> { localPart: 'ask', domain: 'library.org' }. */
export function referenceAddress(ctx: AppContext): { localPart: string; domain: string } {
  const address = ctx.config.reference.address;
  const at = address.lastIndexOf('@');
  return { localPart: address.slice(0, at), domain: address.slice(at + 1) };
}

/** Where replies to a question go: ask+TOKEN@domain (R3: the token, never the sender, threads). */
export function threadAddress(ctx: AppContext, token: string): ThreadAddress {
  const { localPart, domain } = referenceAddress(ctx);
  return { replyTo: `${localPart}+${token}@${domain}`, token };
}

/** A new thread token: 32 URL-safe random characters (192 bits), within THREAD_TOKEN's shape. */
export const newThreadToken = (): string => newToken(24);

const deleteSignature = (ctx: AppContext, id: string): string =>
  hmac(ctx.config.secret, `reference-delete:${id}`);

/** The asker's link that deletes the question at once: PUBLIC_URL/ask/delete/<id>.<hmac>. */
export function deleteLink(ctx: AppContext, questionId: string): string {
  const base = ctx.config.publicUrl.href.replace(/\/+$/, '');
  return `${base}/ask/delete/${questionId}.${deleteSignature(ctx, questionId)}`;
}

export const INVALID_DELETE_LINK =
  'This link cannot be used: it is not complete or has been changed. Please copy the whole link from the e-mail we sent you.';

/** The question id a delete link stands for, or NotFoundError when it is malformed or tampered with. */
function questionIdOf(ctx: AppContext, link: string): string {
  const m = /^([0-9a-f-]{36})\.([0-9a-f]{64})$/.exec(link);
  if (!m || !sameHash(m[2]!, deleteSignature(ctx, m[1]!))) throw new NotFoundError(INVALID_DELETE_LINK);
  return m[1]!;
}

export interface NewQuestion {
  channel: QuestionChannel;
  replyTo: string;
  replyName: string | null;
  region: string | null;
  zip: string | null;
  body: string;
}

/** Stores a question with its first message and queues the confirmation, in `trx`; returns its id. */
export async function createQuestion(trx: Transaction<DB>, ctx: AppContext, q: NewQuestion): Promise<string> {
  const now = iso(ctx.clock.now());
  const id = newId(ctx.clock.now().getTime());
  const token = newThreadToken();
  await repo.insertQuestion(trx, {
    id,
    token,
    channel: q.channel,
    status: 'new',
    reply_to: q.replyTo,
    reply_name: q.replyName,
    region: q.region,
    zip: q.zip,
    zip3: zip3(q.zip),
    category: null,
    effort: null,
    claimed_by: null,
    created_at: now,
    updated_at: now,
    last_activity_at: now,
    closed_at: null,
    scrubbed_at: null,
  });
  await repo.insertMessage(trx, {
    id: newId(ctx.clock.now().getTime()),
    question_id: id,
    direction: 'in',
    body: q.body,
    staff_id: null,
    created_at: now,
  });
  await queueMail(
    trx,
    ctx.clock,
    confirmationMail(
      ctx.config.library,
      q.replyTo,
      threadAddress(ctx, token),
      deleteLink(ctx, id),
      q.channel,
    ),
  );
  return id;
}

const TIMING_MESSAGES = {
  'too-fast':
    'That was quicker than a person usually types, so we could not tell whether you are a person. Please check your question and send it again.',
  'too-old':
    'This form was open for a long time, so it has expired. Please check your question and send it again.',
  invalid: 'This form could not be checked. Please check your question and send it again.',
} as const;

/**
 * Takes a question from the public form, checked by askFormSchema. A filled honeypot field is
 * answered as a success but nothing is stored or sent; a form sent too quickly or too late and too
 * many questions from one client are refused (ValidationError, TooManyRequestsError).
 */
export async function submitWebQuestion(
  ctx: AppContext,
  limiter: ClientRateLimiter,
  data: AskFormValues,
  clientAddress: string,
): Promise<'created' | 'ignored'> {
  const now = ctx.clock.now();
  const wait = limiter.retryAfterSeconds(clientAddress, now);
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60);
    throw new TooManyRequestsError(
      `We have received ${plural(ctx.config.reference.perClientPerHour, 'question')} from your connection in the last hour, which is our limit. Please try again in ${minutes === 1 ? 'a minute' : plural(minutes, 'minute')}, or call or visit the library.`,
      wait,
    );
  }
  if (data.honeypot) {
    limiter.record(clientAddress, now);
    return 'ignored';
  }
  // The fields were checked first (at the edge): a person who sent an empty or mistyped form is
  // told what to fix, not that they seemed too quick to be a person (issue 12 item 19).
  const timing = checkFormTime(ctx.config.secret, data.renderedAt, now);
  if (timing !== 'ok') throw new ValidationError(TIMING_MESSAGES[timing]);
  limiter.record(clientAddress, now);
  await ctx.db.transaction().execute((trx) =>
    createQuestion(trx, ctx, {
      channel: 'web',
      replyTo: data.replyTo,
      replyName: null,
      region: data.region || null,
      zip: data.zip || null,
      body: data.question,
    }),
  );
  return 'created';
}

/** Checks a delete link before showing its confirmation page; false when the question is gone already. */
export async function checkDeleteLink(ctx: AppContext, link: string): Promise<boolean> {
  return (await repo.findQuestionById(ctx.db, questionIdOf(ctx, link))) !== undefined;
}

/** Deletes the question of a delete link with its messages and notes; false when already gone. */
export async function deleteQuestionByLink(ctx: AppContext, link: string): Promise<boolean> {
  const id = questionIdOf(ctx, link);
  const deleted = await repo.deleteQuestion(ctx.db, id);
  if (deleted) ctx.logger.info('reference question deleted by its asker');
  return deleted;
}

/**
 * R2: removes the reply address, the sender's name, the full ZIP (keeping its first three digits)
 * and the staff notes, redacts every message (names, addresses, phone and card numbers, and the
 * known address and name wherever they appear), and closes the question. Returns false when it
 * was scrubbed already. Undelivered e-mail about it keeps its own rule: emptied on delivery (N3).
 */
export async function scrubQuestion(
  trx: Transaction<DB>,
  clock: Clock,
  questionId: string,
): Promise<boolean> {
  const q = await repo.findQuestionById(trx, questionId);
  if (!q || q.scrubbed_at !== null) return false;
  const messages = await repo.findMessagesOf(trx, q.id, 100_000);
  const known = { names: q.reply_name ? [q.reply_name] : [], emails: q.reply_to ? [q.reply_to] : [] };
  // A name introduced once ("my name is Margaret O'Brien") goes wherever it recurs in the thread,
  // even where no pattern would spot it on its own (a bare "Margaret" under a reply).
  known.names.push(...messages.flatMap((m) => namesIn(m.body, known)));
  for (const m of messages) {
    const redacted = redactText(m.body, known);
    if (redacted !== m.body) await repo.updateMessageBody(trx, m.id, redacted);
  }
  await repo.deleteNotesOf(trx, q.id);
  const now = iso(clock.now());
  await repo.updateQuestion(trx, q.id, {
    reply_to: null,
    reply_name: null,
    zip: null,
    zip3: zip3(q.zip) ?? q.zip3,
    status: 'closed',
    closed_at: q.closed_at ?? now,
    scrubbed_at: now,
    updated_at: now,
  });
  return true;
}

const TITLE = /^(?:mr|mrs|ms|miss|mx|dr|prof|rev)\.?\s+/i;

/** Names the redaction patterns find in a text, without titles, for redacting them everywhere. */
function namesIn(text: string, known: KnownPersonalData): string[] {
  return findPersonalData(text, known)
    .filter((f) => f.kind === 'name')
    .map((f) => f.match.replace(TITLE, '').trim())
    .filter((n) => n.length >= 2 && !n.startsWith('['));
}

/** Scrubs (and closes) every question idle for REFERENCE_IDLE_DAYS; returns how many. Idempotent. */
export async function scrubIdleQuestions(ctx: AppContext): Promise<number> {
  const cutoff = iso(addMs(ctx.clock.now(), -ctx.config.reference.idleDays * DAY));
  const batch = 100;
  let scrubbed = 0;
  for (;;) {
    const ids = await repo.findIdleQuestionIds(ctx.db, cutoff, batch);
    for (const id of ids)
      if (await ctx.db.transaction().execute((trx) => scrubQuestion(trx, ctx.clock, id))) scrubbed++;
    if (ids.length < batch) return scrubbed;
  }
}
