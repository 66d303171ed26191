// The MARCXML reader on hand-made documents: default namespace and marc: prefix, a lone <record>,
// and malformed records reported with their position while the others are still read; hostile
// documents (deep nesting, huge records) are refused record by record in bounded time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_DEPTH, readMarcXml, RECORD_LIMITS } from './marcxml.ts';
import { recordKind } from './record.ts';

const NS = 'http://www.loc.gov/MARC21/slim';
const LEADER = '00000nam a2200000 a 4500';

describe('readMarcXml', () => {
  test('reads a prefixed collection into the common record shape, in NFC', () => {
    const xml = `<?xml version="1.0"?>
<marc:collection xmlns:marc="${NS}">
  <marc:record>
    <marc:leader>${LEADER}</marc:leader>
    <marc:controlfield tag="001">ocm1</marc:controlfield>
    <marc:datafield tag="245" ind1="1" ind2="4">
      <marc:subfield code="a">The cafe\u0301 &amp; bar</marc:subfield>
    </marc:datafield>
  </marc:record>
</marc:collection>`;
    const results = [...readMarcXml(xml)];
    assert.equal(results.length, 1);
    const r = results[0]!;
    assert.ok(r.ok);
    assert.deepEqual(r.offset, { line: 3, column: 15 });
    assert.deepEqual(r.record, {
      leader: LEADER,
      fields: [
        { tag: '001', value: 'ocm1' },
        { tag: '245', ind1: '1', ind2: '4', subfields: [{ code: 'a', value: 'The caf\u00e9 & bar' }] },
      ],
    });
    assert.equal(recordKind(r.record.leader), 'bibliographic');
  });

  test('a lone <record> in the default namespace, from bytes', () => {
    const xml = `<record xmlns="${NS}"><leader>00000nz  a2200000n  4500</leader></record>`;
    const [r] = [...readMarcXml(Buffer.from(xml))];
    assert.ok(r?.ok);
    assert.equal(recordKind(r.record.leader), 'authority');
  });

  test('elements of other namespaces (e.g. an OAI-PMH wrapper) are ignored', () => {
    const xml = `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><record><metadata>
      <record xmlns="${NS}"><leader>${LEADER}</leader></record></metadata></record></OAI-PMH>`;
    const results = [...readMarcXml(xml)];
    assert.equal(results.length, 1);
    assert.ok(results[0]?.ok);
  });

  test('malformed records are reported, not thrown, and the others are read', () => {
    const xml = `<collection xmlns="${NS}">
<record><leader>short</leader></record>
<record><leader>${LEADER}</leader><datafield ind1="1" ind2="0"><subfield code="ab">x</subfield></datafield></record>
<record><leader>${LEADER}</leader><bogus/></record>
<record><datafield tag="245" ind1="1" ind2="0"/></record>
<record><leader>${LEADER}</leader></record>
<record><leader>${LEADER}</leader><datafield tag="245"><subfield code="a">unclosed</datafield></record>
</collection>`;
    const results = [...readMarcXml(xml)];
    assert.deepEqual(
      results.map((r) => [r.index, r.ok, r.offset.line]),
      [
        [0, false, 2],
        [1, false, 3],
        [2, false, 4],
        [3, false, 5],
        [4, true, 6],
        [5, false, 7],
      ],
    );
    const reasons = results.map((r) => (r.ok ? '' : r.reason));
    assert.match(reasons[0]!, /leader is 5 characters, not 24/);
    assert.match(reasons[1]!, /<datafield> without a tag/);
    assert.match(reasons[1]!, /subfield code must be one character/);
    assert.match(reasons[2]!, /unexpected element <bogus>/);
    assert.match(reasons[3]!, /missing <leader>/);
    assert.match(reasons[5]!, /XML error/);
  });

  test('a document cut off inside a record reports that record', () => {
    const results = [...readMarcXml(`<collection xmlns="${NS}"><record><leader>${LEADER}</leader>`)];
    assert.equal(results.length, 1);
    assert.ok(results[0] && !results[0].ok);
    assert.match(results[0].reason, /document ends inside a record/);
  });

  test('50,000 nested <record>s (issue 12 item 8) are reported in well under a second, and the next record is read', () => {
    const n = 50_000;
    const xml = `<?xml version="1.0"?><collection xmlns="${NS}">${'<record>'.repeat(n)}${'</record>'.repeat(n)}<record><leader>${LEADER}</leader></record></collection>`;
    const started = performance.now();
    const results = [...readMarcXml(xml)];
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    // One bad record per level up to the depth limit, then the record after the nest is read.
    assert.ok(results.length <= MAX_DEPTH + 1, `${results.length} results`);
    const last = results.at(-1)!;
    assert.ok(last.ok, 'the record after the nest is read');
    const bad = results.slice(0, -1);
    assert.ok(bad.every((r) => !r.ok));
    assert.ok(bad.some((r) => !r.ok && /elements nested more than 64 deep/.test(r.reason)));
    assert.deepEqual(
      bad.map((r) => r.index),
      bad.map((_, i) => i),
    );
  });

  test('elements nested past the limit inside a record make it bad; the namespaces after it still hold', () => {
    const deep = `${'<x:wrap>'.repeat(100)}${'</x:wrap>'.repeat(100)}`;
    const xml = `<collection xmlns="${NS}" xmlns:x="urn:other">
<record><leader>${LEADER}</leader>${deep}</record>
<other xmlns="urn:other"><record><leader>${LEADER}</leader></record></other>
<record><leader>${LEADER}</leader><controlfield tag="001">after</controlfield></record>
</collection>`;
    const results = [...readMarcXml(xml)];
    assert.equal(results.length, 2, 'the <record> of the other namespace is not MARC');
    assert.ok(!results[0]!.ok);
    assert.match(results[0]!.reason, /elements nested more than 64 deep/);
    assert.equal(results[0]!.offset.line, 2);
    assert.ok(results[1]!.ok);
    assert.deepEqual(results[1]!.record.fields, [{ tag: '001', value: 'after' }]);
  });

  test('a record past its limits (fields, subfields, text) is refused without keeping it; the next is read', () => {
    const field = '<datafield tag="500" ind1=" " ind2=" "><subfield code="a">x</subfield></datafield>';
    const tooManyFields = field.repeat(RECORD_LIMITS.fields + 1);
    const tooManySubfields = `<datafield tag="500" ind1=" " ind2=" ">${'<subfield code="a">x</subfield>'.repeat(RECORD_LIMITS.subfieldsPerField + 1)}</datafield>`;
    const tooMuchText = `<datafield tag="500" ind1=" " ind2=" "><subfield code="a">${'y'.repeat(RECORD_LIMITS.characters + 1)}</subfield></datafield>`;
    const ok = `<record><leader>${LEADER}</leader>${field}</record>`;
    const xml = `<collection xmlns="${NS}">${[tooManyFields, tooManySubfields, tooMuchText]
      .map((body) => `<record><leader>${LEADER}</leader>${body}${'<bogus/>'.repeat(20)}</record>\n${ok}\n`)
      .join('')}</collection>`;
    const results = [...readMarcXml(xml)];
    assert.deepEqual(
      results.map((r) => r.ok),
      [false, true, false, true, false, true],
    );
    const reasons = results.map((r) => (r.ok ? '' : r.reason));
    assert.match(reasons[0]!, /^more than 10,000 fields$/);
    assert.match(reasons[2]!, /^field 500: more than 1,000 subfields$/);
    assert.match(reasons[4]!, /^more than 1,000,000 characters of text$/);
    for (const r of results.filter((r) => r.ok)) assert.equal(r.record.fields.length, 1);
  });

  test('a good record with many problems lists ten and counts the rest', () => {
    const xml = `<collection xmlns="${NS}"><record><leader>${LEADER}</leader>${'<bogus/>'.repeat(25)}</record></collection>`;
    const [r] = [...readMarcXml(xml)];
    assert.ok(r && !r.ok);
    assert.equal(r.reason.match(/unexpected element <bogus>/g)?.length, 10);
    assert.match(r.reason, /and 15 more problems$/);
  });
});
