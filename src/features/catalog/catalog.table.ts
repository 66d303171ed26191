// Kysely row types for the catalog: bibliographic records and the items (copies) that belong to them.
export interface BibRecordTable {
  id: string;
  /** The record's control number (MARC 001); a re-import with the same number updates the record. */
  control_number: string;
  title: string;
  author: string | null;
  /** Carrel's format code derived from the leader and 007/008, e.g. book, music-recording, video. */
  format: string;
  /** MARC language code (008/35-37), e.g. eng. */
  language: string | null;
  pub_year: number | null;
  publisher: string | null;
  /** Normalised ISBNs, space-separated. */
  isbn: string | null;
  issn: string | null;
  /** Subject headings, one per line. */
  subjects: string | null;
  series: string | null;
  notes: string | null;
  /** The whole record as JSON ({ leader, fields }), UTF-8 NFC, for the full description. */
  marc: string;
  created_at: string;
  updated_at: string;
}

export const itemStatuses = [
  'available',
  'on_loan',
  'in_transit',
  'on_hold_shelf',
  'lost',
  'damaged',
  'missing',
] as const;
export type ItemStatus = (typeof itemStatuses)[number];

export interface ItemTable {
  id: string;
  bib_id: string;
  barcode: string;
  call_number: string | null;
  branch_code: string;
  /** Shelving location within the branch, e.g. "Adult fiction". */
  location: string | null;
  /** Material type code used by loan rules, e.g. book, dvd. */
  material_type: string;
  status: ItemStatus;
  /** Branch an in-transit item is travelling to, or whose hold shelf it is on. */
  transit_to: string | null;
  created_at: string;
  updated_at: string;
}

// This feature's tables in the database type (src/db/schema.ts), added by declaration merging so
// that shared code imports no feature (issue 13 part 1).
declare module '../../db/schema.ts' {
  interface DB {
    bib_records: BibRecordTable;
    items: ItemTable;
  }
}
