// Outgoing e-mail (issue 4, first part) and PIN reset links (issue 3). Frozen in time like every
// migration. Message bodies live in `outbox` only until delivery (N3); `mail_counts` keeps the
// patron-free counts; `dev_mailbox` stands in for SMTP when none is configured.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text')
    .addColumn('subject', 'text')
    .addColumn('text_body', 'text')
    .addColumn('html_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_created_idx').on('outbox').column('created_at').execute();

  await db.schema
    .createTable('mail_counts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dev_mailbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dev_mailbox_created_idx').on('dev_mailbox').column('created_at').execute();

  await db.schema
    .createTable('pin_reset_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patron_id', 'text', (c) => c.notNull().references('patrons.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pin_reset_tokens_patron_idx')
    .on('pin_reset_tokens')
    .column('patron_id')
    .execute();
  await db.schema
    .createIndex('pin_reset_tokens_expires_idx')
    .on('pin_reset_tokens')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['pin_reset_tokens', 'dev_mailbox', 'mail_counts', 'outbox'])
    await db.schema.dropTable(t).execute();
}
