// Test data for the catalog search tests: records and copies written straight into the tables,
// as the MARC import writes them (plain INSERTs), so the search index must follow by itself.
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { newId } from '../../../ids.ts';

/**
 * Ids one millisecond apart at least, so fixtures sort in insertion order (UUIDv7 ids made in
 * the same millisecond sort at random, which made tests that order copies by id flaky).
 */
let lastMs = 0;
const orderedId = (): string => newId((lastMs = Math.max(Date.now(), lastMs + 1)));
import type { ItemStatus } from '../catalog.table.ts';
import type { MarcField, MarcRecord } from '../marc/record.ts';

export interface RecordSeed {
  title: string;
  author?: string | null;
  format?: string;
  language?: string | null;
  year?: number | null;
  publisher?: string | null;
  isbn?: string | null;
  issn?: string | null;
  subjects?: string[];
  series?: string | null;
  notes?: string | null;
  /** Extra MARC fields besides those made from the values above. */
  extraFields?: MarcField[];
}

const df = (tag: string, subfields: [string, string][], ind1 = ' ', ind2 = ' '): MarcField => ({
  tag,
  ind1,
  ind2,
  subfields: subfields.map(([code, value]) => ({ code, value })),
});

let seq = 0;
const now = '2026-03-02T15:00:00.000Z';

/** Inserts one bibliographic record with a MARC record made from the seed; returns its id. */
export async function insertRecord(db: Kysely<DB>, s: RecordSeed): Promise<string> {
  const id = orderedId();
  const fields: MarcField[] = [{ tag: '001', value: `t${++seq}` }];
  if (s.isbn) fields.push(df('020', [['a', s.isbn]]));
  if (s.author) fields.push(df('100', [['a', s.author]], '1'));
  fields.push(df('245', [['a', s.title]], '1', '0'));
  if (s.publisher || s.year)
    fields.push(
      df(
        '264',
        [
          ['b', s.publisher ?? ''],
          ['c', s.year ? String(s.year) : ''],
        ],
        ' ',
        '1',
      ),
    );
  if (s.series) fields.push(df('490', [['a', s.series]], '0'));
  if (s.notes) fields.push(df('500', [['a', s.notes]]));
  for (const subj of s.subjects ?? []) {
    const [a, ...rest] = subj.split(' -- ');
    fields.push(df('650', [['a', a ?? ''], ...rest.map((x): [string, string] => ['x', x])], ' ', '0'));
  }
  fields.push(...(s.extraFields ?? []));
  const marc: MarcRecord = { leader: '00000nam a2200000 i 4500', fields };
  await db
    .insertInto('bib_records')
    .values({
      id,
      control_number: `ctl-${id}`,
      title: s.title,
      author: s.author ?? null,
      format: s.format ?? 'book',
      language: s.language === undefined ? 'eng' : s.language,
      pub_year: s.year ?? null,
      publisher: s.publisher ?? null,
      isbn: s.isbn ?? null,
      issn: s.issn ?? null,
      subjects: s.subjects?.length ? s.subjects.join('\n') : null,
      series: s.series ?? null,
      notes: s.notes ?? null,
      marc: JSON.stringify(marc),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Inserts one copy of a record. */
export async function insertCopy(
  db: Kysely<DB>,
  bibId: string,
  branch: string,
  status: ItemStatus,
  extra: { callNumber?: string; location?: string } = {},
): Promise<string> {
  const id = orderedId();
  await db
    .insertInto('items')
    .values({
      id,
      bib_id: bibId,
      barcode: `b-${id}`,
      call_number: extra.callNumber ?? 'FIC',
      branch_code: branch,
      location: extra.location ?? 'Adult fiction',
      material_type: 'book',
      status,
      transit_to: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Inputs that must search (not fail): syntax of both databases' query languages, and junk. */
export const nastyInputs: string[] = [
  '"',
  '""',
  '"""',
  '"unbalanced phrase',
  'a"b"c',
  '*',
  '**',
  'a*',
  '*a',
  'NEAR',
  'NEAR(a b, 3)',
  'a NEAR b',
  'AND',
  'OR',
  'NOT',
  'AND OR NOT',
  'hamlet AND',
  'OR hamlet',
  'NOT hamlet',
  '-hamlet',
  '- -',
  'hamlet NOT',
  '((((',
  ')))',
  '(hamlet',
  'title:',
  'title:"',
  'title:*',
  ':',
  '::::',
  'foo:bar',
  '{title}: hamlet',
  '^hamlet',
  'title : hamlet',
  "'; DROP TABLE bib_records; --",
  "' OR 1=1 --",
  "hamlet' & !",
  '!',
  '<->',
  'a <-> b',
  'a:* & b:A',
  "\\'",
  '\\',
  '%_%',
  '\u0000\u0001\u0002hamlet\u0007',
  '\u202e\u200b\ufeff',
  '😀',
  '😀 hamlet 👍🏽',
  '\u0301',
  'e\u0301',
  'Ǆ ǅ ǆ',
  'İstanbul',
  'ß straße',
  '中文 日本語 한국어',
  'العربية',
  'עברית',
  '𝔥𝔞𝔪𝔩𝔢𝔱',
  'ｈａｍｌｅｔ',
  '978-0-14-044913-6',
  '0028-0836',
  '12345678901234567890123456789012345678901234567890',
  'x'.repeat(5000),
  'hamlet '.repeat(1500),
  '"a b c d e f g h i j k l m n o p q r s t u v w x y z"',
  'title:a author:b subject:c series:d notes:e isbn:f issn:g',
  '-title:hamlet',
  'title:"prince of" OR author:verne -jazz',
  '\ud800',
  '\udfff abc',
  '   ',
  '\t\n\r',
];
