// The record shape shared by the ISO 2709 and MARCXML readers, and small helpers over it. Both
// readers yield plain data (no classes) so records can be logged, compared and sent to workers.

export interface MarcSubfield {
  code: string;
  value: string;
}

/** A control field (tag 00X) has `value`; a data field has indicators and subfields. */
export interface MarcField {
  tag: string;
  ind1?: string;
  ind2?: string;
  subfields?: MarcSubfield[];
  value?: string;
}

export interface MarcRecord {
  leader: string;
  fields: MarcField[];
}

/**
 * One item from a reader: a record, or a record that could not be read, with where it starts (a
 * byte offset for ISO 2709, a "line:column" position for MARCXML) and why it was refused. `index`
 * counts every record seen, good or bad, from 0.
 */
export type ReadResult<Offset = number> =
  | { ok: true; record: MarcRecord; offset: Offset; index: number }
  | { ok: false; offset: Offset; index: number; reason: string };

export type RecordKind = 'bibliographic' | 'authority' | 'holdings' | 'other';

/** Leader/06 (type of record) values of the MARC 21 formats. */
const BIBLIOGRAPHIC_TYPES = new Set('acdefgijkmoprt');
const HOLDINGS_TYPES = new Set('uvxy');

/** Which MARC 21 format a record belongs to, from leader/06: an importer skips non-bibliographic. */
export function recordKind(leader: string): RecordKind {
  const type = leader[6] ?? '';
  if (BIBLIOGRAPHIC_TYPES.has(type)) return 'bibliographic';
  if (type === 'z') return 'authority';
  if (HOLDINGS_TYPES.has(type)) return 'holdings';
  return 'other'; // classification (w), community information (q), or garbage
}

/** Is this tag a control field (00X), which has a value and no indicators or subfields? */
export const isControlTag = (tag: string): boolean => tag.startsWith('00');

/** The values of subfield `code` in every field `tag`, in record order. */
export function subfieldValues(record: MarcRecord, tag: string, code: string): string[] {
  return record.fields
    .filter((f) => f.tag === tag)
    .flatMap((f) => (f.subfields ?? []).filter((s) => s.code === code).map((s) => s.value));
}
