// Issue 12 item 20: requests Node's HTTP parser refuses before Fastify runs (a malformed request
// line, headers past the size limit) are answered with Carrel's security headers, over a raw socket.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { createTestApp } from '../../test/support/http.ts';
import type { App } from './types.ts';

/** Sends raw bytes and reads everything the server writes until it closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

function parse(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describeEachDialect('Node’s own error answers carry the security headers (G5)', (env) => {
  let app: App;
  let port: number;
  before(async () => {
    app = await createTestApp(env());
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  after(async () => app.close());

  const cases: Array<[string, string, number, RegExp]> = [
    [
      'malformed request line',
      'GET /%%% NOT-HTTP\r\nHost: x\r\n\r\n',
      400,
      /The request could not be understood/,
    ],
    [
      'headers too large',
      `GET / HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(40_000)}\r\n\r\n`,
      431,
      /more header data than this site accepts/,
    ],
  ];
  for (const [label, request, status, message] of cases) {
    test(`${label}: ${status} with CSP, nosniff, no-referrer, framing refused`, async () => {
      const res = parse(await rawExchange(port, request));
      assert.equal(res.status, status);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.body, 'latin1'));
      assert.match(res.body, message);
      assert.doesNotMatch(res.body, /%%%|Filler|aaaa/, 'nothing from the request is echoed');
    });
  }

  test('an ordinary request on the same server still works', async () => {
    const res = parse(
      await rawExchange(port, 'GET /contact HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    assert.equal(res.status, 200);
  });
});
