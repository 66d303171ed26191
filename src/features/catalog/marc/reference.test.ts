// The readers against real exports in test/fixtures/marc/ (see its README.md) and against the
// reference converter, yaz-marcdump from Debian's `yaz` package: every record must be read, and
// its fields (245 $a, the title, first of all) must equal what yaz makes of it, after NFC.
// Without yaz the comparisons skip, unless CARREL_REQUIRE_YAZ=1 (CI), then they fail.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { marcDataDir, withoutYaz, YAZ_MARCDUMP } from '../../../../test/support/marc-data.ts';
import { readIso2709, type Iso2709Encoding } from './iso2709.ts';
import { readMarcXml } from './marcxml.ts';
import { recordKind, subfieldValues, type MarcField, type MarcRecord, type ReadResult } from './record.ts';

const dataDir = marcDataDir;

const records = <O>(results: Iterable<ReadResult<O>>): MarcRecord[] =>
  [...results].map((r) => {
    if (!r.ok) assert.fail(`record ${r.index} at ${JSON.stringify(r.offset)} refused: ${r.reason}`);
    return r.record;
  });

/** What yaz makes of the file, as MARCXML, read back with our MARCXML reader. */
function yazRecords(file: string, marc8: boolean): MarcRecord[] {
  const args = marc8 ? ['-f', 'MARC-8', '-t', 'UTF-8', '-o', 'marcxml', file] : ['-o', 'marcxml', file];
  const xml = execFileSync(YAZ_MARCDUMP, args, { maxBuffer: 256 * 1024 * 1024 });
  return records(readMarcXml(xml));
}

const nfcField = (f: MarcField): MarcField => ({
  ...f,
  ...(f.value !== undefined && { value: f.value.normalize('NFC') }),
  ...(f.subfields && { subfields: f.subfields.map((s) => ({ ...s, value: s.value.normalize('NFC') })) }),
});

/**
 * File, and how its data is encoded. FSL.marc and map_data.mrc are UTF-8 (README) although their
 * leader/09 is blank, which would mean MARC-8: real exports lie, hence the reader's override.
 */
const isoFiles: Array<[name: string, encoding: Iso2709Encoding, count: number]> = [
  ['lul_fre_500.mrc', 'marc-8', 500],
  ['jazz_1k.mrc', 'marc-8', 1000],
  ['FSL.marc', 'utf-8', 52],
  ['map_data.mrc', 'utf-8', 3],
  ...fs
    .readdirSync(path.join(dataDir, 'RDA'))
    .map((f): [string, Iso2709Encoding, number] => [`RDA/${f}`, 'leader', 1]),
];

describe('ISO 2709 reader against yaz-marcdump', () => {
  for (const [name, encoding, count] of isoFiles) {
    test(`${name}: every record read, titles and fields equal to yaz's`, (t) => {
      if (withoutYaz(t)) return;
      const file = path.join(dataDir, name);
      const ours = records(readIso2709(fs.readFileSync(file), { encoding }));
      const theirs = yazRecords(file, encoding === 'marc-8');
      assert.equal(ours.length, count);
      assert.equal(theirs.length, count);
      ours.forEach((rec, i) => {
        const title = subfieldValues(rec, '245', 'a');
        assert.ok(title.length > 0 && title.every((s) => s.trim() !== ''), `record ${i} has a title`);
        const ref = theirs[i]!;
        assert.deepEqual(
          title,
          subfieldValues(ref, '245', 'a').map((s) => s.normalize('NFC')),
          `245 $a of record ${i}`,
        );
        assert.deepEqual(rec.fields, ref.fields.map(nfcField), `fields of record ${i}`);
      });
    });
  }

  test('lul_fre_500.mrc: MARC-8 diacritics really occur and come out precomposed', () => {
    const titles = records(readIso2709(fs.readFileSync(path.join(dataDir, 'lul_fre_500.mrc')))).flatMap((r) =>
      subfieldValues(r, '245', 'a'),
    );
    assert.ok(titles.some((s) => /[éèç]/.test(s)));
    assert.ok(titles.every((s) => s === s.normalize('NFC')));
  });
});

describe('record kinds and MARCXML files', () => {
  test('auth-subset100.mrc holds only authority records (17 of them, despite its name)', () => {
    const recs = records(readIso2709(fs.readFileSync(path.join(dataDir, 'auth-subset100.mrc'))));
    const kinds = recs.map((r) => recordKind(r.leader));
    assert.equal(kinds.filter((k) => k === 'authority').length, 17);
    assert.equal(kinds.length, 17);
  });

  test('recordKind on leader/06', () => {
    const leader = (type: string) => `00000n${type}m a2200000 a 4500`;
    assert.equal(recordKind(leader('a')), 'bibliographic');
    assert.equal(recordKind(leader('j')), 'bibliographic');
    assert.equal(recordKind(leader('z')), 'authority');
    assert.equal(recordKind(leader('y')), 'holdings');
    assert.equal(recordKind(leader('w')), 'other');
    assert.equal(recordKind(''), 'other');
  });

  for (const [name, count] of [
    ['serials_marc21.xml', 7],
    ['badisbns.xml', 10],
  ] as const) {
    test(`${name}: ${count} records, each with a title`, () => {
      const recs = records(readMarcXml(fs.readFileSync(path.join(dataDir, name))));
      assert.equal(recs.length, count);
      for (const r of recs) assert.ok(subfieldValues(r, '245', 'a')[0]?.trim(), 'title present');
      assert.ok(recs.every((r) => recordKind(r.leader) === 'bibliographic'));
    });
  }
});
