// One signed-in SIP2 connection as the message handlers see it (issue 14 item 8).
import type { Sip2Actor } from '../../auth/actors.ts';
import type { Sip2Account } from './sip2.accounts.ts';

export interface Sip2Session {
  account: Sip2Account;
  /** The machine's address, used only in memory for throttle keys. */
  address: string;
  /** The actor the circulation services see. */
  actor: Sip2Actor;
  /** The transaction date for a reply: now, as library time. */
  now(): string;
  /** A date (ISO) as a SIP2 date in library time. */
  date(isoText: string): string;
}
