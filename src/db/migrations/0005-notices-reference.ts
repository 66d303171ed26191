// E-mail services (issue 4): patrons' notice choices and announcement consent (N1, N2), the
// undeliverable flag, notice markers on loans, the announcement queue, and Ask a Librarian
// (R1–R3). Frozen in time like every migration.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One ALTER per column: SQLite adds a single column per statement.
  const patronColumns: Array<[string, 'text' | 'integer', number | null]> = [
    ['notice_email', 'integer', 1],
    ['notice_titles', 'integer', 0],
    ['email_undeliverable_at', 'text', null],
    ['announcements_consent_at', 'text', null],
  ];
  for (const [name, type, dflt] of patronColumns)
    await db.schema
      .alterTable('patrons')
      .addColumn(name, type, (c) => (dflt === null ? c : c.notNull().defaultTo(dflt)))
      .execute();
  await db.schema
    .createIndex('patrons_announcements_idx')
    .on('patrons')
    .columns(['announcements_consent_at', 'id'])
    .execute();

  for (const name of ['due_soon_notice_at', 'overdue_notice_at'])
    await db.schema.alterTable('loans').addColumn(name, 'text').execute();

  // Notices remember their patron only until delivery, to flag an address the server refuses.
  for (const name of ['patron_id', 'reply_to', 'headers'])
    await db.schema.alterTable('outbox').addColumn(name, 'text').execute();

  await db.schema
    .createTable('announcements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('announcement_recipients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('announcement_id', 'text', (c) =>
      c.notNull().references('announcements.id').onDelete('cascade'),
    )
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('announcement_recipients_once', ['announcement_id', 'patron_id'])
    .execute();
  await db.schema
    .createIndex('announcement_recipients_patron_idx')
    .on('announcement_recipients')
    .column('patron_id')
    .execute();

  await db.schema
    .createTable('questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('reply_name', 'text')
    .addColumn('region', 'text')
    .addColumn('zip', 'text')
    .addColumn('zip3', 'text')
    .addColumn('category', 'text')
    .addColumn('effort', 'integer')
    .addColumn('claimed_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_activity_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('scrubbed_at', 'text')
    .addCheckConstraint('questions_effort', sql`effort is null or (effort between 1 and 6)`)
    .execute();
  await db.schema
    .createIndex('questions_status_idx')
    .on('questions')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('questions_scrub_idx')
    .on('questions')
    .columns(['scrubbed_at', 'last_activity_at'])
    .execute();

  await db.schema
    .createTable('question_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('question_id', 'text', (c) => c.notNull().references('questions.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('question_messages_question_idx')
    .on('question_messages')
    .columns(['question_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('question_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('question_id', 'text', (c) => c.notNull().references('questions.id').onDelete('cascade'))
    .addColumn('staff_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('question_notes_question_idx')
    .on('question_notes')
    .column('question_id')
    .execute();

  await db.schema
    .createTable('faq_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('published_by', 'text')
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'faq_entries',
    'question_notes',
    'question_messages',
    'questions',
    'announcement_recipients',
    'announcements',
  ])
    await db.schema.dropTable(t).execute();
  for (const c of ['patron_id', 'reply_to', 'headers'])
    await db.schema.alterTable('outbox').dropColumn(c).execute();
  for (const c of ['due_soon_notice_at', 'overdue_notice_at'])
    await db.schema.alterTable('loans').dropColumn(c).execute();
  await db.schema.dropIndex('patrons_announcements_idx').execute();
  for (const c of ['notice_email', 'notice_titles', 'email_undeliverable_at', 'announcements_consent_at'])
    await db.schema.alterTable('patrons').dropColumn(c).execute();
}
