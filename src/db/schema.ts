// The database as Kysely sees it: one entry per table, typed by the feature that owns it.
import type {
  LoginThrottleTable,
  StaffRoleTable,
  StaffSessionTable,
  StaffTable,
} from '../features/staff/staff.table.ts';
import type { BibRecordTable, ItemTable } from '../features/catalog/catalog.table.ts';
import type {
  CirculationCountTable,
  CirculationOverrideTable,
  HoldTable,
  LoanTable,
  ReadingHistoryTable,
} from '../features/circulation/circulation.table.ts';
import type {
  PatronAccessLogTable,
  PatronSessionTable,
  PatronTable,
  PinResetTokenTable,
} from '../features/patrons/patrons.table.ts';
import type {
  AnnouncementRecipientTable,
  AnnouncementTable,
} from '../features/announcements/announcements.table.ts';
import type {
  FaqEntryTable,
  QuestionMessageTable,
  QuestionNoteTable,
  QuestionTable,
} from '../features/reference/reference.table.ts';
import type {
  StatsDailyTable,
  StatsHourlyTable,
  StatsLogImportTable,
  StatsSaltTable,
  StatsVisitorTable,
} from '../features/webstats/webstats.table.ts';
import type { JobTable } from '../jobs/jobs.table.ts';
import type { DevMailboxTable, MailCountTable, OutboxTable } from '../mail/mail.table.ts';
import type { LegalHoldTable, PurgeRunTable } from '../privacy/privacy.table.ts';

export interface DB {
  staff: StaffTable;
  staff_roles: StaffRoleTable;
  staff_sessions: StaffSessionTable;
  login_throttle: LoginThrottleTable;
  jobs: JobTable;
  purge_runs: PurgeRunTable;
  legal_holds: LegalHoldTable;
  bib_records: BibRecordTable;
  items: ItemTable;
  patrons: PatronTable;
  patron_sessions: PatronSessionTable;
  patron_access_log: PatronAccessLogTable;
  loans: LoanTable;
  circulation_counts: CirculationCountTable;
  circulation_overrides: CirculationOverrideTable;
  reading_history: ReadingHistoryTable;
  holds: HoldTable;
  outbox: OutboxTable;
  mail_counts: MailCountTable;
  dev_mailbox: DevMailboxTable;
  pin_reset_tokens: PinResetTokenTable;
  announcements: AnnouncementTable;
  announcement_recipients: AnnouncementRecipientTable;
  questions: QuestionTable;
  question_messages: QuestionMessageTable;
  question_notes: QuestionNoteTable;
  faq_entries: FaqEntryTable;
  stats_salts: StatsSaltTable;
  stats_visitors: StatsVisitorTable;
  stats_hourly: StatsHourlyTable;
  stats_daily: StatsDailyTable;
  stats_log_imports: StatsLogImportTable;
}
