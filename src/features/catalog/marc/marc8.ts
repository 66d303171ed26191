// MARC-8 → Unicode. MARC-8 is an ISO 2022-style encoding: escape sequences designate character
// sets into two working sets, G0 (bytes 0x21–0x7E) and G1 (bytes 0xA1–0xFE); by default G0 is
// Basic Latin (ASCII) and G1 is Extended Latin (ANSEL). Combining diacritics come BEFORE their base
// character in MARC-8 but AFTER it in Unicode, so they are held back until the base arrives.
// Bytes that mean nothing are reported with their position rather than guessed at: a catalogue
// should not silently import a mangled title.
import { c1Controls, eaccTable, singleByteSets, type Marc8SingleByteSet } from './marc8-tables.ts';

export interface Marc8Problem {
  /** Byte offset within the decoded input. */
  position: number;
  reason: string;
}

export interface Marc8Decoded {
  /** The text, Unicode NFC; unmappable bytes are left out. */
  text: string;
  problems: Marc8Problem[];
}

/** A working set: a single-byte graphic set (by the final byte of its escape) or EACC. */
type WorkingSet = { kind: 'single'; final: string; set: Marc8SingleByteSet } | { kind: 'eacc' };

const ESC = 0x1b;
const EACC_FINAL = 0x31; // '1'

/**
 * ANSEL's second halves of double diacritics (ligature 0xEC, double tilde 0xFB). Unicode writes a
 * double-width mark once, on the first character, so these carry no information; they are valid
 * and dropped, as the reference converter (yaz) does.
 */
const ANSEL_SECOND_HALVES = new Set([0x6c, 0x7b]);

let eaccMap: Map<number, { text: string; combining: boolean }> | undefined;
/** Parsed on first use: most records never leave Latin script, and the table is large. */
function eacc(): Map<number, { text: string; combining: boolean }> {
  if (eaccMap) return eaccMap;
  eaccMap = new Map();
  for (const entry of eaccTable ? eaccTable.split(';') : []) {
    const key = parseInt(entry.slice(0, 6), 16);
    const text = String.fromCodePoint(
      ...entry
        .slice(7)
        .split('+')
        .map((h) => parseInt(h, 16)),
    );
    eaccMap.set(key, { text, combining: entry[6] === '~' });
  }
  return eaccMap;
}

const single = (final: string): WorkingSet | undefined => {
  const set = singleByteSets[final];
  return set ? { kind: 'single', final, set } : undefined;
};
const BASIC_LATIN = single('B')!;
const ANSEL = single('E')!;

export function decodeMarc8(bytes: Uint8Array): Marc8Decoded {
  let g0: WorkingSet = BASIC_LATIN;
  let g1: WorkingSet = ANSEL;
  const problems: Marc8Problem[] = [];
  let out = '';
  let pending = ''; // combining marks waiting for their base character

  const emit = (text: string, combining: boolean) => {
    if (combining) pending += text;
    else {
      out += text + pending;
      pending = '';
    }
  };

  /** Parses an escape sequence at i; returns the index after it. */
  const escape = (i: number): number => {
    const at = (k: number) => bytes[i + k];
    const b1 = at(1);
    // Two-byte escapes: technique 1 ("locking shift" into G0) for the special script sets.
    if (b1 === 0x62 || b1 === 0x70 || b1 === 0x67) {
      g0 = single(String.fromCharCode(b1))!;
      return i + 2;
    }
    if (b1 === 0x73) {
      g0 = BASIC_LATIN;
      return i + 2;
    }
    let k = 1;
    const multibyte = at(k) === 0x24; // '$'
    if (multibyte) k++;
    let target: 'g0' | 'g1' = 'g0';
    const inter = at(k);
    if (inter === 0x28 || inter === 0x2c)
      k++; // '(' ','
    else if (inter === 0x29 || inter === 0x2d) {
      target = 'g1'; // ')' '-'
      k++;
    } else if (!multibyte) {
      problems.push({ position: i, reason: 'unknown escape sequence' });
      return i + 1;
    }
    if (at(k) === 0x21) k++; // '!' intermediate, as in ESC ) ! E for ANSEL
    const final = at(k);
    if (final === undefined) {
      problems.push({ position: i, reason: 'truncated escape sequence' });
      return bytes.length;
    }
    const set = multibyte
      ? final === EACC_FINAL
        ? ({ kind: 'eacc' } as const)
        : undefined
      : single(String.fromCharCode(final));
    if (!set)
      problems.push({ position: i, reason: `unsupported character set (final byte 0x${hex(final)})` });
    else if (target === 'g0') g0 = set;
    else g1 = set;
    return i + k + 1;
  };

  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === ESC) {
      i = escape(i);
      continue;
    }
    if (b === 0x20) {
      emit(' ', false);
      i++;
      continue;
    }
    const c1 = c1Controls[b];
    if (c1 !== undefined) {
      emit(String.fromCodePoint(c1), false);
      i++;
      continue;
    }
    const inG0 = b >= 0x21 && b <= 0x7e;
    const inG1 = b >= 0xa1 && b <= 0xfe;
    if (!inG0 && !inG1) {
      problems.push({ position: i, reason: `unmappable byte 0x${hex(b)}` });
      i++;
      continue;
    }
    const ws = inG0 ? g0 : g1;
    if (ws.kind === 'eacc') {
      const mask = inG0 ? 0 : 0x80;
      const b2 = bytes[i + 1];
      const b3 = bytes[i + 2];
      const key =
        b2 === undefined || b3 === undefined ? -1 : ((b & 0x7f) << 16) | ((b2 & 0x7f) << 8) | (b3 & 0x7f);
      const hit = key >= 0 && (b2! & 0x80) === mask && (b3! & 0x80) === mask ? eacc().get(key) : undefined;
      if (hit) emit(hit.text, hit.combining);
      else problems.push({ position: i, reason: `unmappable EACC character at 0x${hex(b)}` });
      i += 3;
      continue;
    }
    const code = b & 0x7f;
    const cp = ws.set.chars[code - 0x21] ?? 0;
    if (cp !== 0) emit(String.fromCodePoint(cp), ws.set.combining.includes(code));
    else if (!(ws.final === 'E' && ANSEL_SECOND_HALVES.has(code))) {
      problems.push({ position: i, reason: `unmappable byte 0x${hex(b)} in ${ws.set.name}` });
    }
    i++;
  }
  // A mark with no base at the end of the field: keep it rather than lose data.
  out += pending;
  return { text: out.normalize('NFC'), problems };
}

const hex = (b: number) => b.toString(16).padStart(2, '0').toUpperCase();
