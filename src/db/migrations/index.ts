// The ordered list of migrations. Add new ones at the end; never edit or reorder a released one.
import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-circulation.ts';
import * as m0003 from './0003-catalog-search.ts';
import * as m0004 from './0004-mail.ts';
import * as m0005 from './0005-notices-reference.ts';
import * as m0006 from './0006-webstats.ts';
import * as m0007 from './0007-items-availability-index.ts';
import * as m0008 from './0008-hold-counts-material-type.ts';
import * as m0009 from './0009-session-desk-and-flash.ts';
import * as m0010 from './0010-login-throttle-kind.ts';
import * as m0011 from './0011-public-computers.ts';
import * as m0012 from './0012-sip2-accounts.ts';
import * as m0013 from './0013-pc-ticket-claim.ts';
import * as m0014 from './0014-legal-cases.ts';
import * as m0015 from './0015-staff-director.ts';

export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-circulation': m0002,
  '0003-catalog-search': m0003,
  '0004-mail': m0004,
  '0005-notices-reference': m0005,
  '0006-webstats': m0006,
  '0007-items-availability-index': m0007,
  '0008-hold-counts-material-type': m0008,
  '0009-session-desk-and-flash': m0009,
  '0010-login-throttle-kind': m0010,
  '0011-public-computers': m0011,
  '0012-sip2-accounts': m0012,
  '0013-pc-ticket-claim': m0013,
  '0014-legal-cases': m0014,
  '0015-staff-director': m0015,
};
