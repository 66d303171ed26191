// SIP2 error detection: the sequence number (AY, one digit) and checksum (AZ, four hex digits)
// that end a message when the terminal and the server agreed to use them. The checksum is the
// two's complement of the 16-bit sum of the message's bytes up to and including "AZ"; it is
// computed over the bytes in the connection's charset, because that is what the other side sums.
import { encodeText, type SipCharset } from './charset.ts';

/** The checksum (4 upper-case hex digits) of a message's text up to and including "AZ". */
export function sipChecksum(textThroughAz: string, charset: SipCharset = 'utf8'): string {
  let sum = 0;
  for (const byte of encodeText(textThroughAz, charset)) sum += byte;
  return ((-sum & 0xffff) >>> 0).toString(16).toUpperCase().padStart(4, '0');
}

/** What the end of a received message said about error detection. */
export interface Trailer {
  /** The message without AY/AZ. */
  body: string;
  /** The AY sequence number (0–9), when sent. */
  sequence?: number;
  /** Whether an AZ checksum was present. */
  hasChecksum: boolean;
  /** Whether the checksum matched (true when there was none). */
  checksumValid: boolean;
}

// AY is optional (the resend messages carry only AZ); the checksum is case-insensitive hex.
const TRAILER = /(?:AY(\d))?AZ([0-9A-Fa-f]{4})$/;

/** Splits off and verifies an AY/AZ trailer, if the message ends with one. */
export function splitTrailer(text: string, charset: SipCharset = 'utf8'): Trailer {
  const m = TRAILER.exec(text);
  if (!m) return { body: text, hasChecksum: false, checksumValid: true };
  const throughAz = text.slice(0, text.length - 4);
  const valid = sipChecksum(throughAz, charset) === m[2]!.toUpperCase();
  return {
    body: text.slice(0, m.index),
    ...(m[1] !== undefined ? { sequence: Number(m[1]) } : {}),
    hasChecksum: true,
    checksumValid: valid,
  };
}

/** Appends AY (when a sequence is given) and AZ with the checksum to a formatted message. */
export function appendTrailer(
  body: string,
  sequence: number | undefined,
  charset: SipCharset = 'utf8',
): string {
  if (sequence !== undefined && !(Number.isInteger(sequence) && sequence >= 0 && sequence <= 9)) {
    throw new RangeError(`SIP2 sequence number must be 0-9, got ${sequence}`);
  }
  const throughAz = `${body}${sequence !== undefined ? `AY${sequence}` : ''}AZ`;
  return throughAz + sipChecksum(throughAz, charset);
}
