// Streams an access log line by line for the server-log import (issue 5 item 3), plain or gzip, and
// fingerprints the file so a re-run of the same file is recognised and not counted twice.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

// A line longer than this is cut here: the parser refuses anything over 16 KiB anyway, and a file
// with no newlines at all (a binary, a wrong path) must not be held in memory whole.
const MAX_KEPT = 64 * 1024;
const EDGE = 64 * 1024;
const CHUNK = 64 * 1024;

/** Whether the file starts with the gzip magic bytes; rotated logs are not always named .gz. */
async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The lines of a plain or gzip log (detected by content, not name), numbered from 1, without
 * their LF or CRLF; a last line without a newline is still a line. Split by hand over 64 KiB
 * decoded chunks: on 200,000 lines that measured about 1.5× as fast as node:readline (plain and
 * gzip), and 256 KiB chunks measured several times slower.
 */
export async function* readLogLines(file: string): AsyncGenerator<{ line: string; lineNo: number }> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  // Gunzip reads every member of a concatenated gzip file, as `cat a.gz b.gz` makes.
  const stream: Readable = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (gzip) raw.on('error', (err) => stream.destroy(err)); // pipe() does not forward read errors
  stream.setEncoding('utf8'); // a StringDecoder, so characters split across chunks stay whole

  let carry = ''; // the unfinished last line of the chunks so far
  let cut = false; // carry passed MAX_KEPT and was cut: drop the rest of that line
  let lineNo = 0;
  const strip = (s: string): string => (s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s);
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text: string;
      if (!cut) text = carry + chunk;
      else {
        const nl = chunk.indexOf('\n');
        if (nl === -1) continue;
        text = carry + chunk.slice(nl);
        cut = false;
      }
      const lines = text.split('\n');
      carry = lines.pop()!;
      for (const line of lines) yield { line: strip(line), lineNo: ++lineNo };
      if (carry.length > MAX_KEPT) {
        carry = carry.slice(0, MAX_KEPT);
        cut = true;
      }
    }
  } finally {
    // Stopping early (break in the caller) must not leave the file open.
    raw.destroy();
    stream.destroy();
  }
  if (carry !== '') yield { line: strip(carry), lineNo: ++lineNo };
}

/**
 * SHA-256 (hex) over the size and the first and last 64 KiB: constant work even for gigabyte
 * logs. The same file gives the same fingerprint on a re-run; a log that grew (appended, or
 * rotated in place) has a new size and tail, so it gives a new one.
 */
export async function fileFingerprint(file: string): Promise<{ fingerprint: string; bytes: number }> {
  const fh = await open(file, 'r');
  try {
    const bytes = (await fh.stat()).size;
    const hash = createHash('sha256').update(`carrel-log-v1 ${bytes}\n`);
    const headLen = Math.min(EDGE, bytes);
    const tailStart = Math.max(headLen, bytes - EDGE); // a small file is read once, not twice
    for (const [pos, len] of [
      [0, headLen],
      [tailStart, bytes - tailStart],
    ] as const) {
      if (len === 0) continue;
      const buf = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
        if (bytesRead === 0) break; // truncated while we read: hash what is there
        got += bytesRead;
      }
      hash.update(buf.subarray(0, got));
    }
    return { fingerprint: hash.digest('hex'), bytes };
  } finally {
    await fh.close();
  }
}
