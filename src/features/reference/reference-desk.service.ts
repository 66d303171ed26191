// The reference desk's actions (issue 4): the queue, a question as staff see it, claim, answer by
// e-mail, internal notes, category and effort, and close (which scrubs at once, R2). Each action
// locks the question in one short transaction; the answer's e-mail is queued inside it.
import type { Transaction } from 'kysely';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { DB } from '../../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { queueMail } from '../../mail/mail.service.ts';
import type { Actor, StaffActor } from '../staff/staff.policy.ts';
import { answerMail } from './reference.mail.tsx';
import { canUseReferenceDesk } from './reference.policy.ts';
import * as repo from './reference.repository.ts';
import type { ClassifyValues, NoteValues, ReplyValues } from './reference.schemas.ts';
import { deleteLink, scrubQuestion, threadAddress } from './reference.service.ts';
import type { QuestionStatus } from './reference.table.ts';

function requireDesk(actor: Actor): void {
  if (!canUseReferenceDesk(actor))
    throw new ForbiddenError('The reference desk is for reference staff and administrators.');
}

const CLOSED =
  'This question is closed and its personal details have been removed, so it can no longer be answered or changed.';

/** Runs `fn` on the question locked in a transaction; NotFoundError when it does not exist. */
async function withQuestion<T>(
  ctx: AppContext,
  id: string,
  fn: (trx: Transaction<DB>, q: repo.QuestionRow) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const q = await repo.findQuestionForUpdate(trx, ctx.database.ops, id);
    if (!q)
      throw new NotFoundError('There is no such question. The person who asked it may have deleted it.');
    return fn(trx, q);
  });
}

const isOpen = (q: repo.QuestionRow): boolean => q.status !== 'closed' && q.scrubbed_at === null;

export interface QueueItem {
  id: string;
  channel: string;
  status: string;
  category: string | null;
  createdAt: string;
  lastActivityAt: string;
  claimedByName: string | null;
  preview: string;
}

/** One tab of the queue and the count of every status. */
export async function getQueue(
  ctx: AppContext,
  actor: Actor,
  status: QuestionStatus,
): Promise<{ counts: Record<string, number>; items: QueueItem[]; limit: number }> {
  requireDesk(actor);
  const limit = 200;
  const rows = await repo.findQueue(ctx.db, status, limit);
  const first = await repo.findFirstMessages(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    counts: await repo.countQuestionsByStatus(ctx.db),
    limit,
    items: rows.map((r) => {
      const text = (first.get(r.id) ?? '').replace(/\s+/g, ' ').trim();
      return { ...r, preview: text.length > 140 ? `${text.slice(0, 139)}…` : text };
    }),
  };
}

export interface QuestionDetail {
  id: string;
  channel: string;
  status: string;
  /** Null once scrubbed. The sender's display name is never shown (inventory: readable by no one). */
  replyTo: string | null;
  region: string | null;
  zip: string | null;
  zip3: string | null;
  category: string | null;
  effort: number | null;
  claimedByMe: boolean;
  isClaimed: boolean;
  createdAt: string;
  lastActivityAt: string;
  closedAt: string | null;
  scrubbedAt: string | null;
  messages: Array<{ id: string; direction: 'in' | 'out'; body: string; createdAt: string }>;
  notes: Array<{ id: string; body: string; staffName: string | null; createdAt: string }>;
}

/** A question as the desk shows it, built field by field. */
export async function getQuestion(ctx: AppContext, actor: StaffActor, id: string): Promise<QuestionDetail> {
  requireDesk(actor);
  const q = await repo.findQuestionById(ctx.db, id);
  if (!q) throw new NotFoundError('There is no such question. The person who asked it may have deleted it.');
  const messages = await repo.findMessagesOf(ctx.db, id);
  const notes = await repo.findNotesOf(ctx.db, id);
  return {
    id: q.id,
    channel: q.channel,
    status: q.status,
    replyTo: q.reply_to,
    region: q.region,
    zip: q.zip,
    zip3: q.zip3,
    category: q.category,
    effort: q.effort === null ? null : Number(q.effort),
    claimedByMe: q.claimed_by === actor.id,
    isClaimed: q.claimed_by !== null,
    createdAt: q.created_at,
    lastActivityAt: q.last_activity_at,
    closedAt: q.closed_at,
    scrubbedAt: q.scrubbed_at,
    messages: messages.map((m) => ({
      id: m.id,
      direction: m.direction,
      body: m.body,
      createdAt: m.created_at,
    })),
    notes: notes.map((n) => ({ id: n.id, body: n.body, staffName: n.staffName, createdAt: n.created_at })),
  };
}

/** Takes the question: new → claimed, with the actor as the one working on it. */
export async function claimQuestion(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  requireDesk(actor);
  await withQuestion(ctx, id, async (trx, q) => {
    if (!isOpen(q)) throw new ConflictError(CLOSED);
    await repo.updateQuestion(trx, id, {
      claimed_by: actor.id,
      status: q.status === 'new' ? 'claimed' : q.status,
      updated_at: iso(ctx.clock.now()),
    });
  });
}

/** Gives the question back to the queue: claimed → new. */
export async function unclaimQuestion(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  requireDesk(actor);
  await withQuestion(ctx, id, async (trx, q) => {
    if (!isOpen(q)) throw new ConflictError(CLOSED);
    await repo.updateQuestion(trx, id, {
      claimed_by: null,
      status: q.status === 'claimed' ? 'new' : q.status,
      updated_at: iso(ctx.clock.now()),
    });
  });
}

/** Sends an answer by e-mail and keeps it in the thread: → answered, or waiting for the patron. */
export async function replyToQuestion(
  ctx: AppContext,
  actor: StaffActor,
  id: string,
  data: ReplyValues,
): Promise<void> {
  requireDesk(actor);
  await withQuestion(ctx, id, async (trx, q) => {
    if (!isOpen(q) || !q.reply_to) throw new ConflictError(CLOSED);
    const now = iso(ctx.clock.now());
    await repo.insertMessage(trx, {
      id: newId(ctx.clock.now().getTime()),
      question_id: id,
      direction: 'out',
      body: data.body,
      staff_id: actor.id,
      created_at: now,
    });
    await queueMail(
      trx,
      ctx.clock,
      answerMail(ctx.config.library, q.reply_to, threadAddress(ctx, q.token), data.body, deleteLink(ctx, id)),
    );
    await repo.updateQuestion(trx, id, {
      status: data.waiting ? 'waiting' : 'answered',
      claimed_by: q.claimed_by ?? actor.id,
      last_activity_at: now,
      updated_at: now,
    });
  });
}

/** Adds an internal note (never sent; deleted at scrubbing). */
export async function addNote(
  ctx: AppContext,
  actor: StaffActor,
  id: string,
  data: NoteValues,
): Promise<void> {
  requireDesk(actor);
  await withQuestion(ctx, id, async (trx, q) => {
    if (!isOpen(q)) throw new ConflictError(CLOSED);
    const now = iso(ctx.clock.now());
    await repo.insertNote(trx, {
      id: newId(ctx.clock.now().getTime()),
      question_id: id,
      staff_id: actor.id,
      body: data.note,
      created_at: now,
    });
    await repo.updateQuestion(trx, id, { updated_at: now });
  });
}

/** Sets category and READ effort; allowed after closing too, since statistics use them. */
export async function classifyQuestion(
  ctx: AppContext,
  actor: StaffActor,
  id: string,
  data: ClassifyValues,
): Promise<void> {
  requireDesk(actor);
  await withQuestion(ctx, id, async (trx) => {
    await repo.updateQuestion(trx, id, {
      category: data.category || null,
      effort: data.effort ? Number(data.effort) : null,
      updated_at: iso(ctx.clock.now()),
    });
  });
}

/** Closes the question and scrubs it at once (R2). Closing a closed question changes nothing. */
export async function closeQuestion(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  requireDesk(actor);
  await withQuestion(ctx, id, (trx) => scrubQuestion(trx, ctx.clock, id));
}
