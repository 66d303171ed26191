// SQL for the JSON API's health check: whether the database answers at all.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** Resolves when the database answers a trivial query; rejects when it cannot be reached. */
export async function pingDatabase(db: Kysely<DB>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
