// Mapping MARC records to catalog rows, on real exports in test/fixtures/marc/ and on small
// records built for one rule each.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readMarcXml } from '../marc/marcxml.ts';
import { readIso2709 } from '../marc/iso2709.ts';
import { subfieldValues, type MarcRecord } from '../marc/record.ts';
import { formatOf } from './formats.ts';
import { mapBibRecord, normalizeIsbn, trimPunctuation, type BibDraft } from './map-record.ts';
import { readSource, bufferSource, type EncodingChoice } from './sources.ts';
import { book, iso2709 } from '../../../../test/support/marc.ts';
import { marcDataDir, withoutYaz, YAZ_MARCDUMP } from '../../../../test/support/marc-data.ts';

const dataDir = marcDataDir;
const YAZ = YAZ_MARCDUMP;

/** Every record of a shared file through the importer's reader (auto encoding), all must be readable. */
async function read(name: string, encoding: EncodingChoice = 'auto'): Promise<MarcRecord[]> {
  const out: MarcRecord[] = [];
  for await (const r of readSource(bufferSource(name, fs.readFileSync(path.join(dataDir, name))), encoding)) {
    if (!r.ok) assert.fail(`${name} record ${r.number} (${r.position}): ${r.reason}`);
    out.push(r.record);
  }
  return out;
}

const mapped = (r: MarcRecord): BibDraft => {
  const m = mapBibRecord(r);
  if (!m.ok) assert.fail(`not mapped: ${m.reason}`);
  return m.bib;
};

function yazTitles(name: string, from: 'MARC-8' | 'UTF-8'): string[] {
  const xml = execFileSync(YAZ, ['-f', from, '-t', 'UTF-8', '-o', 'marcxml', path.join(dataDir, name)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...readMarcXml(xml)].map((r) => {
    if (!r.ok) assert.fail(r.reason);
    return (subfieldValues(r.record, '245', 'a')[0] ?? '').normalize('NFC');
  });
}

describe('encodings of the shared files, against yaz-marcdump', () => {
  for (const [name, from] of [
    ['jazz_1k.mrc', 'MARC-8'],
    ['lul_fre_500.mrc', 'MARC-8'],
    ['FSL.marc', 'UTF-8'],
    ['map_data.mrc', 'UTF-8'],
  ] as const) {
    test(`${name}: auto encoding gives yaz's ${from} titles, character for character`, async (t) => {
      if (withoutYaz(t)) return;
      const ours = (await read(name)).map((r) => subfieldValues(r, '245', 'a')[0] ?? '');
      assert.deepEqual(ours, yazTitles(name, from));
    });
  }

  test('FSL.marc: blank leader/09 but UTF-8 — Armenian and Cyrillic come out as such, not mojibake', async () => {
    const recs = await read('FSL.marc');
    assert.equal(recs.length, 52);
    assert.equal(recs[0]!.leader[9], ' ');
    const titles = recs.map((r) => mapped(r).title);
    assert.ok(
      titles.some((s) => /\p{Script=Armenian}/u.test(s)),
      'Armenian title',
    );
    assert.ok(
      titles.some((s) => /\p{Script=Cyrillic}/u.test(s)),
      'Cyrillic title',
    );
    assert.ok(
      titles.every((s) => !/[ÃÂ][\u0080-\u00ff]/.test(s)),
      'no UTF-8 read as Latin-1',
    );
    assert.ok(titles.every((s) => s === s.normalize('NFC')));
  });

  test('forcing MARC-8 on FSL.marc reports undecodable bytes instead of importing mojibake', async () => {
    const results = [];
    for await (const r of readSource(
      bufferSource('FSL', fs.readFileSync(path.join(dataDir, 'FSL.marc'))),
      'marc-8',
    ))
      results.push(r);
    const bad = results.filter((r) => !r.ok);
    assert.ok(bad.length > 0);
    for (const b of bad) if (!b.ok) assert.match(b.reason, /undecodable bytes/);
  });
});

describe('mapping real records', () => {
  test('jazz_1k.mrc first record: every column', async () => {
    const [first] = await read('jazz_1k.mrc');
    const b = mapped(first!);
    assert.equal(b.controlNumber, '03-0018137');
    assert.equal(b.title, 'Friendly fire');
    assert.equal(b.author, 'Lovano, Joe, 1952-');
    assert.equal(b.format, 'music-recording');
    assert.equal(b.language, 'eng');
    assert.equal(b.pubYear, 1999);
    assert.equal(b.publisher, 'Blue Note');
    assert.equal(b.subjects, 'Saxophone with jazz ensemble');
    assert.match(b.notes!, /^Geo J Lo -- The wild east/);
    const marc = JSON.parse(b.marc) as MarcRecord;
    assert.equal(marc.leader, first!.leader);
    assert.equal(marc.fields.length, first!.fields.length);
  });

  test('jazz_1k.mrc: series from 440, subjects one per line', async () => {
    const b = mapped((await read('jazz_1k.mrc'))[1]!);
    assert.equal(b.title, 'The incredible jazz guitar of Wes Montgomery');
    assert.equal(b.author, 'Montgomery, Wes, 1923-1968');
    assert.equal(b.series, 'Original jazz classics');
    assert.equal(b.subjects, 'Jazz\nGuitar with jazz ensemble');
    assert.equal(b.pubYear, 1960);
  });

  test('lul_fre_500.mrc: French diacritics precomposed (NFC) in titles and authors', async () => {
    const all = (await read('lul_fre_500.mrc')).map(mapped);
    assert.equal(all.length, 500);
    const withAccents = all.filter((b) => /[éèçàêô]/.test(b.title));
    assert.ok(withAccents.length > 20);
    assert.ok(all.every((b) => b.title === b.title.normalize('NFC')));
    assert.ok(all.filter((b) => b.language === 'fre').length > 400);
    const bossuet = all.find((b) => b.author?.startsWith('Bossuet'));
    assert.equal(bossuet?.author, 'Bossuet, Jacques Bénigne, 1627-1704');
  });

  test('RDA records: format from leader, 007 and 008', async () => {
    const expected: Record<string, string> = {
      'RDA_record_CD_Claudia.mrc': 'music-recording',
      'RDA_record_DVD-BLUE-RAY-MOVIE_Pineapple_express.mrc': 'video',
      'RDA_record_DVD_Jorge_Mautner.mrc': 'video',
      'RDA_record_MAP_2012_Enchanted_Circle.mrc': 'map',
      'RDA_record_PHOTO_Srid_pa_ho.mrc': 'visual',
      'RDA_record_SCORE-CD_Arias_for_soprano.mrc': 'score',
      'RDA_record_SCORE_Arias_for_bass.mrc': 'score',
      'RDA_record_SCORE_Intermediate_studies.mrc': 'score',
      'RDA_record_SCORE_Wiegenlied.mrc': 'score',
      'RDA_record_SERIAL_IEEE_International_conference.mrc': 'serial',
    };
    for (const [file, format] of Object.entries(expected)) {
      const [rec] = await read(`RDA/${file}`);
      const b = mapped(rec!);
      assert.equal(b.format, format, file);
      assert.ok(b.title.length > 0, `${file} has a title`);
    }
    const map = mapped((await read('RDA/RDA_record_MAP_2012_Enchanted_Circle.mrc'))[0]!);
    assert.equal(map.pubYear, 2012);
    const wiegenlied = mapped((await read('RDA/RDA_record_SCORE_Wiegenlied.mrc'))[0]!);
    assert.equal(wiegenlied.language, 'ger');
  });

  test('serials_marc21.xml: serial format, ISSNs normalised; the record without 001 or 035 is refused', async () => {
    const recs = [...readMarcXml(fs.readFileSync(path.join(dataDir, 'serials_marc21.xml')))].map((r) => {
      if (!r.ok) assert.fail(r.reason);
      return r.record;
    });
    const results = recs.map(mapBibRecord);
    assert.equal(results.filter((r) => !r.ok).length, 1);
    const refused = results.find((r) => !r.ok);
    assert.deepEqual(refused, { ok: false, reason: 'no control number' });
    const ok = results.flatMap((r) => (r.ok ? [r.bib] : []));
    assert.ok(ok.every((b) => b.format === 'serial'));
    assert.ok(ok.some((b) => b.issn && /^\d{4}-\d{3}[\dX]( \d{4}-\d{3}[\dX])*$/.test(b.issn)));
  });

  test('badisbns.xml: only well-formed ISBNs from 020 $a are kept, digits only, deduplicated', async () => {
    const all = [...readMarcXml(fs.readFileSync(path.join(dataDir, 'badisbns.xml')))].map((r) => {
      if (!r.ok) assert.fail(r.reason);
      return mapped(r.record);
    });
    assert.equal(all.length, 10);
    for (const b of all)
      if (b.isbn) assert.match(b.isbn, /^([0-9]{9}[0-9X]|[0-9]{13})( ([0-9]{9}[0-9X]|[0-9]{13}))*$/);
    assert.equal(all.find((b) => b.controlNumber === 'ocm69733027')?.isbn, '184533213X 9781845332136');
    assert.equal(all.find((b) => b.controlNumber === 'ocm25104511')?.isbn, '0553204300 0553268473');
    // 020 $z (cancelled/invalid) is never taken.
    assert.equal(all.find((b) => b.controlNumber === 'ocm20612671')?.isbn, null);
    assert.equal(
      all.find((b) => b.controlNumber === 'ocm20612671')?.title,
      "Songs of the 60's : piano, vocal, guitar",
    );
  });

  test('auth-subset100.mrc: authority records are not bibliographic (the importer counts them as skipped)', async () => {
    const recs = [...readIso2709(fs.readFileSync(path.join(dataDir, 'auth-subset100.mrc')))];
    assert.ok(recs.every((r) => r.ok && r.record.leader[6] === 'z'));
  });
});

describe('mapping rules on built records', () => {
  const rec = (fields: Parameters<typeof iso2709>[0], opts?: Parameters<typeof iso2709>[1]): MarcRecord => {
    const [r] = [...readIso2709(iso2709(fields, opts))];
    if (!r?.ok) assert.fail('test record unreadable');
    return r.record;
  };

  test('title from 245 $a $b $n $p without the final ISBD punctuation; author falls back to 700', () => {
    const b = mapped(
      rec([
        { tag: '001', value: '  x1  ' },
        {
          tag: '245',
          ind: '10',
          sub: [
            ['a', 'Faust :'],
            ['b', 'eine Tragödie.'],
            ['n', 'Teil 1,'],
            ['p', 'Der Tragödie erster Teil /'],
            ['c', 'Goethe.'],
          ],
        },
        {
          tag: '700',
          ind: '1 ',
          sub: [
            ['a', 'Goethe, Johann Wolfgang von,'],
            ['d', '1749-1832,'],
            ['e', 'author.'],
          ],
        },
      ]),
    );
    assert.equal(b.controlNumber, 'x1');
    assert.equal(b.title, 'Faust : eine Tragödie. Teil 1, Der Tragödie erster Teil');
    assert.equal(b.author, 'Goethe, Johann Wolfgang von, 1749-1832');
  });

  test('without 001 the first 035 $a is the control number; without either the record is refused', () => {
    const with035 = mapBibRecord(
      rec([
        { tag: '035', ind: '  ', sub: [['a', '(OCoLC)123']] },
        { tag: '245', ind: '00', sub: [['a', 'T']] },
      ]),
    );
    assert.ok(with035.ok && with035.bib.controlNumber === '(OCoLC)123');
    assert.deepEqual(mapBibRecord(rec([{ tag: '245', ind: '00', sub: [['a', 'T']] }])), {
      ok: false,
      reason: 'no control number',
    });
    assert.deepEqual(mapBibRecord(rec([{ tag: '001', value: 'n1' }])), { ok: false, reason: 'no title' });
  });

  test('year from 264 $c when 008 has none; language from 041 when 008 has none', () => {
    const b = mapped(
      rec([
        { tag: '001', value: 'y1' },
        { tag: '008', value: '240101nuuuuuuuuxx            000 0 |||||' },
        { tag: '041', ind: '0 ', sub: [['a', 'spa']] },
        { tag: '245', ind: '00', sub: [['a', 'Don Quijote']] },
        {
          tag: '264',
          ind: ' 1',
          sub: [
            ['a', 'Madrid :'],
            ['b', 'Juan de la Cuesta,'],
            ['c', '[1605]'],
          ],
        },
      ]),
    );
    assert.equal(b.pubYear, 1605);
    assert.equal(b.language, 'spa');
    assert.equal(b.publisher, 'Juan de la Cuesta');
  });

  test('format codes from leader/06-07 and 008', () => {
    const f = (type: string, level = 'm', f008 = '') =>
      formatOf({
        leader: `00000n${type}${level} a2200000 a 4500`,
        fields: f008 ? [{ tag: '008', value: f008 }] : [],
      });
    assert.equal(f('a'), 'book');
    assert.equal(f('a', 's'), 'serial');
    assert.equal(f('a', 'm', `${'240101s2020    xxu'.padEnd(23)}d`.padEnd(40)), 'large-print');
    assert.equal(f('a', 'm', `${'240101s2020    xxu'.padEnd(23)}o`.padEnd(40)), 'ebook');
    assert.equal(f('i'), 'audiobook');
    assert.equal(f('j'), 'music-recording');
    assert.equal(f('g'), 'video');
    assert.equal(f('c'), 'score');
    assert.equal(f('e'), 'map');
    assert.equal(f('m'), 'computer-file');
    assert.equal(f('o'), 'kit');
    assert.equal(f('k'), 'visual');
  });

  test('subjects joined with " -- ", notes in record order, ISBNs normalised', () => {
    const b = mapped(
      rec(
        book('s1', 'Jane Eyre', [
          { tag: '020', ind: '  ', sub: [['a', '0-14-143965-8 (pbk.)']] },
          { tag: '020', ind: '  ', sub: [['a', '0141439658']] },
          { tag: '500', ind: '  ', sub: [['a', 'First published 1847.']] },
          { tag: '520', ind: '  ', sub: [['a', 'An orphan becomes a governess.']] },
          {
            tag: '650',
            ind: ' 0',
            sub: [
              ['a', 'Governesses'],
              ['v', 'Fiction.'],
              ['0', 'http://id.loc.gov/x'],
            ],
          },
          {
            tag: '651',
            ind: ' 0',
            sub: [
              ['a', 'England'],
              ['x', 'Social life and customs'],
              ['y', '19th century'],
              ['v', 'Fiction.'],
            ],
          },
        ]),
      ),
    );
    assert.equal(b.isbn, '0141439658');
    assert.equal(
      b.subjects,
      'Governesses -- Fiction\nEngland -- Social life and customs -- 19th century -- Fiction',
    );
    assert.equal(b.notes, 'First published 1847.\nAn orphan becomes a governess.');
  });

  test('trimPunctuation keeps initials and ellipses', () => {
    assert.equal(trimPunctuation('Title /'), 'Title');
    assert.equal(trimPunctuation('Dickens, C.'), 'Dickens, C.');
    assert.equal(trimPunctuation('La Révolution du 4 Septembre 19...'), 'La Révolution du 4 Septembre 19...');
    assert.equal(trimPunctuation('Blue Note,'), 'Blue Note');
    assert.equal(normalizeIsbn('HL00361126 :'), null);
    assert.equal(normalizeIsbn('978-0-14-143965-1'), '9780141439651');
  });
});
