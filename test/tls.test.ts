// Serving HTTPS directly (TLS_CERT_FILE / TLS_KEY_FILE): real TLS on loopback, HSTS on every
// response and a Secure staff cookie (G5, A4).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStaff } from '../src/features/staff/staff.service.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { freePort } from './support/net.ts';
import { createTestEnv, type TestEnv } from './support/env.ts';
import { csrfTokenOf } from './support/http.ts';

const cookiesOf = (res: Res): string[] => {
  const v = res.headers['set-cookie'];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(
  port: number,
  method: string,
  url: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      // The certificate is self-signed for this test; the point is the server's behaviour over TLS.
      { host: '127.0.0.1', port, method, path: url, rejectUnauthorized: false, headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('serving HTTPS directly', () => {
  let env: TestEnv;
  let server: RunningServer;
  let port = 0;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'carrel-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    port = await freePort();
    env = await createTestEnv('sqlite', {
      env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key, HOST: '127.0.0.1', PORT: String(port) },
    });
    await createStaff(
      env.ctx,
      { kind: 'system' },
      {
        username: 'tls-admin',
        displayName: 'TLS',
        roles: ['admin'],
        password: 'correct horse battery staple',
      },
    );
    server = await startServer(env.ctx, { web: true, worker: false, scheduler: false });
  });

  after(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  test('every response carries HSTS, and the staff session cookie is Secure and HttpOnly', async () => {
    assert.equal(server.url, `https://127.0.0.1:${port}`);
    const home = await request(port, 'GET', '/');
    assert.equal(home.status, 200);
    assert.match(String(home.headers['strict-transport-security']), /^max-age=31536000/);
    const missing = await request(port, 'GET', '/nowhere');
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers['strict-transport-security']), /^max-age=/);

    const login = await request(port, 'GET', '/staff/login');
    // The sign-in form's CSRF token is signed into the form itself: a visitor gets no cookie (W1).
    assert.deepEqual(cookiesOf(login), [], 'the sign-in page sets no cookie');
    const form = new URLSearchParams({
      _csrf: csrfTokenOf(login.body),
      username: 'tls-admin',
      password: 'correct horse battery staple',
    });
    const signedIn = await request(port, 'POST', '/staff/login', {
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(signedIn.status, 303);
    const session = cookiesOf(signedIn).find((c) => c.startsWith('carrel_staff='));
    assert.ok(session, 'a session cookie was set');
    assert.match(session, /; Secure/);
    assert.match(session, /; HttpOnly/);
    assert.match(session, /; SameSite=Lax/);
  });
});
