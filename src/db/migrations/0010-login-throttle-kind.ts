// Which kind of counter a login_throttle row is (issue 12 item 7): "patron-account",
// "staff-pair", "pin-reset-client" … — never whose. It lets the staff home page count the accounts
// taking failed sign-ins from many addresses at once without knowing which accounts they are.
// Rows written before this migration have '' until their next failure; they expire within a day.
// Frozen in time like every migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('login_throttle')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('login_throttle_kind_failures_idx')
    .on('login_throttle')
    .columns(['kind', 'failures'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('login_throttle_kind_failures_idx').execute();
  await db.schema.alterTable('login_throttle').dropColumn('kind').execute();
}
