// Data inventory entries for loans, holds, reading history and circulation counts (G1, C1–C4).
// Loans and holds have no age rule: the event that ends them deletes them in its own transaction.
import type { PersonalColumn, TableEntry } from '../../privacy/inventory.ts';

const loanColumn = (description: string, purpose: string): PersonalColumn => ({
  personal: true,
  category: 'borrowing',
  description,
  purpose,
  clauses: ['C1'],
  retention: 'loans.checked_in',
  readableBy: ['circulation', 'admin'],
  inExport: true,
});

const holdColumn = (description: string, purpose: string): PersonalColumn => ({
  personal: true,
  category: 'borrowing',
  description,
  purpose,
  clauses: ['C4'],
  retention: 'holds.closed',
  readableBy: ['circulation', 'admin'],
  inExport: true,
});

const historyColumn = (description: string): PersonalColumn => ({
  personal: true,
  category: 'borrowing',
  description,
  purpose: 'Your own record of what you read, because you asked for it (C3).',
  clauses: ['C3'],
  retention: 'reading_history.deleted',
  // C3: no staff screen shows a patron's past loans.
  readableBy: [],
  inExport: true,
});

export function circulationInventory(): TableEntry[] {
  return [
    {
      table: 'loans',
      description: 'Items currently checked out, and to whom. A row exists only while the item is out.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the loan.' },
        item_id: loanColumn('Which copy you have out.', 'Knowing what is out and when it is due.'),
        patron_id: loanColumn('Who has the copy.', 'Knowing what is out and when it is due.'),
        branch_code: { personal: false, description: 'Branch where the copy was checked out.' },
        checked_out_at: loanColumn('When you checked the copy out.', 'Loan periods and renewals.'),
        due_at: loanColumn('When the copy is due back.', 'Due dates and notices.'),
        renewals: loanColumn('How often you renewed it.', 'Renewal limits.'),
        due_soon_notice_at: loanColumn(
          'When the "due soon" e-mail went out for this loan.',
          'Sending each notice once (N2).',
        ),
        overdue_notice_at: loanColumn(
          'When the "overdue" e-mail went out for this loan.',
          'Sending each notice once (N2).',
        ),
      },
      retention: [
        {
          id: 'loans.checked_in',
          description:
            'A loan is deleted the moment the item is checked in (or marked lost); only a count without any patron is kept (C1, C2).',
          event: 'check-in',
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'patron_id' }, dateColumn: 'checked_out_at' },
    },
    {
      table: 'holds',
      description:
        'Requests for items, and who asked. A row exists only until pickup, cancellation or expiry.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the hold.' },
        patron_id: holdColumn('Who asked for the title.', 'Filling holds in order.'),
        bib_id: holdColumn('Which title you asked for.', 'Filling holds in order.'),
        item_id: holdColumn('Which copy, if you asked for a specific one.', 'Filling holds in order.'),
        pickup_branch: holdColumn('Where you will pick it up.', 'Sending the copy to the right branch.'),
        placed_at: holdColumn('When you placed the hold.', 'First come, first served.'),
        status: holdColumn('Waiting, suspended, in transit or ready.', 'Showing where your hold is.'),
        suspended_until: holdColumn('Until when you paused the hold.', 'Skipping you while paused.'),
        trapped_item_id: holdColumn('The copy caught for you.', 'Putting it on the hold shelf.'),
        trapped_at: holdColumn('When the copy was caught for you.', 'Hold-shelf expiry.'),
        shelf_expires_at: holdColumn('Last day to pick it up.', 'Hold-shelf expiry.'),
        pickup_code: holdColumn(
          'Code on the hold-shelf slip instead of your name (C4).',
          'Finding your hold without showing your name.',
        ),
      },
      retention: [
        {
          id: 'holds.closed',
          description:
            'A hold is deleted at pickup, cancellation or expiry of its shelf time; only counts without any patron are kept (C4).',
          event: 'pickup, cancellation or expiry',
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'patron_id' }, dateColumn: 'placed_at' },
    },
    {
      table: 'reading_history',
      description: 'Titles a patron returned, kept only for patrons who turned reading history on (C3).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the entry.' },
        patron_id: historyColumn('Whose history it is.'),
        bib_id: historyColumn('The title you returned.'),
        returned_on: historyColumn('The day you returned it.'),
      },
      retention: [
        {
          id: 'reading_history.deleted',
          description:
            'Kept only while you keep reading history on. Turning it off deletes all of it at once; you can delete single entries at any time; closing the account deletes it.',
          event: 'opt-out, deletion by the patron or account closure',
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'patron_id' }, dateColumn: 'returned_on' },
    },
    {
      table: 'circulation_counts',
      description:
        'Circulation statistics: counts per day, branch, material type and action, with no patron (C2).',
      primaryKey: 'key',
      columns: {
        key: {
          personal: false,
          description:
            'Day, branch, material type, action and a shard number (a count is split over a few rows).',
        },
        day: { personal: false, description: 'The day counted.' },
        branch_code: { personal: false, description: 'The branch.' },
        material_type: { personal: false, description: 'The material type.' },
        action: { personal: false, description: 'Check-out, check-in, renewal, hold placed, …' },
        count: { personal: false, description: 'How many times.' },
      },
      retention: [],
    },
    {
      table: 'circulation_overrides',
      description: 'Loan rules a staff member overrode, with the reason; no patron and no item are recorded.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the override.' },
        staff_id: {
          personal: true,
          category: 'activity',
          description: 'The staff member who overrode a rule.',
          purpose: 'Accountability for exceptions to loan rules.',
          clauses: ['A6'],
          retention: 'circulation_overrides.expired',
          readableBy: ['admin', 'privacy-officer'],
          inExport: false,
        },
        branch_code: { personal: false, description: 'Branch of the desk.' },
        rule: { personal: false, description: 'Which rule was overridden, e.g. loan limit.' },
        reason: {
          personal: true,
          category: 'activity',
          description: 'The reason the staff member gave (staff are told not to name the patron).',
          purpose: 'Accountability for exceptions to loan rules.',
          clauses: ['A6'],
          retention: 'circulation_overrides.expired',
          readableBy: ['admin', 'privacy-officer'],
          inExport: false,
        },
        created_at: { personal: false, description: 'When.' },
      },
      retention: [
        {
          id: 'circulation_overrides.expired',
          description: 'A record of an overridden loan rule is deleted after one year.',
          after: 'created_at',
          period: { days: 365 },
        },
      ],
    },
  ];
}
