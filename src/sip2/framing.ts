// SIP2 framing: bytes from a socket to one message text per terminator, and back. A message ends
// with CR (CRLF and a bare LF are accepted too, since terminals and test tools vary); a read may
// hold part of a message or several. Input longer than the maximum is refused as it arrives, and
// its bytes are dropped up to the next terminator, so a client that never sends CR cannot make
// the server buffer without bound. Text is decoded with the connection's charset.
import { decodeText, encodeText, type SipCharset } from './charset.ts';
import { formatWithTrailer, type FormatOptions } from './message.ts';
import type { SipMessage } from './spec.ts';

/** The default longest message accepted, in bytes. SIP2 has no limit; real messages stay far below. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024;

/** One framed message, or the refusal of an overlong one. */
export type Frame = { ok: true; text: string } | { ok: false; error: 'too-long' };

const CR = 0x0d;
const LF = 0x0a;

/** Splits a byte stream into messages. Feed it every chunk read; it returns the frames completed. */
export class SipFrameReader {
  private parts: Buffer[] = [];
  private length = 0;
  private discarding = false;
  readonly charset: SipCharset;
  readonly maxBytes: number;

  constructor(options: { charset?: SipCharset; maxBytes?: number } = {}) {
    this.charset = options.charset ?? 'utf8';
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** The frames that this chunk completes, in order. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== CR && b !== LF) continue;
      this.append(chunk.subarray(start, i), frames);
      this.finish(frames);
      start = i + 1;
    }
    this.append(chunk.subarray(start), frames);
    return frames;
  }

  /** Bytes held for a message not yet terminated. */
  get pending(): number {
    return this.length;
  }

  private append(bytes: Uint8Array, frames: Frame[]): void {
    if (bytes.length === 0 || this.discarding) return;
    if (this.length + bytes.length > this.maxBytes) {
      // Refuse now rather than at the terminator, which may never come.
      this.parts = [];
      this.length = 0;
      this.discarding = true;
      frames.push({ ok: false, error: 'too-long' });
      return;
    }
    this.parts.push(Buffer.from(bytes));
    this.length += bytes.length;
  }

  private finish(frames: Frame[]): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    // An empty frame is the LF of a CRLF (or a blank line): not a message.
    if (this.length === 0) return;
    const bytes = Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    frames.push({ ok: true, text: decodeText(bytes, this.charset) });
  }
}

/** A message as the bytes to write: text, optional AY/AZ, CR, in the connection's charset. */
export function encodeFrame(
  message: SipMessage,
  options: FormatOptions & { charset?: SipCharset } = {},
): Buffer {
  const charset = options.charset ?? 'utf8';
  return encodeText(`${formatWithTrailer(message, { ...options, charset })}\r`, charset);
}

/** Raw message text as the bytes to write, for replies already formatted. */
export const encodeTextFrame = (text: string, charset: SipCharset = 'utf8'): Buffer =>
  encodeText(`${text}\r`, charset);
