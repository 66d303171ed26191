// A waiting-list ticket taken without a card can be claimed at the computer it is called to, with
// its ticket number and a 4-digit claim code (issue 14 fix item 1; P2). The code itself is never
// stored (it is derived from the server's secret and the ticket's random id); this flag only says
// the ticket was confirmed there, so the next sign-in at that computer while the hold lasts serves
// it. Frozen in time like every migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('pc_waitlist')
    .addColumn('is_claimed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pc_waitlist').dropColumn('is_claimed').execute();
}
