// MARC 21 bibliographic record → the columns of a bib_records row. Pure functions: the importer,
// the demo catalog and the tests share them. What each column is taken from is documented in
// docs/cataloging.md; keep the two in step.
import type { MarcField, MarcRecord } from '../marc/record.ts';
import { formatOf, type FormatCode } from './formats.ts';

/** What the importer stores for one record (ids and timestamps are added by the service). */
export interface BibDraft {
  controlNumber: string;
  title: string;
  author: string | null;
  format: FormatCode;
  language: string | null;
  pubYear: number | null;
  publisher: string | null;
  isbn: string | null;
  issn: string | null;
  subjects: string | null;
  series: string | null;
  notes: string | null;
  /** The whole record as JSON ({ leader, fields }). */
  marc: string;
}

export type MapResult = { ok: true; bib: BibDraft } | { ok: false; reason: SkipReason };

/** Why a readable bibliographic record is not imported. */
export type SkipReason = 'no control number' | 'no title';

/** Subfields that carry links and sources, not text a reader sees. */
const CONTROL_SUBFIELDS = new Set(['0', '1', '2', '3', '4', '5', '6', '8']);

/** Fields by tag, built once per record: the mapping looks up a dozen tags. */
const byTag = new WeakMap<MarcRecord, Map<string, MarcField[]>>();
function fieldsOf(r: MarcRecord, tag: string): MarcField[] {
  let index = byTag.get(r);
  if (!index) {
    index = new Map();
    for (const f of r.fields) {
      const list = index.get(f.tag);
      if (list) list.push(f);
      else index.set(f.tag, [f]);
    }
    byTag.set(r, index);
  }
  return index.get(tag) ?? [];
}
const controlValue = (r: MarcRecord, tag: string): string | undefined =>
  fieldsOf(r, tag).find((f) => f.value !== undefined)?.value;
const sub = (f: MarcField, codes: string): string[] =>
  (f.subfields ?? []).filter((s) => codes.includes(s.code)).map((s) => s.value);
const nfc = (s: string): string => s.normalize('NFC');

/**
 * Removes the ISBD punctuation that ends a MARC subfield (" /", " :", " ;", ",", " =") and a
 * final full stop, except after an initial ("Dickens, C.") or an ellipsis.
 */
export function trimPunctuation(text: string): string {
  let s = text.replace(/\s+/g, ' ').trim();
  s = s.replace(/[\s/:;,=]+$/u, '');
  if (s.endsWith('.') && !s.endsWith('...') && !/(^|[\s.])\p{Lu}\.$/u.test(s)) s = s.slice(0, -1).trimEnd();
  return s.replace(/[\s/:;,=]+$/u, '');
}

const joinText = (parts: string[]): string =>
  trimPunctuation(
    parts
      .map((p) => p.trim())
      .filter(Boolean)
      .join(' '),
  );

/** 245 $a $b $n $p, e.g. "Songs of the 60's : piano, vocal, guitar". */
function titleOf(r: MarcRecord): string {
  const f = fieldsOf(r, '245')[0];
  return f ? nfc(joinText(sub(f, 'abnp'))) : '';
}

/** A name heading without relator terms, linkage or identifiers, e.g. "Lovano, Joe, 1952-". */
const nameOf = (f: MarcField): string =>
  nfc(
    joinText(
      (f.subfields ?? []).filter((s) => !CONTROL_SUBFIELDS.has(s.code) && s.code !== 'e').map((s) => s.value),
    ),
  );

function authorOf(r: MarcRecord): string | null {
  for (const tag of ['100', '110', '111', '700', '710', '711']) {
    const f = fieldsOf(r, tag)[0];
    if (f) {
      const name = nameOf(f);
      if (name) return name;
    }
  }
  return null;
}

function languageOf(r: MarcRecord, f008: string | undefined): string | null {
  const code = f008?.slice(35, 38).toLowerCase();
  if (code && /^[a-z]{3}$/.test(code)) return code;
  const from041 = fieldsOf(r, '041')
    .flatMap((f) => sub(f, 'a'))
    .map((v) => v.trim().toLowerCase().slice(0, 3))
    .find((v) => /^[a-z]{3}$/.test(v));
  return from041 ?? null;
}

const YEAR = /(?:^|\D)(1[0-9]{3}|20[0-9]{2})(?!\d)/;

function pubYearOf(r: MarcRecord, f008: string | undefined): number | null {
  const y = f008?.slice(7, 11);
  if (y && /^[0-9]{4}$/.test(y) && y !== '0000' && y !== '9999') return Number(y);
  // RDA's 264 with second indicator 1 is the publication statement; older records have 260.
  const statements = [...fieldsOf(r, '264').filter((f) => f.ind2 === '1'), ...fieldsOf(r, '260')];
  for (const f of statements)
    for (const c of sub(f, 'c')) {
      const m = YEAR.exec(c);
      if (m) return Number(m[1]);
    }
  return null;
}

function publisherOf(r: MarcRecord): string | null {
  const statements = [...fieldsOf(r, '264').filter((f) => f.ind2 === '1'), ...fieldsOf(r, '260')];
  for (const f of statements) {
    const b = sub(f, 'b')[0];
    if (b && trimPunctuation(b)) return nfc(trimPunctuation(b));
  }
  return null;
}

const unique = (values: string[]): string[] => [...new Set(values.filter(Boolean))];
const lines = (values: string[]): string | null => (values.length ? unique(values).join('\n') : null);
const words = (values: string[]): string | null => (values.length ? unique(values).join(' ') : null);

/**
 * An ISBN as digits (and a final X), from text like "0-553-26847-3 (pbk.) :". Only 10- or
 * 13-character results are kept; anything else (price codes, typos of another length) is dropped.
 */
export function normalizeIsbn(text: string): string | null {
  const token = text.trim().split(/[\s(:;]/)[0] ?? '';
  const isbn = token.replace(/-/g, '').toUpperCase();
  return /^(?:[0-9]{9}[0-9X]|97[89][0-9]{10})$/.test(isbn) ? isbn : null;
}

/** An ISSN as "1234-567X", or null. */
export function normalizeIssn(text: string): string | null {
  const m = /^\s*([0-9]{4})-?([0-9]{3}[0-9Xx])\b/.exec(text);
  return m ? `${m[1]}-${m[2]!.toUpperCase()}` : null;
}

/** Subject headings (6XX): subdivisions joined with " -- ", one heading per entry. */
function subjectsOf(r: MarcRecord): string[] {
  return r.fields
    .filter((f) => f.tag.startsWith('6') && f.subfields)
    .map((f) =>
      (f.subfields ?? [])
        .filter((s) => !CONTROL_SUBFIELDS.has(s.code) && s.code !== 'e')
        .map((s) => nfc(trimPunctuation(s.value)))
        .filter(Boolean)
        .join(' -- '),
    )
    .filter(Boolean);
}

/** Series statements (490, and the obsolete 440 still common in old exports) and added entries (8XX). */
function seriesOf(r: MarcRecord): string[] {
  return r.fields
    .filter((f) => ['440', '490', '800', '810', '811', '830'].includes(f.tag))
    .map((f) =>
      nfc(
        joinText(
          f.tag === '490' || f.tag === '440' || f.tag === '830' ? sub(f, 'anpv') : sub(f, 'abcdqtnpv'),
        ),
      ),
    )
    .filter(Boolean);
}

/** Notes (5XX) in record order: contents (505), summary (520), general notes (500) and the rest. */
function notesOf(r: MarcRecord): string[] {
  return r.fields
    .filter((f) => f.tag.startsWith('5') && f.subfields)
    .map((f) =>
      nfc(
        (f.subfields ?? [])
          .filter((s) => !CONTROL_SUBFIELDS.has(s.code))
          .map((s) => s.value.trim())
          .filter(Boolean)
          .join(' '),
      ),
    )
    .filter(Boolean);
}

/** The record's control number: 001, else the first 035 $a (both trimmed). */
export function controlNumberOf(r: MarcRecord): string | null {
  const c001 = controlValue(r, '001')?.trim();
  if (c001) return c001;
  const c035 = fieldsOf(r, '035')
    .flatMap((f) => sub(f, 'a'))
    .map((v) => v.trim())
    .find(Boolean);
  return c035 ?? null;
}

/** Maps a bibliographic record; a record without a control number or a title is refused with why. */
export function mapBibRecord(r: MarcRecord): MapResult {
  const controlNumber = controlNumberOf(r);
  if (!controlNumber) return { ok: false, reason: 'no control number' };
  const title = titleOf(r);
  if (!title) return { ok: false, reason: 'no title' };
  const f008 = controlValue(r, '008');
  const isbns = fieldsOf(r, '020')
    .flatMap((f) => sub(f, 'a'))
    .map(normalizeIsbn)
    .filter((v): v is string => v !== null);
  const issns = fieldsOf(r, '022')
    .flatMap((f) => sub(f, 'a'))
    .map(normalizeIssn)
    .filter((v): v is string => v !== null);
  return {
    ok: true,
    bib: {
      controlNumber: nfc(controlNumber).slice(0, 100),
      title,
      author: authorOf(r),
      format: formatOf(r),
      language: languageOf(r, f008),
      pubYear: pubYearOf(r, f008),
      publisher: publisherOf(r),
      isbn: words(isbns),
      issn: words(issns),
      subjects: lines(subjectsOf(r)),
      series: lines(seriesOf(r)),
      notes: lines(notesOf(r)),
      marc: JSON.stringify({ leader: r.leader, fields: r.fields }),
    },
  };
}
