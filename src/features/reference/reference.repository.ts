// SQL for Ask a Librarian: questions, their messages and notes, the FAQ, and the statistics
// query. Nothing else lives here; rules and transactions are in reference.service.ts.
import {
  sql,
  type Insertable,
  type Kysely,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { DialectOps } from '../../db/dialects.ts';
import type { DB } from '../../db/schema.ts';
import type { QuestionStatus } from './reference.table.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type QuestionRow = Selectable<DB['questions']>;
export type MessageRow = Selectable<DB['question_messages']>;
export type NoteRow = Selectable<DB['question_notes']>;
export type FaqRow = Selectable<DB['faq_entries']>;

export async function insertQuestion(db: Db, row: Insertable<DB['questions']>): Promise<void> {
  await db.insertInto('questions').values(row).execute();
}

export function findQuestionById(db: Db, id: string): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The question, locked for the rest of the transaction (PostgreSQL; SQLite has one writer). */
export function findQuestionForUpdate(db: Db, ops: DialectOps, id: string): Promise<QuestionRow | undefined> {
  return db
    .selectFrom('questions')
    .selectAll()
    .where('id', '=', id)
    .modifyEnd(ops.forUpdate())
    .executeTakeFirst();
}

export function findQuestionByToken(db: Db, token: string): Promise<QuestionRow | undefined> {
  return db.selectFrom('questions').selectAll().where('token', '=', token).executeTakeFirst();
}

export async function updateQuestion(db: Db, id: string, set: Updateable<DB['questions']>): Promise<void> {
  await db.updateTable('questions').set(set).where('id', '=', id).execute();
}

/** Deletes a question; its messages and notes go with it (ON DELETE CASCADE). */
export async function deleteQuestion(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('questions').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function countQuestionsByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('questions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export interface QueueRow {
  id: string;
  channel: string;
  status: string;
  category: string | null;
  createdAt: string;
  lastActivityAt: string;
  claimedByName: string | null;
}

/** One tab of the queue, oldest activity first (the longest waiting patron on top). */
export async function findQueue(db: Db, status: QuestionStatus, limit: number): Promise<QueueRow[]> {
  const rows = await db
    .selectFrom('questions as q')
    .leftJoin('staff as s', 's.id', 'q.claimed_by')
    .select([
      'q.id',
      'q.channel',
      'q.status',
      'q.category',
      'q.created_at',
      'q.last_activity_at',
      's.display_name',
    ])
    .where('q.status', '=', status)
    .orderBy(status === 'closed' ? 'q.closed_at' : 'q.last_activity_at', status === 'closed' ? 'desc' : 'asc')
    .orderBy('q.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    status: r.status,
    category: r.category,
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
    claimedByName: r.display_name,
  }));
}

/** The first message of each listed question, for the queue's one-line preview. */
export async function findFirstMessages(db: Db, questionIds: string[]): Promise<Map<string, string>> {
  if (questionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('question_messages')
    .select(['question_id', 'body', 'created_at', 'id'])
    .where('question_id', 'in', questionIds)
    .where('direction', '=', 'in')
    .orderBy('created_at')
    .orderBy('id')
    .limit(questionIds.length * 50)
    .execute();
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.question_id)) out.set(r.question_id, r.body);
  return out;
}

export async function insertMessage(db: Db, row: Insertable<DB['question_messages']>): Promise<void> {
  await db.insertInto('question_messages').values(row).execute();
}

/** A question's messages, oldest first. */
export function findMessagesOf(db: Db, questionId: string, limit = 500): Promise<MessageRow[]> {
  return db
    .selectFrom('question_messages')
    .selectAll()
    .where('question_id', '=', questionId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function updateMessageBody(db: Db, id: string, body: string): Promise<void> {
  await db.updateTable('question_messages').set({ body }).where('id', '=', id).execute();
}

export async function insertNote(db: Db, row: Insertable<DB['question_notes']>): Promise<void> {
  await db.insertInto('question_notes').values(row).execute();
}

export interface NoteView extends NoteRow {
  staffName: string | null;
}

export async function findNotesOf(db: Db, questionId: string, limit = 500): Promise<NoteView[]> {
  const rows = await db
    .selectFrom('question_notes as n')
    .leftJoin('staff as s', 's.id', 'n.staff_id')
    .selectAll('n')
    .select('s.display_name')
    .where('n.question_id', '=', questionId)
    .orderBy('n.created_at')
    .orderBy('n.id')
    .limit(limit)
    .execute();
  return rows.map(({ display_name, ...n }) => ({ ...n, staffName: display_name }));
}

export async function deleteNotesOf(db: Db, questionId: string): Promise<void> {
  await db.deleteFrom('question_notes').where('question_id', '=', questionId).execute();
}

/** Questions not yet scrubbed whose last message is at or before `cutoff` (R2 idle rule). */
export async function findIdleQuestionIds(db: Db, cutoff: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('questions')
    .select('id')
    .where('scrubbed_at', 'is', null)
    .where('last_activity_at', '<=', cutoff)
    .orderBy('last_activity_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface StatsRow {
  /** "YYYY-MM-DDTHH" (UTC) the questions were asked in; the service maps it to the library's month. */
  hour: string;
  channel: string;
  status: string;
  category: string | null;
  effort: number | null;
  region: string | null;
  zip3: string | null;
  count: number;
}

/** Question counts per hour (UTC, from created_at) and every reported dimension, in [from, to). */
export async function findStatsRows(db: Db, from: string, to: string): Promise<StatsRow[]> {
  const month = sql<string>`substr(created_at, 1, 13)`;
  const rows = await db
    .selectFrom('questions')
    .select([
      month.as('month'),
      'channel',
      'status',
      'category',
      'effort',
      'region',
      'zip3',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy([month, 'channel', 'status', 'category', 'effort', 'region', 'zip3'])
    .limit(200_000)
    .execute();
  return rows.map((r) => ({
    hour: r.month,
    channel: r.channel,
    status: r.status,
    category: r.category,
    effort: r.effort === null ? null : Number(r.effort),
    region: r.region,
    zip3: r.zip3,
    count: Number(r.n),
  }));
}

export async function insertFaq(db: Db, row: Insertable<DB['faq_entries']>): Promise<void> {
  await db.insertInto('faq_entries').values(row).execute();
}

export function findFaqs(db: Db, limit = 1000): Promise<FaqRow[]> {
  return db
    .selectFrom('faq_entries')
    .selectAll()
    .orderBy('category')
    .orderBy('published_at', 'desc')
    .limit(limit)
    .execute();
}

export async function deleteFaq(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('faq_entries').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
