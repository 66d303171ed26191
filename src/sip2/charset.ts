// The byte encoding of one SIP2 connection. SIP2 predates Unicode: older self-check machines send
// code page 850 (IBM850), newer ones UTF-8; the account chooses, and every byte-level step
// (framing, checksums) goes through these two functions so the choice is made once.
import iconv from 'iconv-lite';

/** The character sets a SIP2 connection may use. */
export type SipCharset = 'utf8' | 'ibm850';

/** The charsets accepted in configuration, for validation at the edge. */
export const SIP_CHARSETS: readonly SipCharset[] = ['utf8', 'ibm850'];

/** Text to the bytes sent on the wire. IBM850 writes characters it lacks as `?`. */
export function encodeText(text: string, charset: SipCharset): Buffer {
  return charset === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'cp850');
}

/** Bytes from the wire to text. Invalid UTF-8 becomes U+FFFD (and then fails any checksum). */
export function decodeText(bytes: Uint8Array, charset: SipCharset): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return charset === 'utf8' ? buf.toString('utf8') : iconv.decode(buf, 'cp850');
}
