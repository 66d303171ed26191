// Data inventory entries for law-enforcement case files (issue 15 item 6; G1, L1, L6). What a
// visitor said and handed over is kept encrypted under a key outside the database; a closed case
// file, with its log and attachments, is deleted LEGAL_CASE_YEARS after closing; open cases are kept.
import type { Config } from '../../config.ts';
import type { ColumnEntry, PolicyClause, TableEntry } from '../../privacy/inventory.ts';
import { plural } from '../../plural.ts';

const plain = (description: string): ColumnEntry => ({ personal: false, description });

const caseData = (
  description: string,
  retention: string,
  clauses: PolicyClause[] = ['L1', 'L6'],
): ColumnEntry => ({
  personal: true,
  category: 'legal',
  description,
  purpose: 'Handling a request by law enforcement and showing later how it was handled.',
  clauses,
  retention,
  readableBy: ['privacy-officer', 'counsel'],
  inExport: false,
});

const withCase = (table: string, what: string): TableEntry['retention'] => [
  { id: `${table}.with-case`, description: `${what} with its case file.`, event: 'case file deleted' },
];

export function legalInventory(config: Config): TableEntry[] {
  const years = config.legal.caseYears;
  return [
    {
      table: 'legal_cases',
      description: `Requests for records by law enforcement (subpoenas, warrants, informal requests): who came, from which agency, what they asked for. Everything they said is encrypted with a key kept apart from the database; only the privacy officer and the library's counsel can read it. A case file is deleted ${plural(years, 'year')} after the case is closed.`,
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        opened_at: plain('When the request was recorded.'),
        state: plain('Where the case stands (for example, under legal review).'),
        instrument: plain('What kind of legal process the visitor claimed to have.'),
        opened_by: caseData('The staff member who recorded the visit.', 'legal_cases.closed'),
        details: caseData(
          'Encrypted: the visitor’s name, agency, badge or ID and how it was checked, when they came, and what they asked for.',
          'legal_cases.closed',
        ),
        decisions: caseData(
          'Encrypted: what the case’s steps decided — counsel’s findings, who approved and who confirmed a release, the threat stated in an emergency and who decided it, what agents searched and took under a warrant.',
          'legal_cases.closed',
          ['L2', 'L6'],
        ),
        closed_at: plain('When the case was closed.'),
        last_hash: plain('A fingerprint of the case’s last log entry, so a removed entry is noticed.'),
      },
      retention: [
        {
          id: 'legal_cases.closed',
          description: `Deleted ${plural(years, 'year')} after the case is closed, with its log and files; a case not closed is kept.`,
          after: 'closed_at',
          period: { days: Math.ceil(years * 365.25) },
          where: [{ column: 'closed_at', op: 'is not null' }],
        },
      ],
    },
    {
      table: 'legal_case_events',
      description:
        'The log of each case: every step, who took it, when and why. Entries are only ever added, and each is chained to the one before by a fingerprint, so an edited or removed entry is detected.',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        case_id: plain('The case.'),
        seq: plain('Its place in the log.'),
        at: plain('When.'),
        actor_id: caseData('The staff member who took the step.', 'legal_case_events.with-case'),
        kind: plain('What kind of step.'),
        from_state: plain('The state before.'),
        to_state: plain('The state after.'),
        reason: caseData('Encrypted: why the step was taken.', 'legal_case_events.with-case'),
        prev_hash: plain('The fingerprint of the entry before.'),
        hash: plain('This entry’s fingerprint.'),
      },
      retention: withCase('legal_case_events', 'Deleted'),
    },
    {
      table: 'legal_case_attachments',
      description:
        'Scans and photos of the papers law enforcement showed, encrypted like the rest of the case file.',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        case_id: plain('The case.'),
        name: caseData('Encrypted: the file’s name.', 'legal_case_attachments.with-case'),
        media_type: plain('The kind of file (PDF, JPEG, PNG).'),
        content: caseData('Encrypted: the scan or photo.', 'legal_case_attachments.with-case'),
        sha256: plain('A fingerprint of the file, to show it was not changed.'),
        size: plain('Its size.'),
        added_at: plain('When it was added.'),
      },
      retention: withCase('legal_case_attachments', 'Deleted'),
    },
  ];
}
