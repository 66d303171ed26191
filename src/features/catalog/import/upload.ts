// How the import routes read their bodies (issue 12 item 6). Anonymous 120 MB posts used to be read
// and parsed in memory before anyone checked who sent them. Now, before a byte of the body is read,
// the sender must be signed in with the import permission, the request must not be cross-site (the
// app-wide check) and, when a header carries the CSRF token, it must be this session's; a web form's
// token is checked when the file part starts, before any file byte is kept. The body then streams
// to a temporary file under a size limit, a few uploads at a time; the files go when the answer does.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.ts';
import { DomainError, TooManyRequestsError } from '../../../errors.ts';
import { requireStaff } from '../../../http/auth.ts';
import { checkCsrfToken, tokenOf } from '../../../http/csrf.ts';
import { BodyTooLargeError } from '../../../http/forms.ts';
import type { App } from '../../../http/types.ts';
import { canImportCatalog } from '../catalog.policy.ts';
import { readMultipart, uploadTooLarge, type MultipartLimits, type UploadedFile } from './multipart.ts';
import type { Actor } from '../../../auth/actors.ts';
import type { ImportSource } from './sources.ts';
import { plural } from '../../../plural.ts';

/** Largest MARC upload (web form or API); bigger files go through `carrel catalog import`. */
export const IMPORT_MAX_MB = 128;
/** Uploads read or imported at once per process; more wait for a 429 and try again. */
export const MAX_CONCURRENT_UPLOADS = 2;

const limits = { fileBytes: IMPORT_MAX_MB * 1024 * 1024, parts: 20, fieldBytes: 64 * 1024 };
/** Room for the form's text fields and part headers around the file. */
const multipartOverhead = 1024 * 1024;

const MARC_TYPES = [
  'application/marc',
  'application/octet-stream',
  'application/xml',
  'application/marcxml+xml',
  'text/xml',
];

/** A raw request body (the API's MARC data), kept in a temporary file. */
export class StoredBody {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {}
}

/** The sender went quiet in the middle of an upload; its slot is given to others. */
export class UploadStalledError extends DomainError {
  readonly kind = 'timed_out';
  readonly code = 'upload_stalled';
  constructor(seconds: number) {
    super(
      `Nothing of the upload arrived for ${plural(seconds, 'second')}, so it was stopped. Please choose the file and send it again.`,
    );
  }
}

/**
 * The body's chunks, failing with UploadStalledError when none arrives for `idleMs`. Fastify sets
 * no time limit on a request body, so without this an upload that stalls (a laptop closed
 * mid-upload, a dropped network, a deliberately slow sender) would hold one of the few upload
 * slots until the process restarts. Time spent writing a chunk to disk does not count.
 */
async function* untilIdle(stream: AsyncIterable<Buffer>, idleMs: number): AsyncGenerator<Buffer> {
  const chunks = stream[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UploadStalledError(Math.round(idleMs / 1000))), idleMs);
    });
    const next = await Promise.race([chunks.next(), idle]).finally(() => clearTimeout(timer));
    if (next.done) return;
    yield next.value;
  }
}

interface Upload {
  dir: string | null;
  handlerRunning: boolean;
  /** Released: no new temporary folder may be made for it. */
  ended: boolean;
  release(): Promise<void>;
}
const uploads = new WeakMap<FastifyRequest, Upload>();

const isMultipart = (request: FastifyRequest) =>
  /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');

/** The token a header carries (the API; a script may also send one with the form). */
const headerToken = (request: FastifyRequest) => tokenOf(request, {});

async function tempDir(request: FastifyRequest): Promise<string> {
  const upload = uploads.get(request);
  if (!upload) throw new Error('upload gate did not run');
  if (upload.ended) throw new Error('the upload has ended');
  upload.dir ??= await fs.mkdtemp(path.join(os.tmpdir(), 'carrel-upload-'));
  return upload.dir;
}

/** Who may upload and how much, for a scope other than the catalog import (e.g. a case's papers). */
export interface UploadGate {
  permitted: (a: Actor) => boolean;
  limits: MultipartLimits;
  /** Uploads read at once in this scope; more get a 429 with `busyMessage`. */
  maxConcurrent: number;
  busyMessage: string;
  /** Keep files in memory, never in a temporary file (what must not touch the disk unencrypted). */
  memory?: boolean;
  /** The message for a file over the limit. */
  tooLarge?: (bytes: number) => string;
}

const catalogGate: UploadGate = {
  permitted: canImportCatalog,
  limits,
  maxConcurrent: MAX_CONCURRENT_UPLOADS,
  busyMessage: 'Another catalog upload is being read or imported. Please try again in a minute.',
};

async function streamToFile(stream: AsyncIterable<Buffer>, file: string): Promise<number> {
  const handle = await fs.open(file, 'wx', 0o600);
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > limits.fileBytes) throw new BodyTooLargeError(uploadTooLarge(limits.fileBytes));
      await handle.write(chunk);
    }
    return size;
  } finally {
    await handle.close();
  }
}

/**
 * Installs the gate, the body readers and the clean-up on an encapsulated scope holding only the
 * import routes (every other route keeps the global body limit and has no multipart reader).
 */
export function installUploadHandling(scope: App, ctx: AppContext, gate: UploadGate = catalogGate): void {
  let active = 0;
  const max = gate.limits.fileBytes;

  scope.addHook('onRequest', async (request, reply) => {
    // A refused upload's body is never read: the connection closes after the answer.
    void reply.header('Connection', 'close');
    if (!requireStaff(request, reply, gate.permitted)) return reply;
    const length = Number(request.headers['content-length']);
    // With several files, the most any of them may be, times the parts, plus room for the fields.
    if (length > max * (gate === catalogGate ? 1 : gate.limits.parts) + multipartOverhead)
      throw new BodyTooLargeError((gate.tooLarge ?? uploadTooLarge)(max));
    const token = headerToken(request);
    if (!isMultipart(request) || token !== undefined) checkCsrfToken(ctx, request, token);
    if (active >= gate.maxConcurrent) throw new TooManyRequestsError(gate.busyMessage, 60);
    active++;
    let held = true;
    const upload: Upload = {
      dir: null,
      handlerRunning: false,
      ended: false,
      async release() {
        upload.ended = true;
        if (held) {
          held = false;
          active--;
        }
        const dir = upload.dir;
        upload.dir = null;
        if (dir) await fs.rm(dir, { recursive: true, force: true });
      },
    };
    uploads.set(request, upload);
    // Whatever ends the exchange (answer sent, error, client gone) frees the slot and the files,
    // unless the import is still reading them; then withUpload frees them when it ends.
    reply.raw.once('close', () => {
      if (!upload.handlerRunning) void upload.release();
    });
    // A sender who hung up while the session was looked up is gone already: 'close' was emitted
    // before the listener above, and would never free the slot.
    if (reply.raw.closed || request.raw.destroyed) {
      await upload.release();
      return reply;
    }
  });

  scope.addContentTypeParser(
    'multipart/form-data',
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const form = await readMultipart(
        untilIdle(payload, ctx.config.uploadIdleMs),
        request.headers['content-type'],
        {
          dir: () => tempDir(request),
          limits: gate.limits,
          memory: gate.memory ?? false,
          ...(gate.tooLarge ? { tooLarge: gate.tooLarge } : {}),
          beforeFile: (fields) =>
            checkCsrfToken(ctx, request, headerToken(request) ?? tokenOf(request, fields)),
        },
      );
      return { ...form.fields, _files: form.files };
    },
  );
  scope.addContentTypeParser(MARC_TYPES, async (request: FastifyRequest, payload: IncomingMessage) => {
    const file = path.join(await tempDir(request), 'body');
    return new StoredBody(file, await streamToFile(untilIdle(payload, ctx.config.uploadIdleMs), file));
  });
}

/** Runs an import route's work on its uploaded files, and removes them when it ends. */
export async function withUpload<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const upload = uploads.get(request);
  if (upload) upload.handlerRunning = true;
  try {
    return await work();
  } finally {
    if (upload) {
      upload.handlerRunning = false;
      await upload.release();
    }
  }
}

/** The uploaded files of a multipart form, as the reader left them beside the text fields. */
export function uploadedFiles(request: FastifyRequest): UploadedFile[] {
  const files: unknown = (request.body as { _files?: unknown } | null)?._files;
  return Array.isArray(files) ? (files as UploadedFile[]) : [];
}

/** An import source reading an uploaded file, streamed in 1 MB chunks. */
export const uploadSource = (name: string, file: string): ImportSource => ({
  name,
  chunks: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
});
