// Reader of MARC 21 records in ISO 2709 exchange format. Records are split on the record terminator
// (0x1D) rather than trusted to the length in the leader, so that one damaged record is reported
// (with its byte offset and the reason) and the reader carries on with the next one: real exports
// often contain a few broken records among thousands of good ones.
import { decodeMarc8 } from './marc8.ts';
import { isControlTag, type MarcField, type MarcRecord, type ReadResult } from './record.ts';

const RECORD_TERMINATOR = 0x1d;
const FIELD_TERMINATOR = 0x1e;
const SUBFIELD_DELIMITER = 0x1f;
const LEADER_LENGTH = 24;
const ENTRY_LENGTH = 12;

/** Thrown inside one record's parsing and turned into a bad-record result: never escapes. */
class BadRecord extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
const isDigits = (s: string) => /^[0-9]+$/.test(s);
const isBlank = (b: Uint8Array) => b.every((x) => x === 0x0a || x === 0x0d || x === 0x20 || x === 0x00);

/**
 * How to decode field data: 'leader' follows leader/09 ('a' UTF-8, blank MARC-8); the others
 * override it, for exports whose leader lies (some systems write UTF-8 and leave leader/09 blank).
 */
export type Iso2709Encoding = 'leader' | 'utf-8' | 'marc-8';

export interface Iso2709Options {
  encoding?: Iso2709Encoding;
}

/** Reads every record of `buf`, yielding each one or the reason it could not be read. */
export function* readIso2709(buf: Uint8Array, options: Iso2709Options = {}): Generator<ReadResult> {
  const encoding = options.encoding ?? 'leader';
  let offset = 0;
  let index = 0;
  while (offset < buf.length) {
    // Exports sometimes end with a newline or padding after the last record.
    if (isBlank(buf.subarray(offset))) return;
    const end = buf.indexOf(RECORD_TERMINATOR, offset);
    const next = end < 0 ? buf.length : end + 1;
    try {
      if (end < 0) throw new BadRecord('missing record terminator (0x1D) at the end of the data');
      const record = parseRecord(buf.subarray(offset, next), encoding);
      yield { ok: true, record, offset, index };
    } catch (e) {
      if (!(e instanceof BadRecord)) throw e;
      yield { ok: false, offset, index, reason: e.message };
    }
    offset = next;
    index++;
  }
}

/** Parses one record, terminator included; throws BadRecord with a reason for anything wrong. */
export function parseRecord(rec: Uint8Array, encoding: Iso2709Encoding = 'leader'): MarcRecord {
  if (rec.length < LEADER_LENGTH + 2)
    throw new BadRecord(`broken leader: record only ${rec.length} bytes long`);
  const leader = latin1(rec.subarray(0, LEADER_LENGTH));
  const lengthText = leader.slice(0, 5);
  const baseText = leader.slice(12, 17);
  if (!isDigits(lengthText))
    throw new BadRecord(`broken leader: record length "${lengthText}" is not a number`);
  if (!isDigits(baseText)) throw new BadRecord(`broken leader: base address "${baseText}" is not a number`);
  const declared = Number(lengthText);
  if (declared !== rec.length) {
    throw new BadRecord(`wrong record length: leader says ${declared} bytes, record has ${rec.length}`);
  }
  const base = Number(baseText);
  if (base <= LEADER_LENGTH || base >= rec.length) {
    throw new BadRecord(`broken leader: base address ${base} outside the record`);
  }
  if (rec[base - 1] !== FIELD_TERMINATOR) throw new BadRecord('missing directory terminator (0x1E)');
  const dirLength = base - 1 - LEADER_LENGTH;
  if (dirLength % ENTRY_LENGTH !== 0) {
    throw new BadRecord(`directory length ${dirLength} is not a multiple of ${ENTRY_LENGTH}`);
  }
  const decode = decoderFor(encoding === 'utf-8' ? 'a' : encoding === 'marc-8' ? ' ' : leader[9]);
  const fields: MarcField[] = [];
  for (let p = LEADER_LENGTH; p < base - 1; p += ENTRY_LENGTH) {
    const entry = latin1(rec.subarray(p, p + ENTRY_LENGTH));
    const tag = entry.slice(0, 3);
    const len = entry.slice(3, 7);
    const start = entry.slice(7, 12);
    if (!isDigits(len) || !isDigits(start))
      throw new BadRecord(`broken directory entry "${entry}" at byte ${p}`);
    const from = base + Number(start);
    const to = from + Number(len);
    // The data ends before the record terminator.
    if (to > rec.length - 1) throw new BadRecord(`field ${tag} runs past the end of the data`);
    if (Number(len) === 0 || rec[to - 1] !== FIELD_TERMINATOR) {
      throw new BadRecord(`field ${tag} lacks its field terminator (0x1E)`);
    }
    fields.push(parseField(tag, rec.subarray(from, to - 1), from, decode));
  }
  if (rec[rec.length - 1] !== RECORD_TERMINATOR) throw new BadRecord('missing record terminator (0x1D)');
  return { leader, fields };
}

/** Decodes a byte string of a field; `at` is its byte position in the record, for the reason. */
type Decode = (bytes: Uint8Array, at: number, tag: string) => string;

function decoderFor(scheme: string | undefined): Decode {
  if (scheme === 'a') {
    return (bytes, at, tag) => {
      try {
        return utf8.decode(bytes).normalize('NFC');
      } catch {
        throw new BadRecord(`undecodable bytes: field ${tag} (byte ${at}) is not valid UTF-8`);
      }
    };
  }
  if (scheme === ' ') {
    return (bytes, at, tag) => {
      const { text, problems } = decodeMarc8(bytes);
      const first = problems[0];
      if (first) {
        throw new BadRecord(`undecodable bytes: field ${tag}, byte ${at + first.position}: ${first.reason}`);
      }
      return text;
    };
  }
  throw new BadRecord(`broken leader: unknown character coding scheme "${scheme}" at leader/09`);
}

function parseField(tag: string, data: Uint8Array, at: number, decode: Decode): MarcField {
  if (isControlTag(tag)) return { tag, value: decode(data, at, tag) };
  if (data.length < 2) throw new BadRecord(`field ${tag} is too short for its indicators`);
  const field: MarcField = {
    tag,
    ind1: String.fromCharCode(data[0]!),
    ind2: String.fromCharCode(data[1]!),
    subfields: [],
  };
  // Each subfield is delimiter, one-byte code, value; anything before the first delimiter is junk.
  let p = data.indexOf(SUBFIELD_DELIMITER, 2);
  if (p < 0 && data.length > 2) throw new BadRecord(`field ${tag} has data but no subfield delimiter`);
  while (p >= 0) {
    const nextDelim = data.indexOf(SUBFIELD_DELIMITER, p + 1);
    const stop = nextDelim < 0 ? data.length : nextDelim;
    // A delimiter with no code (e.g. a stray one before the field terminator, common in Sirsi
    // exports) carries no data: skip it rather than refuse the whole record, as yaz does.
    if (p + 1 >= stop) {
      p = nextDelim;
      continue;
    }
    const code = String.fromCharCode(data[p + 1]!);
    field.subfields!.push({ code, value: decode(data.subarray(p + 2, stop), at + p + 2, tag) });
    p = nextDelim;
  }
  return field;
}
