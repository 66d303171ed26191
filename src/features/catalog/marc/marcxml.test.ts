// The MARCXML reader on hand-made documents: default namespace and marc: prefix, a lone <record>,
// and malformed records reported with their position while the others are still read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readMarcXml } from './marcxml.ts';
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
});
