// The staff access log (A6): every staff view of a patron record writes who, when, which patron
// and why. It never holds a title or subject; only the privacy officer reads it.
// Its SQL (writing an entry, reading a page) is in access-log.repository.ts.

export const accessPurposes = {
  circulation: 'Check-out, check-in or renewal at the desk',
  holds: 'Placing or managing holds for the patron',
  'account-help': 'Helping the patron with the account',
  registration: 'Registering or updating the patron',
  'card-renewal': 'Renewing the card',
  block: 'Blocking or unblocking the card',
  'pin-reset': 'Resetting the PIN after checking ID',
  closure: 'Closing the account at the patron’s request',
} as const;
export type AccessPurpose = keyof typeof accessPurposes;

/** Purposes written by machines, never offered to staff (issue 14 item 8: the SIP2 server). */
export const machinePurposes = {
  sip2: 'A self-check machine (SIP2) looking the patron up',
} as const;
/** Any purpose an access-log entry may carry. */
export type LoggedPurpose = AccessPurpose | keyof typeof machinePurposes;

/** A logged purpose in words, for the access log page. */
export const purposeLabel = (purpose: string): string =>
  (accessPurposes as Record<string, string>)[purpose] ??
  (machinePurposes as Record<string, string>)[purpose] ??
  purpose;

export const isAccessPurpose = (v: unknown): v is AccessPurpose =>
  typeof v === 'string' && Object.hasOwn(accessPurposes, v);

export interface AccessLogEntry {
  id: string;
  viewedAt: string;
  purpose: string;
  staffId: string;
  /** Null when the staff account no longer exists. */
  staffName: string | null;
  staffUsername: string | null;
  patronId: string;
  /** Null when the account has since been closed or lapsed. */
  cardNumber: string | null;
}

export interface AccessLogFilter {
  patronId?: string;
  staffId?: string;
  /** Inclusive ISO lower bound. */
  fromIso?: string;
  /** Exclusive ISO upper bound. */
  toIso?: string;
}
