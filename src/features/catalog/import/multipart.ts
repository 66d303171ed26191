// A small streaming multipart/form-data reader for the MARC upload form: a few text fields and one
// file, read as the bytes arrive. Text fields are kept in memory (small, and few: item 9); a file
// goes straight to a temporary file under a size limit (item 6), and only after `beforeFile` has
// approved the fields sent ahead of it (the form's CSRF token comes first). Just enough of RFC 7578
// for what browsers send; anything else is refused with a plain message rather than half-read.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../../errors.ts';
import { BodyTooLargeError, TooManyFieldsError } from '../../../http/forms.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  /** Where the bytes were written (inside the `dir` the caller gave, which the caller removes); '' in memory. */
  path: string;
  size: number;
  /** The bytes, when the reader was asked to keep files in memory (never on disk). */
  bytes?: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export interface MultipartLimits {
  /** Largest file, in bytes. */
  fileBytes: number;
  /** Most parts (fields and files together). */
  parts: number;
  /** Largest text field, and largest part header, in bytes. */
  fieldBytes: number;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

const bad = () =>
  new ValidationError('The upload could not be read. Choose the file again and resend the form.', {
    file: 'The upload could not be read; choose the file again.',
  });

/** The boundary of a multipart/form-data Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function headerParams(headers: string): { name?: string; filename?: string } {
  const disposition = headers.split('\r\n').find((h) => /^content-disposition:/i.test(h)) ?? '';
  const param = (key: string) => {
    const m = new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(disposition);
    return m?.[1];
  };
  return { name: param('name'), filename: param('filename') };
}

/**
 * Reads a multipart body from `stream`. `beforeFile` is called with the text fields read so far
 * when the first file part starts, and may throw to refuse the upload before any file byte is
 * kept. Files are written into `dir()`; on any error the files written so far are deleted.
 */
export async function readMultipart(
  stream: AsyncIterable<Buffer>,
  contentType: string | undefined,
  opts: {
    /** The folder for files, made when the first file part is approved. */
    dir: () => Promise<string>;
    /** Keep files in memory and never write them to disk (small files that must not touch it). */
    memory?: boolean;
    /** The message for a file over the limit (by default the catalog import's). */
    tooLarge?: (bytes: number) => string;
    limits: MultipartLimits;
    beforeFile(fields: Record<string, string>): void;
  },
): Promise<MultipartForm> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw bad();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const { limits } = opts;
  const form: MultipartForm = { fields: {}, files: [] };
  // The body starts with "--boundary" (no CRLF before it); pretend it had one.
  let buf: Buffer = CRLF;
  let state = 'preamble' as 'preamble' | 'after-delimiter' | 'headers' | 'field' | 'file' | 'done';
  let parts = 0;
  let name: string | undefined;
  let fieldChunks: Buffer[] = [];
  let fieldSize = 0;
  let file: { handle: fs.FileHandle | null; chunks: Buffer[]; entry: UploadedFile } | null = null;
  let fileCheckDone = false;

  const partData = async (data: Buffer) => {
    if (data.length === 0) return;
    if (state === 'field') {
      fieldSize += data.length;
      if (fieldSize > limits.fieldBytes) throw bad();
      fieldChunks.push(data);
    } else if (file) {
      file.entry.size += data.length;
      if (file.entry.size > limits.fileBytes)
        throw new BodyTooLargeError((opts.tooLarge ?? uploadTooLarge)(limits.fileBytes));
      if (file.handle) await file.handle.write(data);
      else file.chunks.push(Buffer.from(data));
    }
  };
  const endPart = async () => {
    if (state === 'field' && name !== undefined)
      form.fields[name] = Buffer.concat(fieldChunks).toString('utf8');
    if (file) {
      await file.handle?.close();
      if (!file.handle) file.entry.bytes = Buffer.concat(file.chunks);
      // An empty file input is sent as a part with an empty name and no data: not an upload.
      if (file.entry.filename !== '' || file.entry.size > 0) form.files.push(file.entry);
      else if (file.handle) await fs.rm(file.entry.path, { force: true });
      file = null;
    }
    fieldChunks = [];
    fieldSize = 0;
  };
  /** Opens a part; returns whether it is a text field or a file. */
  const startPart = async (headers: string): Promise<'field' | 'file'> => {
    if (++parts > limits.parts) throw new TooManyFieldsError(limits.parts);
    const params = headerParams(headers);
    name = params.name;
    if (params.filename === undefined || name === undefined) return 'field';
    if (!fileCheckDone) {
      opts.beforeFile(form.fields);
      fileCheckDone = true;
    }
    const entry = {
      field: name,
      filename: params.filename,
      path: opts.memory ? '' : path.join(await opts.dir(), `file-${parts}`),
      size: 0,
    };
    file = { handle: opts.memory ? null : await fs.open(entry.path, 'wx', 0o600), chunks: [], entry };
    return 'file';
  };

  try {
    for await (const chunk of stream) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (state === 'done') {
          buf = Buffer.alloc(0); // the epilogue is ignored
          break;
        }
        if (state === 'preamble' || state === 'field' || state === 'file') {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            // Keep what could be the start of a delimiter; the rest is part data (or preamble).
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state !== 'preamble') await partData(buf.subarray(0, buf.length - keep));
            else if (buf.length > limits.fieldBytes) throw bad();
            buf = buf.subarray(buf.length - keep);
            break;
          }
          if (state !== 'preamble') {
            await partData(buf.subarray(0, at));
            await endPart();
          }
          buf = buf.subarray(at + delimiter.length);
          state = 'after-delimiter';
        }
        if (state === 'after-delimiter') {
          if (buf.length < 2) break;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            state = 'done';
            continue;
          }
          if (!buf.subarray(0, 2).equals(CRLF)) throw bad();
          buf = buf.subarray(2);
          state = 'headers';
        }
        if (state === 'headers') {
          const end = buf.indexOf(HEADER_END);
          if (end < 0) {
            if (buf.length > limits.fieldBytes) throw bad();
            break;
          }
          const headers = buf.subarray(0, end).toString('utf8');
          buf = buf.subarray(end + HEADER_END.length);
          state = await startPart(headers);
        }
      }
    }
    if (state !== 'done') throw bad();
    return form;
  } catch (err) {
    const open = file as { handle: fs.FileHandle | null; entry: UploadedFile } | null;
    if (open?.handle) await open.handle.close().catch(() => undefined);
    for (const f of [...form.files, ...(open ? [open.entry] : [])])
      if (f.path) await fs.rm(f.path, { force: true });
    throw err;
  }
}

/** The message for an upload over the limit. */
export const uploadTooLarge = (bytes: number) =>
  `The file is larger than the ${Math.round(bytes / (1024 * 1024))} MB a web upload may be. Use \`carrel catalog import\` on the server for larger files.`;
