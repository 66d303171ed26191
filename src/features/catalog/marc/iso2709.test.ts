// The ISO 2709 reader on hand-made records: decoding of good records (MARC-8 and UTF-8), and bad
// records (wrong length, broken leader, truncated field, ...) reported with their byte offset and
// reason while the good records around them are still read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readIso2709 } from './iso2709.ts';

const FT = '\x1e';
const SF = '\x1f';
const RT = 0x1d;

/** Raw parts of a record, so tests can damage one part and then assemble it. */
interface Parts {
  coding: string; // leader/09
  entries: string[]; // directory entries, 12 characters each when well formed
  data: Buffer;
  lengthDelta?: number; // added to the true length written in the leader
}

function parts(fields: Array<[tag: string, body: string | Buffer]>, coding = ' '): Parts {
  const entries: string[] = [];
  const chunks: Buffer[] = [];
  let at = 0;
  for (const [tag, body] of fields) {
    const bytes = Buffer.concat([
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from(FT),
    ]);
    entries.push(tag + String(bytes.length).padStart(4, '0') + String(at).padStart(5, '0'));
    chunks.push(bytes);
    at += bytes.length;
  }
  return { coding, entries, data: Buffer.concat(chunks) };
}

function assemble(p: Parts): Buffer {
  const dir = p.entries.join('') + FT;
  const base = 24 + dir.length;
  const length = base + p.data.length + 1 + (p.lengthDelta ?? 0);
  const leader = `${String(length).padStart(5, '0')}nam ${p.coding}22${String(base).padStart(5, '0')} a 4500`;
  return Buffer.concat([Buffer.from(leader + dir, 'latin1'), p.data, Buffer.from([RT])]);
}

const title = (t: string) => `10${SF}a${t}${SF}cSomeone.`;
const good = (t: string) =>
  assemble(
    parts([
      ['001', 'id-' + t],
      ['245', title(t)],
    ]),
  );

describe('readIso2709', () => {
  test('reads control and data fields, decoding MARC-8 diacritics to NFC', () => {
    const rec = assemble(
      parts([
        ['001', 'ocm123'],
        ['245', `10${SF}aL\xe2egende /${SF}cAnon.`],
      ]),
    );
    const [r, ...rest] = [...readIso2709(rec)];
    assert.equal(rest.length, 0);
    assert.ok(r?.ok);
    assert.equal(r.record.leader.length, 24);
    assert.deepEqual(r.record.fields, [
      { tag: '001', value: 'ocm123' },
      {
        tag: '245',
        ind1: '1',
        ind2: '0',
        subfields: [
          { code: 'a', value: 'L\u00e9gende /' },
          { code: 'c', value: 'Anon.' },
        ],
      },
    ]);
  });

  test('leader/09 "a" means UTF-8; output is NFC even when the input is decomposed', () => {
    const body = Buffer.concat([Buffer.from(`10${SF}a`), Buffer.from('Cafe\u0301 Пушкин', 'utf8')]);
    const [r] = [...readIso2709(assemble(parts([['245', body]], 'a')))];
    assert.ok(r?.ok);
    assert.equal(r.record.fields[0]?.subfields?.[0]?.value, 'Caf\u00e9 Пушкин');
  });

  test('invalid UTF-8 and unmappable MARC-8 bytes make the record bad, with the field and position', () => {
    const utf = [
      ...readIso2709(assemble(parts([['245', Buffer.from([0x31, 0x30, 0x1f, 0x61, 0xff])]], 'a'))),
    ];
    assert.equal(utf[0]?.ok, false);
    assert.match(!utf[0]?.ok ? utf[0]!.reason : '', /^undecodable bytes: field 245/);
    const m8 = [...readIso2709(assemble(parts([['245', `10${SF}aab\x80`]])))];
    assert.ok(m8[0] && !m8[0].ok);
    // data starts at 24 + 12 + 1 = 37; "10", delimiter, code, "ab" put 0x80 at 37 + 6 = 43
    assert.match(m8[0].reason, /undecodable bytes: field 245, byte 43: unmappable byte 0x80/);
  });

  test('bad records are reported with offset and reason; the good ones around them are read', () => {
    const wrongLength = assemble({ ...parts([['245', title('x')]]), lengthDelta: 3 });
    const brokenLeader = Buffer.from(good('y'));
    brokenLeader.write('12a45', 0, 'latin1');
    const truncated = parts([
      ['001', 'z'],
      ['245', title('z')],
    ]);
    truncated.entries[1] = '2450999' + truncated.entries[1]!.slice(7);
    const noTerminator = Buffer.from(good('w'));
    noTerminator[noTerminator.length - 2] = 0x2e; // the last field's 0x1E becomes '.'
    const shortDir = parts([['245', title('v')]]);
    shortDir.entries[0] = shortDir.entries[0]!.slice(0, 11);
    const records = [
      good('one'),
      wrongLength,
      good('two'),
      brokenLeader,
      good('three'),
      assemble(truncated),
      noTerminator,
      assemble(shortDir),
      good('four'),
    ];
    const results = [...readIso2709(Buffer.concat(records))];
    const offsets = records.map((_, i) => records.slice(0, i).reduce((n, b) => n + b.length, 0));
    assert.deepEqual(
      results.map((r) => [r.index, r.offset, r.ok]),
      records.map((_, i) => [i, offsets[i], [0, 2, 4, 8].includes(i)]),
    );
    const reasons = results.map((r) => (r.ok ? '' : r.reason));
    assert.match(reasons[1]!, /^wrong record length: leader says \d+ bytes, record has \d+/);
    assert.match(reasons[3]!, /^broken leader: record length "12a45" is not a number/);
    assert.match(reasons[5]!, /^field 245 runs past the end of the data/);
    assert.match(reasons[6]!, /^field 245 lacks its field terminator/);
    assert.match(reasons[7]!, /^directory length 11 is not a multiple of 12/);
    const titles = results.flatMap((r) => (r.ok ? [r.record.fields[1]?.subfields?.[0]?.value] : []));
    assert.deepEqual(titles, ['one', 'two', 'three', 'four']);
  });

  test('data cut off before the record terminator is reported; trailing newlines are not', () => {
    const cut = good('b').subarray(0, 30);
    const results = [...readIso2709(Buffer.concat([good('a'), cut]))];
    assert.equal(results.length, 2);
    assert.ok(results[1] && !results[1].ok);
    assert.equal(results[1].offset, good('a').length);
    assert.match(results[1].reason, /missing record terminator/);
    assert.equal([...readIso2709(Buffer.concat([good('a'), Buffer.from('\r\n')]))].length, 1);
  });

  test('a stray subfield delimiter with no code is skipped, not fatal', () => {
    const [r] = [...readIso2709(assemble(parts([['100', `1 ${SF}aRoach, Max.${SF}`]])))];
    assert.ok(r?.ok);
    assert.deepEqual(r.record.fields[0]?.subfields, [{ code: 'a', value: 'Roach, Max.' }]);
  });

  test('the encoding option overrides a leader that claims MARC-8 for UTF-8 data', () => {
    const rec = assemble(parts([['245', Buffer.from(`00${SF}aМосква`, 'utf8')]], ' '));
    assert.equal([...readIso2709(rec)][0]?.ok, false);
    const [r] = [...readIso2709(rec, { encoding: 'utf-8' })];
    assert.ok(r?.ok);
    assert.equal(r.record.fields[0]?.subfields?.[0]?.value, 'Москва');
  });
});
