// The two bit-string fixed fields: the 14-character patron status of 24/64 (a `Y` in a position
// means that privilege is denied or that limit reached, a space means not) and the 10-character
// summary of 63 (a `Y` in one position asks for that item list in the 64 reply).

/** Patron status positions, in wire order (SIP2 2.00). */
export const PATRON_STATUS_FLAGS = [
  'chargePrivilegesDenied',
  'renewalPrivilegesDenied',
  'recallPrivilegesDenied',
  'holdPrivilegesDenied',
  'cardReportedLost',
  'tooManyItemsCharged',
  'tooManyItemsOverdue',
  'tooManyRenewals',
  'tooManyClaimsOfItemsReturned',
  'tooManyItemsLost',
  'excessiveOutstandingFines',
  'excessiveOutstandingFees',
  'recallOverdue',
  'tooManyItemsBilled',
] as const;

export type PatronStatusFlag = (typeof PATRON_STATUS_FLAGS)[number];

/** The 14-character patron status with `Y` at each flag that is set. */
export function formatPatronStatus(flags: Iterable<PatronStatusFlag>): string {
  const set = new Set(flags);
  return PATRON_STATUS_FLAGS.map((f) => (set.has(f) ? 'Y' : ' ')).join('');
}

/** The flags set in a patron status field (`Y`, upper or lower case; anything else is not set). */
export function parsePatronStatus(status: string): Set<PatronStatusFlag> {
  return new Set(PATRON_STATUS_FLAGS.filter((_, i) => status[i] === 'Y' || status[i] === 'y'));
}

/** Summary positions of a 63 request, and the 64 list each one asks for. */
export const SUMMARY_LISTS = [
  'holdItems',
  'overdueItems',
  'chargedItems',
  'fineItems',
  'recallItems',
  'unavailableHoldItems',
] as const;

export type SummaryList = (typeof SUMMARY_LISTS)[number];

/** The 10-character summary asking for one list (or none). The guide allows only one at a time. */
export function formatSummary(list?: SummaryList): string {
  return SUMMARY_LISTS.map((l) => (l === list ? 'Y' : ' ')).join('') + '    ';
}

/** The list a summary asks for: the first `Y` position, as most servers read it. */
export function parseSummary(summary: string): SummaryList | undefined {
  return SUMMARY_LISTS.find((_, i) => summary[i] === 'Y' || summary[i] === 'y');
}
