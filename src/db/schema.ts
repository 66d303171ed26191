// The database as Kysely sees it: one entry per table, typed by the feature that owns it.
import type {
  LoginThrottleTable,
  StaffRoleTable,
  StaffSessionTable,
  StaffTable,
} from '../features/staff/staff.table.ts';
import type { JobTable } from '../jobs/jobs.table.ts';
import type { LegalHoldTable, PurgeRunTable } from '../privacy/privacy.table.ts';

export interface DB {
  staff: StaffTable;
  staff_roles: StaffRoleTable;
  staff_sessions: StaffSessionTable;
  login_throttle: LoginThrottleTable;
  jobs: JobTable;
  purge_runs: PurgeRunTable;
  legal_holds: LegalHoldTable;
}
