// Where import data comes from and how it is cut into records: a file (streamed, so a large ISO
// 2709 export never sits in memory whole) or a buffer (an upload). ISO 2709 or MARCXML is decided
// by the content, and the character encoding per record (see encodingFor).
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { readIso2709, type Iso2709Encoding } from '../marc/iso2709.ts';
import { readMarcXml } from '../marc/marcxml.ts';
import type { MarcRecord } from '../marc/record.ts';

/** Something to import: a name for reports and a way to read its bytes. */
export interface ImportSource {
  name: string;
  chunks(): AsyncIterable<Uint8Array>;
}

export const fileSource = (file: string): ImportSource => ({
  name: file,
  chunks: () => fs.createReadStream(file, { highWaterMark: 1024 * 1024 }),
});

/** Slices of a buffer handed on at a time: each costs a worker thread a copy of a few milliseconds. */
const BUFFER_CHUNK = 1024 * 1024;

export const bufferSource = (name: string, data: Uint8Array): ImportSource => ({
  name,
  async *chunks() {
    for (let p = 0; p < data.length; p += BUFFER_CHUNK) yield data.subarray(p, p + BUFFER_CHUNK);
  },
});

/** How to decode ISO 2709 records: per record ('auto') or forced for the whole import. */
export type EncodingChoice = 'auto' | 'marc-8' | 'utf-8';
export const encodingChoices = ['auto', 'marc-8', 'utf-8'] as const;

/** One record read, or a record that could not be read, with where it is in its source. */
export type SourceRecord =
  | { ok: true; record: MarcRecord; number: number; position: string }
  | { ok: false; number: number; position: string; reason: string };

const ESC = 0x1b;
const RECORD_TERMINATOR = 0x1d;

/**
 * The encoding of one ISO 2709 record under 'auto': leader/09 'a' is UTF-8. A blank leader/09
 * means MARC-8, but several systems (Aleph, Voyager) write UTF-8 and leave it blank; such a record
 * is read as UTF-8 when its bytes are valid UTF-8, contain multi-byte sequences and no escape
 * (0x1B) — MARC-8 text with diacritics or other scripts is practically never valid UTF-8.
 */
export function encodingFor(rec: Uint8Array, choice: EncodingChoice): Iso2709Encoding {
  if (choice !== 'auto') return choice;
  const scheme = rec[9];
  if (scheme !== 0x20) return 'leader';
  if (rec.includes(ESC)) return 'marc-8';
  let hasHighBytes = false;
  for (let i = 0; i < rec.length; i++)
    if (rec[i]! >= 0x80) {
      hasHighBytes = true;
      break;
    }
  return hasHighBytes && isUtf8(rec) ? 'utf-8' : 'marc-8';
}

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Reads the records of a source, whichever its syntax. */
export async function* readSource(
  source: ImportSource,
  encoding: EncodingChoice,
): AsyncGenerator<SourceRecord> {
  const iterator = source.chunks()[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done) return;
  const firstChunk = head.value;
  let p = 0;
  if (firstChunk[0] === 0xef && firstChunk[1] === 0xbb && firstChunk[2] === 0xbf) p = 3; // BOM
  while (isSpace(firstChunk[p])) p++;
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (firstChunk[p] === 0x3c /* '<' */) yield* readXml(firstChunk, rest);
  else yield* readIso(firstChunk, rest, encoding);
}

/**
 * MARCXML is read whole (the reader works on one text); exports large enough for that to matter
 * are ISO 2709 in practice. The XML declaration's encoding is not consulted: MARCXML is UTF-8.
 */
async function* readXml(first: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<SourceRecord> {
  const parts: Uint8Array[] = [first];
  for await (const c of rest) parts.push(c);
  for (const r of readMarcXml(Buffer.concat(parts))) {
    const position = `line ${r.offset.line}, column ${r.offset.column}`;
    yield r.ok
      ? { ok: true, record: r.record, number: r.index + 1, position }
      : { ok: false, number: r.index + 1, position, reason: r.reason };
  }
}

/** Splits the stream on the record terminator and reads each record on its own. */
async function* readIso(
  first: Uint8Array,
  rest: AsyncIterable<Uint8Array>,
  encoding: EncodingChoice,
): AsyncGenerator<SourceRecord> {
  let pending: Buffer = Buffer.from(first.buffer, first.byteOffset, first.length);
  let pendingOffset = 0; // byte offset in the source of pending[0]
  let number = 0;
  const one = function* (rec: Buffer, offset: number): Generator<SourceRecord> {
    // Some exports put a line break between records.
    let skip = 0;
    while (isSpace(rec[skip])) skip++;
    if (skip === rec.length) return;
    const data = rec.subarray(skip);
    for (const r of readIso2709(data, { encoding: encodingFor(data, encoding) })) {
      number++;
      const position = `byte ${offset + skip + r.offset}`;
      yield r.ok
        ? { ok: true, record: r.record, number, position }
        : { ok: false, number, position, reason: r.reason };
    }
  };
  const drain = function* (): Generator<SourceRecord> {
    let start = 0;
    for (;;) {
      const end = pending.indexOf(RECORD_TERMINATOR, start);
      if (end < 0) break;
      yield* one(pending.subarray(start, end + 1), pendingOffset + start);
      start = end + 1;
    }
    pending = pending.subarray(start);
    pendingOffset += start;
  };
  yield* drain();
  for await (const c of rest) {
    pending = pending.length ? Buffer.concat([pending, c]) : Buffer.from(c.buffer, c.byteOffset, c.length);
    yield* drain();
  }
  // Whatever follows the last terminator is a truncated record (or trailing blanks, ignored).
  if (pending.length) yield* one(pending, pendingOffset);
}
