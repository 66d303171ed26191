// The desk's view model, built field by field: a database row (a patron row carries pin_hash,
// notes and contact details) never reaches the desk page, so a new column cannot leak into it.
import type { PatronRow } from '../patrons/patrons.repository.ts';
import type { LoanListing } from './circulation.repository.ts';
import type { HoldListing } from './holds.repository.ts';
import type { HoldView } from './circulation.view-parts.tsx';

/** What the desk shows of the open patron. */
export interface DeskPatron {
  id: string;
  name: string;
  cardNumber: string;
  homeBranch: string;
  cardExpiresAt: string;
  openLoans: number;
}

/** What the desk shows of a current loan (never a past one, C3). */
export interface DeskLoan {
  id: string;
  title: string;
  barcode: string;
  dueAt: string;
  renewals: number;
}

export interface DeskModel {
  patron: DeskPatron | null;
  /** Why the patron may not borrow now, or null. */
  block: string | null;
  loans: DeskLoan[];
  holds: HoldView[];
}

export function presentDeskPatron(p: PatronRow): DeskPatron {
  return {
    id: p.id,
    name: p.name,
    cardNumber: p.card_number,
    homeBranch: p.home_branch,
    cardExpiresAt: p.card_expires_at,
    openLoans: p.open_loans,
  };
}

export function presentDeskLoan(l: LoanListing): DeskLoan {
  return { id: l.id, title: l.title, barcode: l.barcode, dueAt: l.dueAt, renewals: l.renewals };
}

export function presentDeskHold(h: HoldListing): HoldView {
  return {
    id: h.id,
    title: h.title,
    itemBarcode: h.itemBarcode,
    status: h.status,
    suspendedUntil: h.suspendedUntil,
    pickupCode: h.pickupCode,
    shelfExpiresAt: h.shelfExpiresAt,
    position: h.position,
    pickupBranch: h.pickupBranch,
  };
}

export function presentDesk(input: {
  patron: PatronRow | null;
  block: string | null;
  loans: readonly LoanListing[];
  holds: readonly HoldListing[];
}): DeskModel {
  return {
    patron: input.patron ? presentDeskPatron(input.patron) : null,
    block: input.block,
    loans: input.loans.map(presentDeskLoan),
    holds: input.holds.map(presentDeskHold),
  };
}
