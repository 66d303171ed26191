// The CSV writer: RFC 4180 quoting and CRLF line ends (checked by parsing the output back), and
// neutralised formula cells, since staff open these exports in spreadsheets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suppressedCell, toCsv } from './csv.ts';

/** A strict RFC 4180 reader, only for checking the writer: records end in CRLF, quotes double. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else if (i >= text.length) throw new Error('unterminated quote');
        else field += text[i++];
      }
    }
    if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text[i] === '"' || text[i] === '\r' || text[i] === '\n') {
      throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
    } else if (i < text.length) field += text[i++];
  }
  if (field !== '' || record.length) throw new Error('last record does not end in CRLF');
  return records;
}

test('a header and rows, every line ending in CRLF; null is an empty cell', () => {
  const csv = toCsv(
    ['Month', 'Questions'],
    [
      ['January', 12],
      ['February', null],
    ],
  );
  assert.equal(csv, 'Month,Questions\r\nJanuary,12\r\nFebruary,\r\n');
  assert.equal(toCsv(['Only'], []), 'Only\r\n');
});

test('commas, quotes, CR and LF are quoted, and read back unchanged', () => {
  const awkward = ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'crlf\r\nhere', '"', '', ' spaced '];
  const csv = toCsv(
    ['label'],
    awkward.map((a) => [a]),
  );
  assert.equal(csv.split('\r\n')[1], '"a,b"');
  assert.ok(csv.includes('"say ""hi"""\r\n'));
  assert.ok(csv.includes('"two\nlines"\r\n'));
  assert.deepEqual(
    parseCsv(csv).map((r) => r[0]),
    ['label', ...awkward],
  );
  // Nothing that needs no quotes gets them.
  assert.equal(toCsv(['plain text', 'ünïcödé ☕'], []), 'plain text,ünïcödé ☕\r\n');
});

test('cells a spreadsheet would run as formulas get a leading apostrophe, headers included', () => {
  const nasty = ['=1+1', '+1', '-1', '@SUM(A1)', '\tTAB', '\r=cmd', '=HYPERLINK("http://x","y")'];
  const csv = toCsv(nasty, [nasty]);
  const [header, row] = parseCsv(csv);
  const expected = nasty.map((n) => `'${n}`);
  assert.deepEqual(header, expected);
  assert.deepEqual(row, expected);
  // Quoting still applies after the apostrophe (CR forces quotes; the inner quotes double).
  assert.ok(csv.includes(`"'\r=cmd"`));
  assert.ok(csv.includes(`"'=HYPERLINK(""http://x"",""y"")"`));
  // Harmless look-alikes stay as they are.
  assert.equal(toCsv(['a=1', 'x-1', ' =1'], []), 'a=1,x-1, =1\r\n');
});

test('numbers are written as numbers (a negative number is not a formula); NaN is refused', () => {
  assert.equal(toCsv(['n'], [[-3], [0], [1.5], [1234567]]), 'n\r\n-3\r\n0\r\n1.5\r\n1234567\r\n');
  assert.throws(() => toCsv(['n'], [[Number.NaN]]), RangeError);
  assert.throws(() => toCsv(['n'], [[Infinity]]), RangeError);
});

test('a row with the wrong number of cells is refused rather than shifting columns', () => {
  assert.throws(() => toCsv(['a', 'b'], [['x']]), /row 1 has 1 cells for 2 columns/);
});

test('suppressedCell hides counts from 1 to k (G7), and its text needs no escaping', () => {
  assert.equal(suppressedCell(0, 5), '0');
  for (let n = 1; n <= 5; n++) assert.equal(suppressedCell(n, 5), '5 or fewer');
  assert.equal(suppressedCell(6, 5), '6');
  assert.equal(
    toCsv(['Branch', 'Questions'], [['Main', suppressedCell(3, 5)]]),
    'Branch,Questions\r\nMain,5 or fewer\r\n',
  );
});
