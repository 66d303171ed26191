// What the CLI may echo from input: non-printing characters become visible escapes (issue 12
// item 12), so a MARC record or a file name cannot drive the operator's terminal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable, printableLines } from './terminal.ts';

test('printable escapes C0, DEL, C1 controls, bidi controls and line separators, and keeps the rest', () => {
  assert.equal(printable('Pwned \x1b]0;pwned\x07 \x1b[2J'), 'Pwned \\x1b]0;pwned\\x07 \\x1b[2J');
  assert.equal(printable('a\tb\nc\rd\x00e\x7ff\x9bg'), 'a\\x09b\\x0ac\\x0dd\\x00e\\x7ff\\x9bg');
  assert.equal(
    printable('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029'),
    '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029',
  );
  const ordinary = 'Café Noël — 東京 «Ελληνικά» עברית العربية 🙂 \\x1b';
  assert.equal(printable(ordinary), ordinary);
});

test('printableLines keeps newlines and escapes everything else printable() does', () => {
  assert.equal(printableLines('one \x1b[2J\ntwo\r\u202e'), 'one \\x1b[2J\ntwo\\x0d\\u202e');
});
