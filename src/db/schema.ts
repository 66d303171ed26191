// The database as Kysely sees it: one entry per table, typed by the part that owns it. Shared
// parts (jobs, mail, privacy) list theirs here; each feature adds its own tables to DB from its
// <feature>.table.ts by declaration merging (`declare module '../../db/schema.ts'`), so this file
// imports no feature (issue 13 part 1). The migrations and the data inventory name every table.
import type { JobTable } from '../jobs/jobs.table.ts';
import type { PurgeRunTable, LegalHoldTable } from '../privacy/privacy.table.ts';
import type { OutboxTable, MailCountTable, DevMailboxTable } from '../mail/mail.table.ts';

export interface DB {
  jobs: JobTable;
  purge_runs: PurgeRunTable;
  legal_holds: LegalHoldTable;
  outbox: OutboxTable;
  mail_counts: MailCountTable;
  dev_mailbox: DevMailboxTable;
}
