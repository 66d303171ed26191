// The HTTP layer driven in-process on both databases: the security headers every response carries
// (G5), error answers (404, 405, bad bodies, too large bodies, unexpected failures), CSRF, and what
// changes behind a trusted proxy (HSTS, Secure cookies).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from '../../test/support/env.ts';
import {
  assertSecurityHeaders,
  cookieNamed,
  decodeHtml,
  jsonRequest,
  makeStaff,
  PASSWORD,
} from '../../test/support/http-checks.ts';
import { Browser, createTestApp, csrfTokenOf, signedInStaff, useTestApp } from '../../test/support/http.ts';
import { STAFF_COOKIE } from './auth.ts';

describeEachDialect('HTTP: headers, errors and CSRF', (env) => {
  const app = useTestApp(env);

  test('every kind of response carries the security headers (G5)', async () => {
    const b = new Browser(app());
    const cases: Array<[string, LightMyRequestResponse, number, RegExp]> = [
      ['HTML page', await b.get('/'), 200, /^text\/html/],
      ['JSON API', await b.get('/api/v1/library'), 200, /^application\/json/],
      ['404 page', await b.get('/no-such-page'), 404, /^text\/html/],
      ['405 page', await b.request('PUT', '/contact'), 405, /^text\/html/],
      ['asset', await b.get('/assets/site.css'), 200, /^text\/css/],
      [
        'CSRF error page',
        await b.request('POST', '/staff/login', { form: { username: 'x', password: 'y' } }),
        403,
        /^text\/html/,
      ],
      ['validation error page', await b.get(`/staff/holds?branch=${'x'.repeat(60)}`), 400, /^text\/html/],
      ['malformed URL', await b.get('/%E0%A4%A'), 400, /^text\/html/],
      ['JSON 404', await b.get('/api/v1/nothing-here'), 404, /^application\/json/],
    ];
    for (const [label, res, status, type] of cases) {
      assert.equal(res.statusCode, status, label);
      assert.match(String(res.headers['content-type']), type, label);
      assertSecurityHeaders(res, label);
    }
  });

  test('no HSTS over plain HTTP, nor when an untrusted client claims X-Forwarded-Proto: https', async () => {
    const b = new Browser(app());
    assert.equal((await b.get('/')).headers['strict-transport-security'], undefined);
    const claimed = await b.get('/', { 'x-forwarded-proto': 'https' });
    assert.equal(claimed.statusCode, 200);
    assert.equal(
      claimed.headers['strict-transport-security'],
      undefined,
      'TRUST_PROXY is not set, so the header is not believed',
    );
  });

  test('an unknown address gets a helpful HTML page, or a JSON error under /api/v1', async () => {
    const b = new Browser(app());
    const page = await b.get('/catalog/no-such-record');
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /<title>Page not found/);
    assert.match(page.body, /There is no page at this address\. It may have moved; try the home page\./);
    assert.match(page.body, /<a href="\/">Go to the home page<\/a>/);

    const api = await b.get('/api/v1/no-such-thing');
    assert.equal(api.statusCode, 404);
    assert.deepEqual(api.json(), {
      error: {
        code: 'not_found',
        message: 'There is no page at this address. It may have moved; try the home page.',
      },
    });
  });

  test('a method an address does not accept gets 405 with an Allow header, before any CSRF check', async () => {
    const b = new Browser(app());
    for (const [method, url] of [
      ['PUT', '/contact'],
      ['DELETE', '/contact'],
      ['DELETE', '/'],
      ['POST', '/privacy'],
    ] as const) {
      const res = await b.request(method, url, method === 'POST' ? { form: { anything: '1' } } : {});
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assert.equal(res.headers.allow, 'GET, HEAD', `${method} ${url}`);
      assert.match(res.body, new RegExp(`This address does not accept ${method} requests\\.`));
    }
    const login = await b.request('DELETE', '/staff/login');
    assert.equal(login.statusCode, 405);
    assert.equal(login.headers.allow, 'GET, HEAD, POST');

    const api = await jsonRequest(b, 'PUT', '/api/v1/library', '{}');
    assert.equal(api.statusCode, 405);
    assert.equal(api.headers.allow, 'GET, HEAD');
    assert.deepEqual(api.json(), {
      error: { code: 'method_not_allowed', message: 'This address does not accept PUT requests.' },
    });
    // An unknown address stays a 404 whatever the method.
    assert.equal((await b.request('POST', '/no-such-form', { form: { a: '1' } })).statusCode, 404);
  });

  test('a form posted without its CSRF token, or with another session’s token, is refused even with the right password', async () => {
    const username = await makeStaff(env(), ['circulation']);
    const noToken = new Browser(app());
    const res1 = await noToken.request('POST', '/staff/login', { form: { username, password: PASSWORD } });
    assert.equal(res1.statusCode, 403);
    assert.match(
      decodeHtml(res1.body),
      /This form has expired or was not sent from this site\. Go back, reload the page and try again\./,
    );
    assert.equal(cookieNamed(res1, STAFF_COOKIE), undefined, 'not signed in');

    // Visitors' tokens need no cookie (W1); a token from someone's signed-in session is no
    // visitor's token. More in csrf.test.ts.
    const { browser: other } = await signedInStaff(env(), app(), ['reference']);
    const foreignToken = csrfTokenOf((await other.get('/staff')).body);
    const victim = new Browser(app());
    await victim.get('/staff/login');
    const res2 = await victim.request('POST', '/staff/login', {
      form: { _csrf: foreignToken, username, password: PASSWORD },
    });
    assert.equal(res2.statusCode, 403);
    assert.match(decodeHtml(res2.body), /This form has expired/);
    assert.equal(cookieNamed(res2, STAFF_COOKIE), undefined, 'not signed in');

    // The same browser with its own token signs in: the 403s above were about the token only.
    const ok = await victim.submit('/staff/login', '/staff/login', { username, password: PASSWORD });
    assert.equal(ok.statusCode, 303);
  });

  test('bad JSON or an unsupported body type gets a plain 4xx error, never a stack trace', async () => {
    const b = new Browser(app());
    const bad = await jsonRequest(b, 'POST', '/api/v1/health', '{"question": oops');
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.headers['content-type']), /^application\/json/);
    const body = bad.json() as { error: { code: string; message: string } };
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.code, 'bad_request');
    assert.match(body.error.message, /could not be understood/);
    assert.doesNotMatch(bad.body, /SyntaxError|Unexpected token|JSON at position|\bat .*\(|stack|FST_/);

    const weird = await b.request('POST', '/staff/login', {
      payload: 'x',
      headers: { 'content-type': 'application/x-weird' },
    });
    assert.equal(weird.statusCode, 415);
    assert.match(weird.body, /This kind of data is not accepted here\./);
    assert.doesNotMatch(weird.body, /FST_|stack/);
  });
});

describeEachDialect(
  'HTTP behind a trusted proxy',
  (env) => {
    const app = useTestApp(env);

    test('HSTS is sent when the trusted proxy says the request came over TLS, and only then', async () => {
      const tls = await new Browser(app(), { 'x-forwarded-proto': 'https' }).get('/');
      assert.match(String(tls.headers['strict-transport-security']), /^max-age=\d{7,}/);
      assertSecurityHeaders(tls, 'over TLS');
      assert.equal(
        (await new Browser(app()).get('/')).headers['strict-transport-security'],
        undefined,
        'plain request through the proxy',
      );
      assert.equal(
        (await new Browser(app(), { 'x-forwarded-proto': 'http' }).get('/')).headers[
          'strict-transport-security'
        ],
        undefined,
      );
      const untrusted = await new Browser(
        app(),
        { 'x-forwarded-proto': 'https' },
        { remoteAddress: '203.0.113.50' },
      ).get('/');
      assert.equal(untrusted.statusCode, 200);
      assert.equal(
        untrusted.headers['strict-transport-security'],
        undefined,
        'a client that is not the proxy is not believed',
      );
    });

    test('behind TLS the session cookie is also Secure; over plain HTTP it is not (A4)', async () => {
      const username = await makeStaff(env(), ['reference']);
      const tls = new Browser(app(), { 'x-forwarded-proto': 'https' });
      const res = await tls.submit('/staff/login', '/staff/login', { username, password: PASSWORD });
      assert.equal(res.statusCode, 303);
      const cookie = cookieNamed(res, STAFF_COOKIE);
      assert.ok(cookie);
      assert.deepEqual(
        [cookie.secure, cookie.httpOnly, cookie.sameSite, cookie.path],
        [true, true, 'Lax', '/'],
      );
      assert.match(
        String(res.headers['set-cookie']),
        /carrel_staff=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
      );

      const plain = new Browser(app(), { 'x-forwarded-proto': 'http' });
      const res2 = await plain.submit('/staff/login', '/staff/login', { username, password: PASSWORD });
      assert.equal(res2.statusCode, 303);
      assert.ok(!cookieNamed(res2, STAFF_COOKIE)?.secure);

      const spoofed = new Browser(app(), { 'x-forwarded-proto': 'https' }, { remoteAddress: '203.0.113.51' });
      const res3 = await spoofed.submit('/staff/login', '/staff/login', { username, password: PASSWORD });
      assert.equal(res3.statusCode, 303);
      assert.ok(!cookieNamed(res3, STAFF_COOKIE)?.secure, 'an untrusted claim of TLS does not count');
    });
  },
  { env: { TRUST_PROXY: '127.0.0.1' } },
);

describeEachDialect(
  'HTTP request size limit',
  (env) => {
    const app = useTestApp(env);

    test('a body over BODY_LIMIT_KB gets 413 with a plain message; a small one goes through', async () => {
      const b = new Browser(app());
      const big = await b.submit('/staff/login', '/staff/login', {
        username: 'someone',
        password: 'x'.repeat(2000),
      });
      assert.equal(big.statusCode, 413);
      assert.match(big.body, /<title>Too much data sent/);
      assert.match(big.body, /The data sent is larger than this site accepts\. Please send less at once\./);
      assertSecurityHeaders(big, '413 page');

      const api = await jsonRequest(b, 'POST', '/api/v1/health', JSON.stringify({ text: 'y'.repeat(2000) }));
      assert.equal(api.statusCode, 413);
      assert.equal((api.json() as { error: { code: string } }).error.code, 'body_too_large');

      const small = await b.submit('/staff/login', '/staff/login', {
        username: 'someone',
        password: 'short-wrong-pass',
      });
      assert.equal(small.statusCode, 401, 'a normal form is not affected');
      assert.equal(env().config.bodyLimitBytes, 1024);
    });
  },
  { env: { BODY_LIMIT_KB: '1' } },
);

describeEachDialect('HTTP unexpected errors', (env) => {
  test('an unexpected failure answers a generic 500 with the request id, logged under that id', async () => {
    const app = await createTestApp(env());
    try {
      const admin = await signedInStaff(env(), app, ['admin']);
      const token = admin.browser.cookies.get(STAFF_COOKIE)!;
      await env().ctx.database.close(); // from here on every query fails

      const res = await admin.browser.get('/staff/admin/staff');
      assert.equal(res.statusCode, 500);
      assert.match(res.body, /<title>Something went wrong on our side/);
      assert.match(res.body, /Please try again in a moment; if it keeps happening, tell the library\./);
      assertSecurityHeaders(res, '500 page');
      const reqId = /Reference for the library(?:'|&#39;|&#x27;)s staff: ([0-9a-f-]{36})/.exec(res.body)?.[1];
      assert.ok(reqId, 'the page shows a reference');
      assert.doesNotMatch(
        res.body,
        /Error:|\bat .*\(|destroyed|kysely|node_modules|SELECT|staff_sessions|sqlite|postgres/i,
      );

      const lines = env().logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      const logged = lines.find((l) => l.reqId === reqId && l.msg === 'unhandled error');
      assert.ok(logged, 'the error is logged under the request id');
      assert.equal(logged.level, 50);
      assert.ok(
        lines.some((l) => l.reqId === reqId && l.msg === 'request' && l.status === 500),
        'the request line has the same id',
      );
      assert.ok(!JSON.stringify(logged).includes(token), 'the session token is not logged');

      // The JSON API answers the same way, in JSON.
      const api = await admin.browser.get('/api/v1/staff/anything');
      assert.equal(api.statusCode, 500);
      assert.deepEqual(Object.keys(api.json() as object), ['error']);
      assert.equal((api.json() as { error: { code: string } }).error.code, 'internal');

      // Health checks report the outage instead of failing.
      const health = await new Browser(app).get('/api/v1/health');
      assert.equal(health.statusCode, 503);
      assert.equal((health.json() as { error: { code: string } }).error.code, 'database_unavailable');
    } finally {
      await app.close();
    }
  });
});
