// G4: request and application logs never carry client addresses, query strings, card numbers,
// PINs, passwords, e-mail addresses, user names or search terms — checked on the raw JSON lines
// after driving the app with all of them, including requests that fail with 404, 4xx and 500.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { findValueEverywhere } from '../../test/support/find-value.ts';
import { Browser, createTestApp } from '../../test/support/http.ts';
import { createStaff } from '../features/staff/staff.service.ts';

/** Values a patron or staff member might send; none may reach a log line. */
const secrets = {
  clientIp: '203.0.113.77',
  forwardedIp: '198.51.100.99',
  searchTerm: 'zyxwvut-secret-search',
  cardNumber: '29999000123456',
  pin: '482915',
  email: 'reader.qxj@example.org',
  wrongPassword: 'Wr0ng-Pa55-qqzzx-71',
  rightPassword: 'Right-Pa55-kkvvj-19',
  username: 'loggy.zq',
  name: 'Quentin Zarkovsky',
};
/** Every personal value, plus the form the URL-encoder gives the e-mail address. */
const needles = [...Object.values(secrets), encodeURIComponent(secrets.email)];

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  method?: string;
  route?: string;
  status?: number;
  durationMs?: number;
  [key: string]: unknown;
}

describeEachDialect(
  'logs hold no personal data (G4)',
  (env) => {
    let lines: LogLine[] = [];
    const storedSightings: Record<string, unknown[]> = {};
    let serverErrorReqId: string | undefined;
    let requestsSent = 0;

    before(async () => {
      const { ctx } = env();
      const app = await createTestApp(env());
      try {
        await createStaff(
          ctx,
          { kind: 'system' },
          {
            username: secrets.username,
            displayName: secrets.name,
            roles: ['admin'],
            password: secrets.rightPassword,
          },
        );
        const q = `q=${secrets.searchTerm}&card=${secrets.cardNumber}&pin=${secrets.pin}&email=${encodeURIComponent(secrets.email)}`;
        const direct = new Browser(
          app,
          {
            referer: `https://search.example/?q=${secrets.searchTerm}`,
            'user-agent': `Reader ${secrets.email}`,
          },
          { remoteAddress: secrets.clientIp },
        );
        // Through the trusted proxy (inject's default address, 127.0.0.1), which names the client.
        const proxied = new Browser(app, {
          'x-forwarded-for': secrets.forwardedIp,
          'x-forwarded-proto': 'https',
        });
        const send = async (b: Browser, ...args: Parameters<Browser['request']>) => {
          requestsSent++;
          return b.request(...args);
        };

        for (const b of [direct, proxied]) {
          await send(b, 'GET', `/?${q}`);
          await send(b, 'GET', `/privacy?${q}`);
          await send(b, 'GET', `/api/v1/library?${q}`);
          await send(b, 'GET', `/catalog/search/${secrets.searchTerm}?${q}`); // 404
          await send(b, 'GET', `/patrons/${encodeURIComponent(secrets.email)}/card/${secrets.cardNumber}`); // 404
          await send(b, 'GET', `/api/v1/patrons/${secrets.cardNumber}?${q}`); // JSON 404
          await send(b, 'PUT', `/contact?${q}`, { form: { email: secrets.email, pin: secrets.pin } }); // 405
          await send(b, 'POST', `/contact?${q}`, {
            form: { email: secrets.email, pin: secrets.pin, message: secrets.searchTerm },
          }); // 405
          await send(
            b,
            'GET',
            `/staff/holds?branch=${secrets.searchTerm}-${secrets.cardNumber}-${secrets.email}`,
          ); // 400 (too long)
          await send(b, 'GET', `/%E0%A4%A?${q}`); // malformed URL
          await send(b, 'POST', `/api/v1/health?${q}`, {
            payload: `{"email": "${secrets.email}", "pin": ${secrets.pin}`,
            headers: { 'content-type': 'application/json' },
          }); // bad JSON
          await send(b, 'POST', `/staff/login?${q}`, {
            form: { username: secrets.email, password: secrets.pin },
          }); // no CSRF token: 403
          await send(b, 'GET', `/?${q}`, {
            headers: { 'request-id': secrets.email, 'x-request-id': secrets.cardNumber },
          });

          // Sign-in: an e-mail address typed as the user name, a wrong password, then the right one.
          requestsSent += 2;
          await b.submit(`/staff/login?${q}`, '/staff/login', {
            username: secrets.email,
            password: secrets.pin,
          });
          requestsSent += 2;
          await b.submit('/staff/login', '/staff/login', {
            username: secrets.username,
            password: secrets.wrongPassword,
          });
          requestsSent += 2;
          const ok = await b.submit('/staff/login', '/staff/login', {
            username: secrets.username,
            password: secrets.rightPassword,
          });
          assert.equal(ok.statusCode, 303, 'the right password signs in');
          await send(b, 'GET', `/staff/admin/staff?${q}`);
          await send(b, 'GET', `/staff/admin/staff/${secrets.cardNumber}`); // not found as a domain error
          requestsSent += 2;
          await b.submit('/staff/admin/staff/new', '/staff/admin/staff/new', {
            username: secrets.email,
            displayName: secrets.name,
            roles: ['nonsense'],
          });
        }

        // What reached the database: the client addresses and typed values must not be stored either.
        for (const v of [
          secrets.clientIp,
          secrets.forwardedIp,
          secrets.email,
          secrets.wrongPassword,
          secrets.rightPassword,
          secrets.pin,
          secrets.searchTerm,
        ]) {
          storedSightings[v] = await findValueEverywhere(ctx, v);
        }

        // Last, a request that fails unexpectedly (the database is gone) and is logged with its stack.
        await ctx.database.close();
        const broken = await send(direct, 'GET', `/staff/admin/staff?${q}`);
        assert.equal(broken.statusCode, 500);
        serverErrorReqId = /staff: ([0-9a-f-]{36})/.exec(broken.body)?.[1];
        await send(proxied, 'POST', `/staff/login?${q}`, {
          form: { username: secrets.username, password: secrets.wrongPassword },
        });
      } finally {
        await app.close();
      }
      lines = env().logs.map((l) => JSON.parse(l) as LogLine);
    });

    test('no personal value appears anywhere in the raw log', () => {
      const raw = env().logs.join('\n');
      for (const v of needles) {
        const hit = env().logs.find((l) => l.includes(v));
        assert.equal(hit, undefined, `"${v}" was logged: ${hit}`);
      }
      // Nor any query string, or any other address.
      assert.doesNotMatch(raw, /\?q=|&card=|pin=/);
      assert.doesNotMatch(raw, /\b(?:\d{1,3}\.){3}\d{1,3}\b/, 'no IPv4 address at all');
    });

    test('nor are the client addresses or typed values stored in the database', () => {
      for (const [value, found] of Object.entries(storedSightings)) assert.deepEqual(found, [], value);
    });

    test('the log is not empty: each request has a line with method, route pattern, status, duration and id', () => {
      const requests = lines.filter((l) => l.msg === 'request');
      assert.equal(
        requests.length,
        requestsSent - 2,
        'one line per request (the two malformed URLs are answered before logging)',
      );
      for (const l of requests) {
        assert.equal(l.level, 30);
        assert.match(String(l.method), /^(GET|POST|PUT|DELETE)$/);
        assert.match(String(l.route), /^(\/[a-z0-9/:*._-]*|\(unmatched\))$/, `route ${l.route}`);
        assert.equal(typeof l.status, 'number');
        assert.equal(typeof l.durationMs, 'number');
        assert.match(String(l.reqId), /^[0-9a-f-]{36}$/);
        assert.deepEqual(
          Object.keys(l).sort(),
          ['durationMs', 'level', 'method', 'msg', 'reqId', 'route', 'status', 'time'],
          'nothing but these fields',
        );
      }
      const statuses = new Set(requests.map((l) => l.status));
      for (const s of [200, 303, 400, 401, 403, 404, 405, 500])
        assert.ok(statuses.has(s), `a ${s} was logged`);
      // Patterns, not paths: the record id in the URL shows as ":id".
      assert.ok(requests.some((l) => l.route === '/staff/admin/staff/:id' && l.status === 404));
      assert.ok(requests.some((l) => l.route === '(unmatched)' && l.status === 404));
      assert.ok(requests.some((l) => l.route === '/staff/login' && l.method === 'POST' && l.status === 401));
    });

    test('the unexpected error is logged under the request id the page showed, without personal data', () => {
      assert.ok(serverErrorReqId, 'the 500 page showed a reference');
      const errorLine = lines.find((l) => l.msg === 'unhandled error' && l.reqId === serverErrorReqId);
      assert.ok(errorLine, 'the error line carries the request id');
      assert.equal(errorLine.level, 50);
      assert.ok(lines.some((l) => l.msg === 'request' && l.reqId === serverErrorReqId && l.status === 500));
      assert.ok(
        lines.filter((l) => l.msg === 'unhandled error').length >= 2,
        'the failed sign-in was logged too',
      );
    });
  },
  { env: { TRUST_PROXY: '127.0.0.1' } },
);
