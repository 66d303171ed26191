// Copies (items) described inside a bibliographic record: MARC 21 852 (location) and the 949
// local field as SirsiDynix Unicorn/Symphony exports write it. The mapping is in docs/cataloging.md.
import type { MarcField, MarcRecord } from '../marc/record.ts';
import {
  materialTypeForFormat,
  materialTypeFromItemType,
  type FormatCode,
  type MaterialType,
} from './formats.ts';

/** A copy as found in a holdings field, before it is checked against the library's branches. */
export interface ItemDraft {
  tag: '852' | '949';
  barcode: string;
  callNumber: string | null;
  /** The branch or library code written in the field, if any. */
  branchInField: string | null;
  location: string | null;
  materialType: MaterialType;
}

export interface HoldingsResult {
  items: ItemDraft[];
  /** Fields that describe no usable copy, with why (e.g. no barcode). */
  problems: string[];
}

const first = (f: MarcField, code: string): string | null => {
  const v = f.subfields?.find((s) => s.code === code)?.value.trim();
  return v ? v.normalize('NFC') : null;
};
const joined = (f: MarcField, codes: string): string | null => {
  const v = (f.subfields ?? [])
    .filter((s) => codes.includes(s.code))
    .map((s) => s.value.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
  return v ? v.normalize('NFC') : null;
};

/** Barcodes are printed labels: letters, digits and a few separators, at most 64 characters. */
export const BARCODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Reads every 852 and 949 of the record into item drafts; `format` gives the default material type. */
export function holdingsOf(r: MarcRecord, format: FormatCode): HoldingsResult {
  const items: ItemDraft[] = [];
  const problems: string[] = [];
  const fallbackType = materialTypeForFormat[format];
  for (const f of r.fields) {
    if (f.tag !== '852' && f.tag !== '949') continue;
    let draft: Omit<ItemDraft, 'barcode'> & { barcode: string | null };
    if (f.tag === '852') {
      // $b sublocation/collection (the branch), else $a the institution; $c shelving location;
      // $k prefix, $h classification, $i item part, $m suffix make the call number ($j if none).
      draft = {
        tag: '852',
        barcode: first(f, 'p'),
        callNumber: joined(f, 'khim') ?? first(f, 'j'),
        branchInField: first(f, 'b') ?? first(f, 'a'),
        location: first(f, 'c'),
        materialType: fallbackType,
      };
    } else {
      // Sirsi 949: $a call number, $i barcode, $m library (branch), $l home location, $t item type.
      draft = {
        tag: '949',
        barcode: first(f, 'i'),
        callNumber: first(f, 'a'),
        branchInField: first(f, 'm'),
        location: first(f, 'l'),
        materialType: materialTypeFromItemType(first(f, 't') ?? undefined) ?? fallbackType,
      };
    }
    if (!draft.barcode) {
      problems.push(`${f.tag} without a barcode (${f.tag === '852' ? '$p' : '$i'}): copy not added`);
      continue;
    }
    if (!BARCODE.test(draft.barcode)) {
      problems.push(
        `${f.tag} barcode "${draft.barcode.slice(0, 70)}" is not a valid barcode: copy not added`,
      );
      continue;
    }
    items.push({ ...draft, barcode: draft.barcode, callNumber: draft.callNumber?.slice(0, 200) ?? null });
  }
  return { items, problems };
}
