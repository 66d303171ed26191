// The director flag on staff accounts (issue 15 item 2; L2): an administrator so flagged decides
// emergency requests with counsel. Off for everyone until an operator sets it with
// `carrel staff director USERNAME --on`. Frozen in time like every migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('staff')
    .addColumn('is_director', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('staff').dropColumn('is_director').execute();
}
