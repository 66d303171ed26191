// CSV exports of statistics (RFC 4180), made to be opened by staff in a spreadsheet.
//
// Written here rather than taken from a library: package.json has no CSV package, writing (unlike
// parsing) is a few lines, and the one part that matters for safety — neutralising cells that a
// spreadsheet would run as formulas — is something general CSV libraries leave to the caller.
import { suppressedText } from './suppress.ts';

export type CsvCell = string | number | null;

// A spreadsheet treats a cell starting with one of these as a formula (or, for TAB and CR, may
// strip them and then see a formula), so a label such as "=HYPERLINK(…)" typed into a form could
// run when staff open an export ("CSV injection", OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;
// RFC 4180: a field holding a comma, a double quote or a line break must be quoted.
const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: CsvCell): string {
  if (value === null) return '';
  let text: string;
  if (typeof value === 'number') {
    // A number from our own code cannot carry a formula, so "-3" stays a number. NaN or Infinity
    // in an export is a bug upstream; failing beats sending "NaN" to a board report.
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    text = String(value);
  } else {
    // The leading apostrophe makes spreadsheets show the text as typed; it is visible in a text
    // editor, which is the accepted price of the protection.
    text = FORMULA_START.test(value) ? `'${value}` : value;
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One CSV document: the header line, then one line per row, every line ending in CRLF (RFC 4180).
 * null is an empty cell. The caller sends it as text/csv; charset=utf-8.
 */
export function toCsv(header: string[], rows: Array<Array<CsvCell>>): string {
  // RFC 4180 wants every record the same length; a short row would shift a spreadsheet's columns
  // under the wrong headings without anyone noticing.
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new RangeError(`row ${i + 1} has ${r.length} cells for ${header.length} columns`);
  });
  const line = (cells: CsvCell[]): string => `${cells.map(cell).join(',')}\r\n`;
  return line(header) + rows.map(line).join('');
}

/** A count for an export cell with G7's small-count suppression: "0", "12" or "5 or fewer". */
export function suppressedCell(count: number, k: number): string {
  return suppressedText(count, k);
}
