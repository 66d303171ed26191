// Issue 12 item 6 over a real socket: the import routes answer who-are-you, permission, CSRF and
// size questions before reading the body, never hold an upload in memory, take a few uploads at a
// time, and leave no temporary file behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { before, test } from 'node:test';
import { describeEachDialect } from '../../../../test/support/env.ts';
import { csrfTokenOf, signedInStaff, useTestApp } from '../../../../test/support/http.ts';
import { book, iso2709 } from '../../../../test/support/marc.ts';
import { MAX_CONCURRENT_UPLOADS } from './upload.ts';

const MB = 1024 * 1024;
const boundary = 'XXcarrelXX';

interface Exchange {
  status: number;
  head: string;
  body: string;
  sentBytes: number;
  peakArrayBufferGrowth: number;
}

/**
 * Opens a connection, sends the head, then up to `bodyBytes` of body in 1 MB chunks while the
 * server keeps reading; stops when the server answers or closes. Samples the process's Buffer
 * memory (client and server share it) to see whether the body was held anywhere.
 */
function post(
  port: number,
  url: string,
  headers: Record<string, string>,
  bodyBytes: number,
  opts: { prefix?: Buffer; keepOpen?: boolean } = {},
): { done: Promise<Exchange>; socket: net.Socket } {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 2);
  const chunk = Buffer.alloc(MB, 0x41);
  const received: Buffer[] = [];
  let sent = 0;
  let answered = false;
  const socket = net.connect(port, '127.0.0.1');
  const done = new Promise<Exchange>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received.push(d);
      answered = true;
    });
    socket.on('error', () => undefined); // EPIPE/ECONNRESET once the server hangs up
    socket.on('close', () => {
      clearInterval(sampler);
      const text = Buffer.concat(received).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({
        status: Number(head.split(' ')[1]),
        head,
        body,
        sentBytes: sent,
        peakArrayBufferGrowth: peak - base,
      });
    });
  });
  socket.on('connect', async () => {
    socket.write(
      `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        Object.entries({ 'content-length': String(bodyBytes), ...headers })
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        '\r\n',
    );
    if (opts.prefix) {
      socket.write(opts.prefix);
      sent += opts.prefix.length;
    }
    const target = opts.keepOpen ? Math.min(bodyBytes, sent + MB) : bodyBytes;
    while (sent < target && !answered && !socket.destroyed) {
      const piece = chunk.subarray(0, Math.min(MB, target - sent));
      sent += piece.length;
      if (!socket.write(piece))
        await new Promise<void>((r) => {
          socket.once('drain', r);
          socket.once('close', r);
        });
    }
  });
  return { done, socket };
}

const uploadDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('carrel-upload-')).length;

/** Waits (up to a second) for the server's clean-up, which runs as the connection closes. */
async function settledUploadDirs(expected: number): Promise<number> {
  for (let i = 0; i < 50 && uploadDirs() !== expected; i++) await new Promise((r) => setTimeout(r, 20));
  return uploadDirs();
}

function multipartHead(token: string | undefined, fileName = 'big.mrc'): Buffer {
  return Buffer.from(
    (token !== undefined
      ? `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`
      : '') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
}

describeEachDialect(
  'catalog uploads are checked before their body is read (issue 12 item 6)',
  (env) => {
    const app = useTestApp(env);
    let port = 0;
    before(async () => {
      await app().listen({ port: 0, host: '127.0.0.1' });
      port = (app().server.address() as net.AddressInfo).port;
    });

    const multipartType = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const cookieOf = (cookies: Map<string, string>) => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');

    test('anonymous 120 MB posts are answered at once, unread and unbuffered', async () => {
      for (const [url, headers, status] of [
        ['/staff/catalog/import', multipartType, 303],
        ['/api/v1/staff/catalog/import', { 'content-type': 'application/marc' }, 401],
      ] as const) {
        const res = await post(port, url, headers, 120_000_000).done;
        assert.equal(res.status, status, `${url}: ${res.head}`);
        assert.ok(res.sentBytes < 40 * MB, `${url}: the server hung up after ${res.sentBytes} bytes`);
        assert.ok(
          res.peakArrayBufferGrowth < 60 * MB,
          `${url}: Buffer memory grew by ${(res.peakArrayBufferGrowth / MB).toFixed(1)} MB`,
        );
      }
    });

    test('wrong role, no CSRF token, or a file before the token: refused before the file is read', async () => {
      const { browser: circ } = await signedInStaff(env(), app(), ['circulation']);
      const { browser: admin } = await signedInStaff(env(), app(), ['admin']);
      const dirsBefore = uploadDirs();
      const cases: Array<[string, string, Record<string, string>, Buffer | undefined, number, RegExp]> = [
        [
          'circulation staff',
          '/api/v1/staff/catalog/import',
          { 'content-type': 'application/marc', cookie: cookieOf(circ.cookies) },
          undefined,
          403,
          /"forbidden"/,
        ],
        [
          'admin without a CSRF header',
          '/api/v1/staff/catalog/import',
          { 'content-type': 'application/marc', cookie: cookieOf(admin.cookies) },
          undefined,
          403,
          /"csrf"/,
        ],
        [
          'admin form with the file before any token',
          '/staff/catalog/import',
          { ...multipartType, cookie: cookieOf(admin.cookies) },
          multipartHead(undefined),
          403,
          /This form has expired/,
        ],
      ];
      for (const [label, url, headers, prefix, status, message] of cases) {
        const res = await post(port, url, headers, 100 * MB, prefix ? { prefix } : {}).done;
        assert.equal(res.status, status, `${label}: ${res.head}`);
        assert.match(res.body, message, label);
        assert.ok(res.sentBytes < 40 * MB, `${label}: the server hung up after ${res.sentBytes} bytes`);
      }
      assert.equal(await settledUploadDirs(dirsBefore), dirsBefore, 'no temporary upload is left');
    });

    // (A body without a length that runs past the limit is stopped by the reader: catalog-admin.routes.test.ts.)
    test('an upload whose declared length is over the limit is refused before it is read', async () => {
      const { browser: admin } = await signedInStaff(env(), app(), ['admin']);
      const headers = { ...multipartType, cookie: cookieOf(admin.cookies) };
      const declared = await post(port, '/staff/catalog/import', headers, 200 * MB).done;
      assert.equal(declared.status, 413);
      assert.match(declared.body, /larger than the 128 MB a web upload may be/);
      assert.ok(declared.sentBytes < 40 * MB);
    });

    test('a signed-in administrator’s upload is streamed, imported, and its temporary file removed', async () => {
      const { browser: admin } = await signedInStaff(env(), app(), ['admin']);
      const token = csrfTokenOf((await admin.get('/staff/catalog/import')).body);
      const dirsBefore = uploadDirs();
      const data = iso2709(book('upload-1', 'Streamed to disk'));
      const body = Buffer.concat([
        multipartHead(token, 'one.mrc'),
        data,
        Buffer.from(
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="encoding"\r\n\r\nauto\r\n--${boundary}--\r\n`,
        ),
      ]);
      const res = await admin.request('POST', '/staff/catalog/import', {
        payload: body,
        headers: multipartType,
      });
      assert.equal(res.statusCode, 200, res.body.slice(0, 400));
      assert.match(res.body, /one\.mrc: 1 records? read, 1 new/);
      assert.equal(await settledUploadDirs(dirsBefore), dirsBefore, 'the temporary file is gone');
    });

    test(`more than ${MAX_CONCURRENT_UPLOADS} uploads at once: the next is asked to wait, then served`, async () => {
      const { browser: admin } = await signedInStaff(env(), app(), ['admin']);
      const token = csrfTokenOf((await admin.get('/staff/catalog/import')).body);
      const headers = { ...multipartType, cookie: cookieOf(admin.cookies) };
      const dirsBefore = uploadDirs();
      // Uploads that have sent their token and 1 MB of a 100 MB file, and then stall.
      const slow = Array.from({ length: MAX_CONCURRENT_UPLOADS }, () =>
        post(port, '/staff/catalog/import', headers, 100 * MB, {
          prefix: multipartHead(token),
          keepOpen: true,
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const refused = await post(port, '/staff/catalog/import', headers, 100 * MB, {
        prefix: multipartHead(token),
      }).done;
      assert.equal(refused.status, 429);
      assert.match(refused.head, /retry-after: 60/i);
      assert.match(refused.body, /Another catalog upload is being read or imported/);
      // The stalled senders give up; their slots and files are freed.
      for (const s of slow) s.socket.destroy();
      await Promise.all(slow.map((s) => s.done));
      assert.equal(await settledUploadDirs(dirsBefore), dirsBefore, 'the abandoned uploads’ files are gone');
      const again = await admin.request('POST', '/staff/catalog/import', {
        payload: Buffer.concat([
          multipartHead(token, 'two.mrc'),
          iso2709(book('upload-2', 'After the queue')),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
        headers: multipartType,
      });
      assert.equal(again.statusCode, 200, again.body.slice(0, 300));
    });

    test('uploads whose sender hangs up at once, before the checks have run, still free their slots', async () => {
      const { browser: admin } = await signedInStaff(env(), app(), ['admin']);
      const token = csrfTokenOf((await admin.get('/staff/catalog/import')).body);
      const dirsBefore = uploadDirs();
      // The headers arrive and the connection is gone while the session is still being looked up.
      for (let i = 0; i < MAX_CONCURRENT_UPLOADS + 3; i++) {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise((r) => socket.once('connect', r));
        socket.on('error', () => undefined);
        socket.write(
          `POST /staff/catalog/import HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
            `content-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: ${10 * MB}\r\n` +
            `x-csrf-token: ${token}\r\ncookie: ${cookieOf(admin.cookies)}\r\n\r\n`,
        );
        socket.destroy();
        await new Promise((r) => socket.once('close', r));
      }
      await new Promise((r) => setTimeout(r, 300));
      const next = await admin.request('POST', '/staff/catalog/import', {
        payload: Buffer.concat([
          multipartHead(token, 'four.mrc'),
          iso2709(book('upload-4', 'After the hang-ups')),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
        headers: multipartType,
      });
      assert.equal(next.statusCode, 200, next.body.slice(0, 300));
      assert.equal(await settledUploadDirs(dirsBefore), dirsBefore);
    });

    test(
      `uploads that stall without hanging up are dropped after UPLOAD_IDLE_SECONDS, freeing their slots`,
      { timeout: 20_000 },
      async () => {
        const { browser: admin } = await signedInStaff(env(), app(), ['admin']);
        const token = csrfTokenOf((await admin.get('/staff/catalog/import')).body);
        const headers = { ...multipartType, cookie: cookieOf(admin.cookies) };
        const dirsBefore = uploadDirs();
        const startedAt = Date.now();
        // As many stalled uploads as there are slots (a laptop closed mid-upload keeps its connection
        // open); this time the senders never give up, and the API's raw body stalls just the same.
        const stalled = [
          post(port, '/staff/catalog/import', headers, 100 * MB, {
            prefix: multipartHead(token),
            keepOpen: true,
          }),
          post(
            port,
            '/api/v1/staff/catalog/import',
            { 'content-type': 'application/marc', 'x-csrf-token': token, cookie: cookieOf(admin.cookies) },
            100 * MB,
            { keepOpen: true },
          ),
        ].slice(0, MAX_CONCURRENT_UPLOADS);
        const answers = await Promise.all(stalled.map((s) => s.done));
        const waited = Date.now() - startedAt;
        for (const res of answers) {
          assert.equal(res.status, 408, res.head);
          assert.match(res.body, /Nothing of the upload arrived for 2 seconds, so it was stopped/);
        }
        assert.ok(waited >= 1900 && waited < 15_000, `dropped after ${waited} ms`);
        assert.equal(await settledUploadDirs(dirsBefore), dirsBefore, 'the stalled uploads’ files are gone');
        const next = await admin.request('POST', '/staff/catalog/import', {
          payload: Buffer.concat([
            multipartHead(token, 'three.mrc'),
            iso2709(book('upload-3', 'After the stall')),
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]),
          headers: multipartType,
        });
        assert.equal(next.statusCode, 200, next.body.slice(0, 300));
      },
    );
  },
  { env: { UPLOAD_IDLE_SECONDS: '2' } },
);
