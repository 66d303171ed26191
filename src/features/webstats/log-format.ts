// Parses one line of the nginx/Apache "combined" access-log format for the server-log import
// (issue 5 item 3). The import must run at ≥ 100,000 lines/s, so this is a hand-written indexOf
// scanner with a fixed-layout timestamp reader rather than one backtracking regex and Date.parse.
import { isIP } from 'node:net';

export interface LogLine {
  ip: string;
  at: Date;
  method: string;
  target: string; // path+query as requested
  status: number;
  referrer: string | undefined; // undefined for "-"
  userAgent: string | undefined;
}

// Longer lines are hostile or broken, and scanning them would let one line cost as much as thousands.
const MAX_LINE = 16 * 1024;
const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
}; // prettier-ignore
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const METHOD = /^[A-Z][A-Z_-]{0,19}$/;

/** n ASCII digits at s[i…]; -1 if any is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = s.charCodeAt(k) - 48; // NaN past the end, which fails the test below too
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

// Log lines come in long runs from the same day and zone, so the validated day is cached: the
// next line's date only has to match these two strings, not be read again.
let lastDate = '';
let lastZone = '';
let lastBase = 0; // epoch ms of that local midnight, already shifted to UTC

/** Epoch ms of local midnight for `28/Nov/2026` in zone `+0100` at s[i…], or NaN. */
function parseDay(s: string, i: number): number {
  const day = digits(s, i, 2);
  const month = MONTHS[s.slice(i + 3, i + 6)];
  const year = digits(s, i + 7, 4);
  const sign = s[i + 21] === '+' ? 1 : s[i + 21] === '-' ? -1 : 0;
  const oh = digits(s, i + 22, 2);
  const om = digits(s, i + 24, 2);
  if (month === undefined || s[i + 2] !== '/' || s[i + 6] !== '/' || s[i + 20] !== ' ') return NaN;
  if (year < 1970 || sign === 0) return NaN;
  if (oh < 0 || oh > 14 || om < 0 || om > 59) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day < 1 || day > DAYS_IN_MONTH[month]! || (month === 1 && day === 29 && !leap)) return NaN;
  // Local time minus its offset is UTC: 10:15 at +0100 is 09:15Z.
  return Date.UTC(year, month, day) - sign * (oh * 60 + om) * 60_000;
}

/** `28/Nov/2026:10:15:32 +0100` (always 26 characters) as epoch milliseconds, or NaN. */
function parseTime(s: string, i: number): number {
  if (lastDate === '' || !s.startsWith(lastDate, i) || !s.startsWith(lastZone, i + 20)) {
    const base = parseDay(s, i);
    if (Number.isNaN(base)) return NaN;
    lastDate = s.slice(i, i + 11);
    lastZone = s.slice(i + 20, i + 26);
    lastBase = base;
  }
  const h = digits(s, i + 12, 2);
  const m = digits(s, i + 15, 2);
  const sec = digits(s, i + 18, 2);
  if (s[i + 11] !== ':' || s[i + 14] !== ':' || s[i + 17] !== ':') return NaN;
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return NaN;
  return lastBase + ((h * 60 + m) * 60 + sec) * 1000;
}

/** Index of the quote closing a field opened just before `from`: one not escaped by a backslash. */
function closingQuote(s: string, from: number): number {
  let q = s.indexOf('"', from);
  while (q !== -1) {
    let bs = 0;
    while (s.charCodeAt(q - 1 - bs) === 92) bs++;
    if (bs % 2 === 0) return q;
    q = s.indexOf('"', q + 1);
  }
  return -1;
}

/**
 * Undoes the logs' escaping: Apache writes `\"` `\\` `\n` `\t` and `\xhh`; nginx writes `\xhh`
 * (every quote, backslash and non-ASCII byte) or, with escape=json, `\"`. Runs of `\xhh` are bytes
 * of one UTF-8 string, so they are decoded together.
 */
function unescape(s: string): string {
  if (s.indexOf('\\') === -1) return s;
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const hex = c === '\\' && s[i + 1] === 'x' ? s.slice(i + 2, i + 4) : '';
    if (hex.length === 2 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 3;
      continue;
    }
    flush();
    if (c !== '\\' || i + 1 === s.length) out += c;
    else {
      const n = s[++i]!;
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
    }
  }
  flush();
  return out;
}

const optional = (v: string): string | undefined => (v === '-' || v === '' ? undefined : unescape(v));

/** One combined-format line (without its line ending), or null when it is not exactly one. */
export function parseCombinedLine(line: string): LogLine | null {
  if (line.length > MAX_LINE) return null;
  // remote_addr, then exactly two tokens (ident, user), then the bracketed time.
  const sp1 = line.indexOf(' ');
  const ip = line.slice(0, sp1);
  if (sp1 < 2 || isIP(ip) === 0) return null;
  const sp2 = line.indexOf(' ', sp1 + 1);
  const sp3 = sp2 === -1 ? -1 : line.indexOf(' ', sp2 + 1);
  if (sp2 <= sp1 + 1 || sp3 <= sp2 + 1 || line[sp3 + 1] !== '[' || line[sp3 + 28] !== ']') return null;
  const at = parseTime(line, sp3 + 2);
  if (Number.isNaN(at)) return null;

  // "request" status bytes "referer" "user agent"
  let i = sp3 + 29;
  if (line[i] !== ' ' || line[i + 1] !== '"') return null;
  const reqEnd = closingQuote(line, i + 2);
  if (reqEnd === -1 || line[reqEnd + 1] !== ' ') return null;
  const request = line.slice(i + 2, reqEnd);
  const status = digits(line, reqEnd + 2, 3);
  if (status < 100 || status > 599 || line[reqEnd + 5] !== ' ') return null;
  i = line.indexOf(' ', reqEnd + 6);
  const bytes = line.slice(reqEnd + 6, i);
  if (i === -1 || (bytes !== '-' && !/^\d+$/.test(bytes)) || line[i + 1] !== '"') return null;
  const refEnd = closingQuote(line, i + 2);
  if (refEnd === -1 || line[refEnd + 1] !== ' ' || line[refEnd + 2] !== '"') return null;
  const uaEnd = closingQuote(line, refEnd + 3);
  // Nothing may follow but whitespace: extra fields mean a different log format.
  if (uaEnd === -1 || line.slice(uaEnd + 1).trim() !== '') return null;

  // METHOD TARGET [PROTOCOL]; the HTTP/0.9 form has no protocol.
  const r1 = request.indexOf(' ');
  const r2 = r1 === -1 ? -1 : request.indexOf(' ', r1 + 1);
  const method = request.slice(0, r1);
  const target = r2 === -1 ? request.slice(r1 + 1) : request.slice(r1 + 1, r2);
  if (r1 === -1 || !METHOD.test(method) || target === '') return null;
  if (r2 !== -1 && !/^HTTP\/\d(\.\d)?$/.test(request.slice(r2 + 1))) return null;

  return {
    ip,
    at: new Date(at),
    method,
    target: unescape(target),
    status,
    referrer: optional(line.slice(i + 2, refEnd)),
    userAgent: optional(line.slice(refEnd + 3, uaEnd)),
  };
}

// Only pages are statistics; files a page pulls in would multiply every view.
const ASSET_EXT = new Set([
  ...['css', 'js', 'mjs', 'map', 'png', 'jpg', 'jpeg', 'gif', 'svg', 'ico', 'webp', 'avif'],
  ...['woff', 'woff2', 'ttf', 'otf', 'eot', 'txt', 'xml', 'json', 'pdf', 'zip', 'mp3', 'mp4', 'webm'],
]);
// Carrel's non-public areas, and the beacon itself (counting it would count every view twice).
const NOT_PAGES = ['/assets', '/api', '/staff', '/stats'];

/** Whether a log line is a successful view of a public page, as the in-process counter counts them. */
export function isPageRequest(l: LogLine): boolean {
  if (l.method !== 'GET' && l.method !== 'HEAD') return false;
  if (!((l.status >= 200 && l.status <= 299) || l.status === 304)) return false;
  if (l.target[0] !== '/') return false;
  let end = l.target.length;
  const q = l.target.indexOf('?');
  const h = l.target.indexOf('#');
  if (q !== -1) end = q;
  if (h !== -1 && h < end) end = h;
  const path = l.target.slice(0, end).toLowerCase();
  for (const p of NOT_PAGES) {
    if (path.startsWith(p) && (path.length === p.length || path[p.length] === '/')) return false;
  }
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return !(dot > slash && ASSET_EXT.has(path.slice(dot + 1)));
}
