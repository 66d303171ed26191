// The MARC-8 decoder on hand-made byte strings: known code-table values, diacritic reordering,
// escape sequences into and out of other scripts, and reporting of bytes that map to nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeMarc8 } from './marc8.ts';

const ESC = 0x1b;
const bytes = (...parts: Array<string | number>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...Buffer.from(p, 'latin1')])));
const text = (...parts: Array<string | number>) => {
  const r = decodeMarc8(bytes(...parts));
  assert.deepEqual(r.problems, []);
  return r.text;
};

describe('decodeMarc8', () => {
  test('ASCII passes through unchanged', () => {
    assert.equal(text('Kind of blue / Miles Davis.'), 'Kind of blue / Miles Davis.');
  });

  test('a combining acute before its base becomes a precomposed é (NFC)', () => {
    const out = text('L', 0xe2, 'e', 'gende');
    assert.equal(out, 'Légende');
    assert.equal(out[1], '\u00e9'); // one code point, not e + U+0301
  });

  test('two stacked diacritics keep their order and compose', () => {
    // circumflex then acute on e: Vietnamese ế (U+1EBF)
    assert.equal(text(0xe3, 0xe2, 'e'), '\u1ebf');
    // dot below + macron on a have no single precomposed form together: base first, then marks
    assert.equal(text(0xf2, 0xe5, 'a'), '\u1ea1\u0304');
  });

  test('well-known ANSEL values', () => {
    assert.equal(text(0xa2), '\u00d8'); // Ø
    assert.equal(text(0xb1), '\u0142'); // ł (0xB3 is đ, not ł)
    assert.equal(text(0xb3), '\u0111'); // đ
    assert.equal(text(0xf0, 'c'), '\u00e7'); // cedilla: ç
    assert.equal(text(0xe2), '\u0301'); // a mark with no base is kept, not lost
  });

  test('the second half of a double diacritic is dropped: Unicode writes the mark once', () => {
    assert.equal(text(0xeb, 't', 0xec, 's'), 't\u0361s');
  });

  test('Greek (ESC ( S) and back to ASCII (ESC ( B)', () => {
    assert.equal(text('x', ESC, '(S', 'ab', ESC, '(B', 'y'), 'x\u03b1\u03b2y');
  });

  test('Cyrillic basic (ESC ( N) in G0 and in G1 (ESC ) N)', () => {
    assert.equal(text(ESC, '(N', 'a', ESC, '(B', '!'), '\u0410!');
    assert.equal(text(ESC, ')N', 0xe1, 'x'), '\u0410x');
  });

  test('Hebrew (ESC ( 2) and Arabic (ESC ( 3)', () => {
    assert.equal(text(ESC, '(2', 0x60, ESC, '(B', 'a'), '\u05d0a');
    assert.equal(text(ESC, '(3', 0x47, ESC, '(B'), '\u0627'); // alef
  });

  test('subscript, superscript and Greek symbol sets; ESC s returns to ASCII', () => {
    assert.equal(text('H', ESC, 'b', '2', ESC, 's', 'O'), 'H\u2082O');
    assert.equal(text('x', ESC, 'p', '2', ESC, 's'), 'x\u00b2');
    assert.equal(text(ESC, 'g', 'a', ESC, 's', 'a'), '\u03b1a');
  });

  test('a pending diacritic crosses an escape sequence to its base', () => {
    assert.equal(text(0xe2, ESC, '(S', 'a'), '\u03ac'); // ά
  });

  test('EACC (ESC $ 1): three bytes per character', () => {
    assert.equal(text(ESC, '$1', 0x21, 0x30, 0x21, ESC, '(B', 'x'), '\u4e00x');
  });

  test('bytes that map to nothing are reported with their position', () => {
    const r = decodeMarc8(bytes('ab', 0x80, 'c', 0xbe));
    assert.equal(r.text, 'abc');
    assert.deepEqual(
      r.problems.map((p) => p.position),
      [2, 4],
    );
    assert.match(r.problems[0]!.reason, /unmappable byte 0x80/);
    assert.match(r.problems[1]!.reason, /0xBE in Extended Latin/);
  });

  test('unknown escape sequences and character sets are reported', () => {
    assert.match(decodeMarc8(bytes('a', ESC, 'Z')).problems[0]!.reason, /unknown escape/);
    const r = decodeMarc8(bytes(ESC, '(X', 'a'));
    assert.equal(r.problems[0]!.position, 0);
    assert.match(r.problems[0]!.reason, /unsupported character set/);
    assert.match(decodeMarc8(bytes('a', ESC, '(')).problems[0]!.reason, /truncated/);
  });
});
