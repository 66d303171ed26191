// Frequently asked questions made from scrubbed questions (issue 4). Publishing needs a staff
// member's explicit confirmation that the entry identifies no one, and is refused while the
// redaction patterns still find anything personal in the texts.
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldErrors,
} from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { findPersonalData, type PersonalDataKind } from './redact.ts';
import { canManageFaq } from './reference.policy.ts';
import * as repo from './reference.repository.ts';
import { categoryLabel, type FaqFormValues } from './reference.schemas.ts';

const kindWords: Record<PersonalDataKind, string> = {
  email: 'an e-mail address',
  phone: 'a phone number',
  card: 'a card number',
  pin: 'a PIN',
  name: 'a name',
  address: 'a street address',
  link: 'a personal link',
  signature: 'a signature',
};

function requireFaq(actor: StaffActor): void {
  if (!canManageFaq(actor))
    throw new ForbiddenError('The FAQ is managed by reference staff and administrators.');
}

/** "a name (“Jane Doe”), a phone number (“555-0199”)": what still has to go from a text. */
function describeFindings(text: string): string | null {
  const found = findPersonalData(text);
  if (found.length === 0) return null;
  return `Remove ${found.map((f) => `${kindWords[f.kind]} (“${f.match.slice(0, 60)}”)`).join(', ')}.`;
}

/** The starting texts of an entry: the first question and the last answer, as scrubbed. */
export async function faqDraft(
  ctx: AppContext,
  questionId: string,
): Promise<{ question: string; answer: string; category: string }> {
  const q = await repo.findQuestionById(ctx.db, questionId);
  if (!q) throw new NotFoundError('There is no such question.');
  const messages = await repo.findMessagesOf(ctx.db, questionId);
  return {
    question: messages.find((m) => m.direction === 'in')?.body ?? '',
    answer: messages.filter((m) => m.direction === 'out').at(-1)?.body ?? '',
    category: q.category ?? '',
  };
}

/** Publishes an entry (checked by faqFormSchema) from a scrubbed question; returns its id. */
export async function publishFaq(
  ctx: AppContext,
  actor: StaffActor,
  questionId: string,
  data: FaqFormValues,
): Promise<string> {
  requireFaq(actor);
  const q = await repo.findQuestionById(ctx.db, questionId);
  if (!q) throw new NotFoundError('There is no such question.');
  if (q.scrubbed_at === null)
    throw new ConflictError(
      'Only a closed question, with its personal details removed, can become an FAQ entry.',
    );
  const fields: FieldErrors = {};
  const inQuestion = describeFindings(data.question);
  const inAnswer = describeFindings(data.answer);
  if (inQuestion) fields.question = inQuestion;
  if (inAnswer) fields.answer = inAnswer;
  if (data.confirm !== 'on') fields.confirm = 'Tick the box to confirm that this entry identifies no one.';
  if (Object.keys(fields).length)
    throw new ValidationError(
      inQuestion || inAnswer
        ? 'This entry still seems to contain personal details. Edit them out, then publish.'
        : 'Please confirm the entry identifies no one.',
      fields,
    );
  const id = newId(ctx.clock.now().getTime());
  await repo.insertFaq(ctx.db, {
    id,
    question: data.question,
    answer: data.answer,
    category: data.faqCategory || null,
    published_by: actor.id,
    published_at: iso(ctx.clock.now()),
  });
  return id;
}

export interface FaqEntry {
  id: string;
  question: string;
  answer: string;
  category: string;
  publishedAt: string;
}

/** Published entries grouped by category label, in the fixed category order. */
export async function listFaqs(ctx: AppContext): Promise<Array<{ category: string; entries: FaqEntry[] }>> {
  const groups = new Map<string, FaqEntry[]>();
  for (const r of await repo.findFaqs(ctx.db)) {
    const label = categoryLabel(r.category);
    const list = groups.get(label) ?? [];
    list.push({
      id: r.id,
      question: r.question,
      answer: r.answer,
      category: label,
      publishedAt: r.published_at,
    });
    groups.set(label, list);
  }
  return [...groups]
    .map(([category, entries]) => ({ category, entries }))
    .sort((a, b) => a.category.localeCompare(b.category));
}

/** Unpublishes (deletes) an entry. */
export async function unpublishFaq(ctx: AppContext, actor: StaffActor, id: string): Promise<void> {
  requireFaq(actor);
  if (!(await repo.deleteFaq(ctx.db, id))) throw new NotFoundError('That FAQ entry is no longer published.');
}
