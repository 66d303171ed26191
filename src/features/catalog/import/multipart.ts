// A small multipart/form-data reader for the MARC upload form: a few text fields and one file,
// read from a body Fastify has already buffered (and limited in size). Just enough of RFC 7578 for
// what browsers send; anything else is refused with a plain message rather than half-read.
import { ValidationError } from '../../../errors.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
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

/** Splits a multipart body into its text fields and files. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartForm {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw bad();
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: {}, files: [] };
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad();
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter ends the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return form;
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw bad();
    pos += 2;
    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd < 0) throw bad();
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headerEnd + 4);
    if (next < 0) throw bad();
    const data = body.subarray(headerEnd + 4, next);
    const { name, filename } = headerParams(headers);
    if (name !== undefined) {
      if (filename !== undefined) {
        if (filename !== '' || data.length > 0) form.files.push({ field: name, filename, data });
      } else form.fields[name] = data.toString('utf8');
    }
    pos = next + 2;
  }
}
