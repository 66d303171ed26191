// The search syntax on its own (pure): what each input means, and the compiled strings quote
// every word. Database behaviour is in search.service.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toFts5, toTsquery } from './compile.ts';
import { describeQuery, MAX_WORDS, parseSearch } from './query-parser.ts';
import { nastyInputs } from './test-fixtures.ts';

const understood = (q: string) => {
  const p = parseSearch(q);
  return p ? describeQuery(p) : null;
};

test('words, phrases, fields, OR, exclusions and prefixes', () => {
  assert.equal(understood('Jazz  history'), 'Jazz history');
  assert.equal(understood('"prince of denmark" title:hamlet'), '"prince of denmark" title:hamlet');
  assert.equal(understood('su:"jazz musicians" by:verne'), 'subjects:"jazz musicians" author:verne');
  assert.equal(understood('cats OR dogs birds'), 'cats OR dogs birds');
  assert.equal(understood('jaguar -car NOT truck'), 'jaguar -car -truck');
  assert.equal(understood('astro* a*'), 'astro* a');
  assert.equal(understood('foo:bar'), 'foo bar', 'unknown fields are words');
  assert.equal(understood('978-0-14-044913-6'), '9780140449136');
  assert.equal(understood('"unclosed phrase'), '"unclosed phrase"');
  assert.equal(understood('-alone'), 'alone');
  assert.equal(understood('(a AND b) OR'), 'a b');
  assert.equal(parseSearch(''), null);
  assert.equal(parseSearch('😀 !!! ()'), null);
  assert.equal(parseSearch('hamlet '.repeat(2000))?.all.length, MAX_WORDS);
});

test('compiled queries quote every word', () => {
  const q = parseSearch('title:"a b" cc* OR d -series:e');
  assert.ok(q);
  assert.equal(toFts5(q), '({title} : "a b" AND ("cc" * OR "d")) NOT {series} : "e"');
  assert.deepEqual(toTsquery(q), {
    tsquery: "('a':A <-> 'b':A) & ('cc':* | 'd')",
    rechecks: [{ negate: true, any: [{ column: 'series', tsquery: "'e'" }] }],
  });
});

test('every hostile input parses and compiles without throwing', () => {
  for (const input of nastyInputs) {
    const q = parseSearch(input);
    if (!q) continue;
    const fts = toFts5(q);
    const pg = toTsquery(q);
    // Outside quotes only operators the compiler writes may appear.
    const bare = fts.replace(/"(?:[^"]|"")*"/g, '');
    assert.match(bare, /^[\s(){}:*A-Za-z]*$/, `${input} → ${fts}`);
    assert.doesNotMatch(
      bare.replace(/\b(AND|OR|NOT|title|author|subjects|series|notes|isbn|issn)\b/g, ''),
      /[A-Za-z]/,
    );
    const pgBare = pg.tsquery.replace(/'(?:[^']|'')*'/g, '');
    assert.match(pgBare, /^[\s()&|!<\->:*ABCD]*$/, `${input} → ${pg.tsquery}`);
  }
});
