// Desk state and one-time messages kept on the server, not in URLs (issue 12 items 1 and 2).
// A staff session remembers the patron open at the circulation desk (so no card number or patron
// id travels in a URL next to a title), and both kinds of session hold the one message to show
// after a redirect (so no banner text can be put in a link). Both go with the session, and the
// desk's patron is forgotten when that patron's account is deleted.
// Frozen in time like every migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('staff_sessions')
    .addColumn('desk_patron_id', 'text', (c) => c.references('patrons.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('staff_sessions').addColumn('flash', 'text').execute();
  await db.schema.alterTable('patron_sessions').addColumn('flash', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('patron_sessions').dropColumn('flash').execute();
  await db.schema.alterTable('staff_sessions').dropColumn('flash').execute();
  await db.schema.alterTable('staff_sessions').dropColumn('desk_patron_id').execute();
}
