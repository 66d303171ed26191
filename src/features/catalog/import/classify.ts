// The CPU-bound half of an import: records read from a source are sorted into records to write
// (mapped, with their copies) and records skipped with why. Plain data in and out, so it runs in
// the importing thread or in a worker thread (parse-worker.ts) alike.
import { recordKind } from '../marc/record.ts';
import { holdingsOf, type ItemDraft } from './holdings.ts';
import { mapBibRecord, type BibDraft } from './map-record.ts';
import type { SourceRecord } from './sources.ts';

/** Reasons under which whole records are skipped, as counted in the summary. */
export const SKIP = {
  unreadable: 'unreadable record',
  authority: 'authority record',
  holdings: 'holdings record',
  other: 'not a bibliographic record',
} as const;

/** Where a record is: its number in the source and its byte or line position. */
export interface RecordPosition {
  record: number;
  position: string;
}

export type Classified =
  | {
      type: 'bib';
      at: RecordPosition;
      bib: BibDraft;
      items: ItemDraft[];
      /** Holdings fields that make no copy, with why. */
      itemProblems: string[];
    }
  | {
      type: 'skip';
      at: RecordPosition;
      /** The summary's reason (a key of the skipped counts). */
      reason: string;
      /** What to list for the record, when it is worth listing (authority records are only counted). */
      detail?: string;
    };

/** Sorts one record read from a source. */
export function classify(r: SourceRecord, withItems: boolean): Classified {
  const at = { record: r.number, position: r.position };
  if (!r.ok) return { type: 'skip', at, reason: SKIP.unreadable, detail: r.reason };
  const kind = recordKind(r.record.leader);
  if (kind === 'authority') return { type: 'skip', at, reason: SKIP.authority };
  if (kind === 'holdings') return { type: 'skip', at, reason: SKIP.holdings };
  if (kind === 'other')
    return {
      type: 'skip',
      at,
      reason: SKIP.other,
      detail: `not a bibliographic record (leader/06 "${r.record.leader[6] ?? ''}")`,
    };
  const mapped = mapBibRecord(r.record);
  if (!mapped.ok) return { type: 'skip', at, reason: mapped.reason, detail: mapped.reason };
  if (!withItems) return { type: 'bib', at, bib: mapped.bib, items: [], itemProblems: [] };
  const h = holdingsOf(r.record, mapped.bib.format);
  return { type: 'bib', at, bib: mapped.bib, items: h.items, itemProblems: h.problems };
}
