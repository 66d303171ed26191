// The SIP2 codec: one message's text to a typed object and back. Fixed fields are read by
// position, variable fields as a two-letter id, the value and `|`; repeatable fields become
// arrays, fields this message does not define are kept in `unknownFields`, and a missing
// required field reads as "" (other library systems omit some; the caller decides). Parsing never
// throws: bad input is a SipParseError saying why. The AY/AZ trailer is checked here when present
// (checksum.ts); the CR terminator and bytes belong to framing.ts.
import type { SipCharset } from './charset.ts';
import { appendTrailer, splitTrailer } from './checksum.ts';
import { MESSAGE_SPECS, isMessageCode, type FixedKind, type SipMessage, type UnknownField } from './spec.ts';

/** Why a message could not be read. `bad-checksum` is the one a server answers with 96. */
export type SipParseErrorCode =
  'empty' | 'unknown-message' | 'truncated' | 'bad-fixed-field' | 'bad-field' | 'bad-checksum' | 'too-long';

/** A message that could not be read, with the reason (never the message text: it may hold a PIN). */
export interface SipParseError {
  code: SipParseErrorCode;
  reason: string;
  /** The two-digit message code, when it was readable. */
  messageCode?: string;
  /** The AY sequence number, when it was readable (a resend request may echo it). */
  sequence?: number;
}

/** A parsed message with its error-detection trailer. */
export interface ParsedMessage {
  ok: true;
  message: SipMessage;
  /** The AY sequence number, when sent. */
  sequence?: number;
  /** Whether an AZ checksum was present (and, since this is a success, valid). */
  hasChecksum: boolean;
}

export type ParseResult = ParsedMessage | { ok: false; error: SipParseError };

/** Options for reading a message. */
export interface ParseOptions {
  /** The connection's charset, over whose bytes the checksum was computed (default utf8). */
  charset?: SipCharset;
}

const fail = (code: SipParseErrorCode, reason: string, extra: Partial<SipParseError> = {}): ParseResult => ({
  ok: false,
  error: { code, reason, ...extra },
});

function readFixed(raw: string, kind: FixedKind): { value: unknown } | undefined {
  switch (kind) {
    case 'text':
    case 'date':
      return { value: raw };
    case 'flag':
      return raw === 'Y' || raw === 'N' ? { value: raw === 'Y' } : undefined;
    case 'bit':
      return raw === '1' || raw === '0' ? { value: raw === '1' } : undefined;
    case 'ynu':
      return raw === 'Y' || raw === 'N' || raw === 'U' ? { value: raw } : undefined;
    case 'count':
      // Some library systems pad counts with spaces, or send blanks for "not counted": read as 0.
      return /^ *\d* *$/.test(raw) ? { value: Number(raw.trim() || '0') } : undefined;
  }
}

/** Reads one message (without its CR terminator). Never throws. */
export function parseMessage(text: string, options: ParseOptions = {}): ParseResult {
  if (text.length === 0) return fail('empty', 'empty message');
  const code = text.slice(0, 2);
  if (!isMessageCode(code))
    return fail('unknown-message', `unsupported message code ${JSON.stringify(code)}`);
  const spec = MESSAGE_SPECS[code];
  const trailer = splitTrailer(text, options.charset ?? 'utf8');
  const seq = trailer.sequence !== undefined ? { sequence: trailer.sequence } : {};
  if (!trailer.checksumValid)
    return fail('bad-checksum', 'checksum does not match', { messageCode: code, ...seq });
  const body = trailer.body;

  const out: Record<string, unknown> = { code };
  let pos = 2;
  for (const [name, length, kind] of spec.fixed) {
    const raw = body.slice(pos, pos + length);
    if (raw.length < length) {
      return fail('truncated', `message ends inside fixed field ${name}`, { messageCode: code, ...seq });
    }
    const read = readFixed(raw, kind);
    if (!read)
      return fail('bad-fixed-field', `fixed field ${name} is not a valid ${kind}`, {
        messageCode: code,
        ...seq,
      });
    out[name] = read.value;
    pos += length;
  }

  const vars = new Map<string, (typeof spec.vars)[number]>(spec.vars.map((v) => [v[0], v]));
  const unknown: UnknownField[] = [];
  // A final field without its `|` is accepted: some terminals omit it before the terminator.
  for (const segment of body.slice(pos).split('|')) {
    if (segment === '') continue;
    if (segment.length < 2)
      return fail('bad-field', 'field shorter than its two-letter id', { messageCode: code, ...seq });
    const id = segment.slice(0, 2);
    const value = segment.slice(2);
    const field = vars.get(id);
    if (!field) {
      unknown.push({ id, value });
      continue;
    }
    const [, name, mode] = field;
    if (mode === 'rep') {
      const list = (out[name] as string[] | undefined) ?? [];
      list.push(value);
      out[name] = list;
    } else if (out[name] !== undefined) {
      unknown.push({ id, value }); // a repeated single field: keep the first, lose nothing
    } else if (mode === 'flag') {
      if (value !== 'Y' && value !== 'N') {
        return fail('bad-field', `field ${id} must be Y or N`, { messageCode: code, ...seq });
      }
      out[name] = value === 'Y';
    } else {
      out[name] = value;
    }
  }
  for (const [, name, mode] of spec.vars) if (mode === 'req' && out[name] === undefined) out[name] = '';
  if (unknown.length > 0) out.unknownFields = unknown;
  // The table drives both the object built above and the SipMessage type, so this is the one cast.
  return { ok: true, message: out as SipMessage, ...seq, hasChecksum: trailer.hasChecksum };
}

/** A value made safe for a variable field: `|`, CR and LF would end the field or the message. */
export const sanitizeField = (value: string): string => value.replace(/[|\r\n]/g, ' ');

function writeFixed(name: string, length: number, kind: FixedKind, value: unknown): string {
  let raw: string;
  switch (kind) {
    case 'flag':
      raw = value ? 'Y' : 'N';
      break;
    case 'bit':
      raw = value ? '1' : '0';
      break;
    case 'count': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new RangeError(`SIP2 field ${name} must be a count, got ${String(value)}`);
      // Counts past the width are capped: a terminal reading "9999" is closer than a broken message.
      raw = String(Math.min(n, 10 ** length - 1)).padStart(length, '0');
      break;
    }
    default:
      raw = String(value ?? '');
  }
  if (raw.length !== length || /[|\r\n]/.test(raw)) {
    throw new RangeError(`SIP2 fixed field ${name} must be ${length} characters, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/**
 * Writes one message as text, without trailer or terminator. Variable fields come in the guide's
 * order, then unknown fields. Throws RangeError on a fixed field of the wrong length: that is a
 * programming error, not input.
 */
export function formatMessage(message: SipMessage): string {
  const spec = MESSAGE_SPECS[message.code];
  const fields = message as unknown as Record<string, unknown>;
  let text: string = message.code;
  for (const [name, length, kind] of spec.fixed) text += writeFixed(name, length, kind, fields[name]);
  for (const [id, name, mode] of spec.vars) {
    const value = fields[name];
    if (mode === 'rep') {
      for (const v of (value as string[] | undefined) ?? []) text += `${id}${sanitizeField(v)}|`;
    } else if (mode === 'flag') {
      if (value !== undefined) text += `${id}${value ? 'Y' : 'N'}|`;
    } else if (value !== undefined || mode === 'req') {
      text += `${id}${sanitizeField(String(value ?? ''))}|`;
    }
  }
  for (const { id, value } of message.unknownFields ?? []) text += `${id}${sanitizeField(value)}|`;
  return text;
}

/** Options for writing a message with error detection. */
export interface FormatOptions {
  /** Append AY with this sequence number (0–9) and AZ with the checksum. */
  sequence?: number;
  /** Append AZ with the checksum even without a sequence number (as 96 and 97 do). */
  checksum?: boolean;
  /** The connection's charset, over whose bytes the checksum is computed (default utf8). */
  charset?: SipCharset;
}

/** Writes one message with its AY/AZ trailer when asked, still without the terminator. */
export function formatWithTrailer(message: SipMessage, options: FormatOptions = {}): string {
  const text = formatMessage(message);
  if (options.sequence === undefined && !options.checksum) return text;
  return appendTrailer(text, options.sequence, options.charset ?? 'utf8');
}
