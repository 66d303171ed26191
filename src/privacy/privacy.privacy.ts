// Data inventory entries for the privacy core's own tables: purge runs and legal holds (G1).
import type { TableEntry } from './inventory.ts';

export function privacyInventory(): TableEntry[] {
  return [
    {
      table: 'purge_runs',
      description: 'A record of each purge: how many rows each rule removed, never whose.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the run.' },
        trigger: {
          personal: false,
          description: 'What started the run: the schedule, a staff member, or the command line.',
        },
        is_dry_run: { personal: false, description: 'Whether the run only counted.' },
        started_at: { personal: false, description: 'When the run started.' },
        finished_at: { personal: false, description: 'When the run finished.' },
        outcome: { personal: false, description: 'running, ok or failed.' },
        duration_ms: { personal: false, description: 'How long the run took.' },
        rule_counts: {
          personal: false,
          description: 'Per retention rule: rows removed and rows kept under a legal hold.',
        },
        longest_batch_ms: { personal: false, description: 'Longest single write of the run.' },
        error_code: { personal: false, description: 'Kind of error if the run failed.' },
      },
      retention: [
        {
          id: 'purge_runs.old',
          description: 'Purge-run records are kept for 400 days, to show a year of purging.',
          after: 'started_at',
          period: { days: 400 },
        },
      ],
    },
    {
      table: 'legal_holds',
      description:
        'Orders to preserve specific records under legal process; the purge engine skips exactly those records (G6).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the hold.' },
        case_ref: { personal: false, description: "The library's reference for the legal request." },
        reason: { personal: false, description: 'Why the hold was placed, e.g. the kind of process served.' },
        subject_kind: {
          personal: false,
          description: 'Whether the hold concerns a patron or a staff member.',
        },
        subject_id: {
          personal: true,
          category: 'legal',
          description: 'Which person the preserved records concern.',
          purpose: 'Preserving exactly the records named by valid legal process, and no others.',
          clauses: ['G6', 'L4'],
          retention: 'legal_holds.ended',
          readableBy: ['privacy-officer', 'counsel'],
          inExport: false,
        },
        table_name: { personal: false, description: 'Which kind of record is preserved, or all kinds.' },
        from_at: { personal: false, description: 'Start of the period preserved.' },
        to_at: { personal: false, description: 'End of the period preserved.' },
        created_by: { personal: false, description: 'Staff account that placed the hold.' },
        created_at: { personal: false, description: 'When the hold was placed.' },
        expires_at: { personal: false, description: 'When the hold lapses unless renewed.' },
        released_at: { personal: false, description: 'When the hold was released.' },
      },
      retention: [
        {
          id: 'legal_holds.ended',
          description: 'A legal hold is deleted 90 days after it was released.',
          after: 'released_at',
          period: { days: 90 },
          where: [{ column: 'released_at', op: 'is not null' }],
        },
        {
          id: 'legal_holds.lapsed',
          description: 'A legal hold that lapsed without renewal is deleted 90 days after it lapsed.',
          after: 'expires_at',
          period: { days: 90 },
          where: [{ column: 'released_at', op: 'is null' }],
        },
      ],
    },
  ];
}
