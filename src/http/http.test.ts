// The HTTP layer driven in-process on both databases: security headers (G5), error answers,
// CSRF, the staff sign-in flow and cookies (A4), role-guarded admin pages, and public pages that
// need no cookies or JavaScript (W1) and publish the policy generated from the inventory (G3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect, type TestEnv } from '../../test/support/env.ts';
import { findValueEverywhere } from '../../test/support/find-value.ts';
import { Browser, createTestApp, csrfTokenOf, signedInStaff, useTestApp } from '../../test/support/http.ts';
import { createStaff } from '../features/staff/staff.service.ts';
import type { Role } from '../features/staff/roles.ts';
import { weekdays } from '../library.ts';
import { STAFF_COOKIE } from './auth.ts';

const PASSWORD = 'reading-room-lamp-1907';
let seq = 0;

async function makeStaff(env: TestEnv, roles: Role[]) {
  const username = `web${++seq}${roles[0]!.replace(/[^a-z]/g, '')}`;
  await createStaff(
    env.ctx,
    { kind: 'system' },
    { username, displayName: `Name ${username}`, roles, password: PASSWORD },
  );
  return username;
}

/** G5: the headers every response carries, whatever produced it. */
function assertSecurityHeaders(res: LightMyRequestResponse, label: string): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  assert.ok(csp, `${label}: has a Content-Security-Policy`);
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
  assert.deepEqual(directives.get('default-src'), ["'self'"], `${label}: default-src 'self'`);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${label}: frame-ancestors 'none'`);
  for (const [name, sources] of directives) {
    for (const s of sources) {
      // First party only: 'self' or 'none' (and inline data: images); no hosts, schemes, wildcards or unsafe-*.
      assert.ok(
        s === "'self'" || s === "'none'" || (name === 'img-src' && s === 'data:'),
        `${label}: ${name} allows ${s}`,
      );
    }
  }
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `${label}: Referrer-Policy`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`);
}

const cookieNamed = (res: LightMyRequestResponse, name: string) => res.cookies.find((c) => c.name === name);

const decodeHtml = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const jsonRequest = (browser: Browser, method: 'POST' | 'PUT', url: string, payload: string) =>
  browser.request(method, url, { payload, headers: { 'content-type': 'application/json' } });

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

describeEachDialect('HTTP: staff sign-in, sessions and admin pages', (env) => {
  const app = useTestApp(env);

  test('signed out, staff pages send you to the sign-in page', async () => {
    const b = new Browser(app());
    for (const url of [
      '/staff',
      '/staff/admin/staff',
      '/staff/admin/purge',
      '/staff/admin/jobs',
      '/staff/password',
    ]) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/staff/login', url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
  });

  test('a wrong password gets 401 and keeps the user name, never the password', async () => {
    const username = await makeStaff(env(), ['reference']);
    const b = new Browser(app());
    const typed = 'Wrong-Pass-Zq81-xyzzy';
    const res = await b.submit('/staff/login', '/staff/login', { username, password: typed });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /Wrong user name or password\./);
    assert.match(res.body, new RegExp(`name="username" type="text" value="${username}"`));
    assert.ok(!res.body.includes(typed), 'the typed password is not echoed');
    assert.doesNotMatch(res.body.match(/<input[^>]*name="password"[^>]*>/)?.[0] ?? '', /value=/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(cookieNamed(res, STAFF_COOKIE), undefined);
  });

  test('signing in sets an HttpOnly, SameSite=Lax session cookie (not Secure over plain HTTP); sign-out destroys the session (A4)', async () => {
    const username = await makeStaff(env(), ['reference']);
    const b = new Browser(app());
    const res = await b.submit('/staff/login', '/staff/login', { username, password: PASSWORD });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/staff');
    const cookie = cookieNamed(res, STAFF_COOKIE);
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.ok(!cookie.secure, 'no Secure flag over plain HTTP (the browser would drop it)');
    const token = cookie.value;

    const home = await b.get('/staff');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, new RegExp(`Hello, Name ${username}`));
    assert.equal(home.headers['cache-control'], 'no-store');
    const sessions = () =>
      env()
        .ctx.db.selectFrom('staff_sessions')
        .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
        .select('staff_sessions.id')
        .where('staff.username', '=', username)
        .execute();
    assert.equal((await sessions()).length, 1);

    const out = await b.submit('/staff', '/staff/logout', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/staff/login');
    assert.equal(b.cookies.has(STAFF_COOKIE), false, 'the cookie is cleared');
    assert.deepEqual(await sessions(), [], 'the session row is deleted on the server');

    const replay = new Browser(app());
    replay.cookies.set(STAFF_COOKIE, token);
    const again = await replay.get('/staff');
    assert.equal(again.statusCode, 303, 'the old cookie no longer signs anyone in');
    assert.equal(again.headers.location, '/staff/login');
  });

  test('admin pages: 200 for an administrator, 403 for circulation; the privacy officer sees purging only', async () => {
    const admin = await signedInStaff(env(), app(), ['admin']);
    const circulation = await signedInStaff(env(), app(), ['circulation']);
    const officer = await signedInStaff(env(), app(), ['privacy-officer']);
    const pages: Array<[string, RegExp]> = [
      ['/staff/admin/staff', /<h1>Staff accounts<\/h1>/],
      ['/staff/admin/purge', /<h1>Purging<\/h1>/],
      ['/staff/admin/jobs', /<h1>Background jobs<\/h1>/],
    ];
    for (const [url, heading] of pages) {
      const a = await admin.browser.get(url);
      assert.equal(a.statusCode, 200, `admin ${url}`);
      assert.match(a.body, heading);
      assert.equal(a.headers['cache-control'], 'no-store');
      const c = await circulation.browser.get(url);
      assert.equal(c.statusCode, 403, `circulation ${url}`);
      assert.match(c.body, /Your staff roles do not allow this page/);
      assert.doesNotMatch(c.body, heading);
    }
    const purge = await officer.browser.get('/staff/admin/purge');
    assert.equal(purge.statusCode, 200);
    assert.match(purge.body, /Retention rules/);
    assert.doesNotMatch(purge.body, /Run the purge now/, 'no button the officer may not use');
    assert.equal((await officer.browser.get('/staff/admin/jobs')).statusCode, 403);
    assert.equal((await officer.browser.get('/staff/admin/staff')).statusCode, 403);
    const home = await officer.browser.get('/staff');
    assert.match(home.body, /href="\/staff\/admin\/purge"/);
    assert.doesNotMatch(home.body, /href="\/staff\/admin\/staff"/);
  });

  test('only an administrator can queue a purge; it lands in the job queue', async () => {
    const { db } = env().ctx;
    const purgeJobs = () =>
      db
        .selectFrom('jobs')
        .select(['name', 'status', 'payload'])
        .where('name', '=', 'privacy.purge')
        .execute();
    const before = (await purgeJobs()).length;

    const officer = await signedInStaff(env(), app(), ['privacy-officer']);
    const refused = await officer.browser.submit('/staff/admin/purge', '/staff/admin/purge/run', {});
    assert.equal(refused.statusCode, 403);
    assert.equal((await purgeJobs()).length, before, 'nothing queued');

    const admin = await signedInStaff(env(), app(), ['admin']);
    const res = await admin.browser.submit('/staff/admin/purge', '/staff/admin/purge/run', {});
    assert.equal(res.statusCode, 303);
    // The message waits in the session; the URL carries none (issue 12 item 2).
    assert.equal(res.headers.location, '/staff/admin/purge');
    const jobs = await purgeJobs();
    assert.equal(jobs.length, before + 1);
    assert.equal(jobs.at(-1)?.status, 'queued');
    assert.deepEqual(JSON.parse(jobs.at(-1)!.payload), { trigger: 'manual' });
    const page = await admin.browser.get(String(res.headers.location));
    assert.match(page.body, /A purge has been queued/);
    const again = await admin.browser.get('/staff/admin/purge');
    assert.doesNotMatch(again.body, /A purge has been queued/, 'shown once');
  });

  test('the new-account form re-renders with 400, a message per field, and what was typed', async () => {
    const admin = await signedInStaff(env(), app(), ['admin']);
    const countBefore = (await env().ctx.db.selectFrom('staff').select('id').execute()).length;
    const res = await admin.browser.submit('/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'Jo Bad!',
      displayName: 'Jo Example',
      roles: ['reference', 'stacks-wizard'],
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Please correct the marked fields\./);
    assert.match(
      res.body,
      /id="username-error"><span class="visually-hidden">Error: <\/span>Use 3–32 lower-case letters/,
    );
    assert.match(
      res.body,
      /id="roles-error"><span class="visually-hidden">Error: <\/span>Choose roles from the list\./,
    );
    assert.match(res.body, /name="username" type="text" value="Jo Bad!"/);
    assert.match(res.body, /name="displayName" type="text" value="Jo Example"/);
    assert.match(res.body, /value="reference" checked/);
    assert.doesNotMatch(res.body, /value="admin" checked/);

    const none = await admin.browser.submit('/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'jo.example',
      displayName: '',
    });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /id="displayName-error">.*Enter a name\./);
    assert.match(none.body, /id="roles-error">.*Choose at least one role\./);
    assert.equal(
      (await env().ctx.db.selectFrom('staff').select('id').execute()).length,
      countBefore,
      'no account was created',
    );
  });

  test('a new account’s one-time password is shown once, and must be replaced before anything else', async () => {
    const { ctx } = env();
    const admin = await signedInStaff(env(), app(), ['admin']);
    const created = await admin.browser.submit('/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'pat.newhire',
      displayName: 'Pat Newhire',
      roles: ['circulation'],
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers['cache-control'], 'no-store', 'the page with the password is never cached');
    const oneTime = /<span class="secret">([^<]+)<\/span>/.exec(created.body)?.[1];
    assert.match(oneTime ?? '', /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    assert.deepEqual(await findValueEverywhere(ctx, oneTime!), [], 'the password itself is stored nowhere');
    const id = /href="\/staff\/admin\/staff\/([^"]+)"/.exec(created.body)?.[1];
    const detail = await admin.browser.get(`/staff/admin/staff/${id}`);
    assert.equal(detail.statusCode, 200);
    assert.ok(!detail.body.includes(oneTime!), 'not shown again');
    assert.match((await admin.browser.get('/staff/admin/staff')).body, /Active \(password to be changed\)/);

    const b = new Browser(app());
    const signIn = await b.submit('/staff/login', '/staff/login', {
      username: 'pat.newhire',
      password: oneTime!,
    });
    assert.equal(signIn.statusCode, 303);
    assert.equal(signIn.headers.location, '/staff/password');
    for (const url of ['/staff', '/staff/admin/purge']) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, '/staff/password', url);
    }
    const form = await b.get('/staff/password');
    assert.match(form.body, /Your password was set for you/);
    const mismatch = await b.submit('/staff/password', '/staff/password', {
      currentPassword: oneTime!,
      newPassword: PASSWORD,
      confirmPassword: 'something else entirely',
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /The two new passwords differ\./);
    assert.ok(
      !mismatch.body.includes(PASSWORD) && !mismatch.body.includes(oneTime!),
      'no password is echoed',
    );
    assert.equal(
      (await b.get('/staff')).headers.location,
      '/staff/password',
      'still held at the password form',
    );

    const changed = await b.submit('/staff/password', '/staff/password', {
      currentPassword: oneTime!,
      newPassword: PASSWORD,
      confirmPassword: PASSWORD,
    });
    assert.equal(changed.statusCode, 303);
    assert.equal(changed.headers.location, '/staff');
    const home = await b.get(String(changed.headers.location));
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Your password has been changed/);
  });
});

describeEachDialect('HTTP: public pages and API', (env) => {
  const app = useTestApp(env);

  test('public pages need no cookies, set none, run no script and reference no other site (W1, G5)', async () => {
    for (const url of ['/', '/contact', '/privacy']) {
      const res = await new Browser(app()).get(url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['set-cookie'], undefined, `${url} sets no cookie`);
      assert.doesNotMatch(res.body, /<script/i, `${url} has no script`);
      assert.match(res.body, /href="\/privacy"/, `${url} links the privacy page`);
      const urls = [...res.body.matchAll(/\s(?:src|href|action|srcset)="([^"]*)"/g)].map((m) => m[1]!);
      assert.ok(urls.length > 3, `${url}: links were found`);
      for (const u of urls) assert.match(u, /^(\/(?!\/)|#|mailto:|tel:)/, `${url} references ${u}`);
    }
    // The only stylesheet pulls in nothing from elsewhere either.
    const css = await new Browser(app()).get('/assets/site.css');
    assert.doesNotMatch(css.body, /@import|url\(\s*['"]?(https?:)?\/\//i);
    // Pages for staff and errors link the policy too.
    for (const url of ['/staff/login', '/no-such-page'])
      assert.match((await new Browser(app()).get(url)).body, /href="\/privacy"/, url);
  });

  test('the privacy page lists every piece of personal data in the inventory, and both contacts (G3)', async () => {
    const { ctx, config } = env();
    const page = decodeHtml((await new Browser(app()).get('/privacy')).body);
    let personal = 0;
    for (const t of ctx.inventory) {
      for (const [column, c] of Object.entries(t.columns)) {
        if (!c.personal) continue;
        personal++;
        assert.ok(
          page.includes(`<td role="cell" data-label="Information">${c.description}</td>`),
          `${t.table}.${column}: "${c.description}"`,
        );
        assert.ok(page.includes(c.purpose), `${t.table}.${column} purpose`);
      }
    }
    assert.ok(personal >= 3, 'the inventory has personal columns to show');
    const { webmaster, headLibrarian } = config.library.contacts;
    for (const person of [webmaster, headLibrarian]) {
      assert.ok(page.includes(person.name), person.name);
      assert.ok(page.includes(`href="mailto:${person.email}"`), person.email);
    }
  });

  test('the OpenAPI document is valid JSON describing the public API', async () => {
    const res = await new Browser(app()).get('/api/v1/openapi.json');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, unknown> };
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    for (const p of ['/api/v1/library', '/api/v1/privacy', '/api/v1/health']) assert.ok(p in doc.paths, p);
  });

  test('/api/v1/privacy publishes how soon deleted data leaves the files, as the privacy page says (G2, G3, issue 12 item 0)', async () => {
    const { config, dialect } = env();
    const b = new Browser(app());
    const res = await b.get('/api/v1/privacy');
    assert.equal(res.statusCode, 200);
    const body = res.json() as { deletedGoneWithinSeconds?: number | null };
    assert.ok('deletedGoneWithinSeconds' in body, 'the field is published');
    const page = decodeHtml((await b.get('/privacy')).body);
    const sentence = /<p id="overwritten">([^<]*)<\/p>/.exec(page)?.[1] ?? '';
    if (dialect === 'sqlite') {
      assert.equal(body.deletedGoneWithinSeconds, config.database.scrubDelayMs / 1000);
      assert.ok(
        sentence.includes(`within ${body.deletedGoneWithinSeconds} seconds`),
        `the page states the same window: ${sentence}`,
      );
    } else {
      assert.equal(body.deletedGoneWithinSeconds, null, 'no promise on PostgreSQL');
      assert.match(sentence, /removed from the database at once/);
    }
    const doc = (await b.get('/api/v1/openapi.json')).json() as {
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }
      >;
    };
    const schema = doc.paths['/api/v1/privacy']!.get.responses['200']!.content['application/json']!
      .schema as {
      properties: Record<string, { description?: string }>;
      required?: string[];
    };
    assert.match(schema.properties.deletedGoneWithinSeconds?.description ?? '', /within this many seconds/);
    assert.ok(
      schema.required?.includes('deletedGoneWithinSeconds'),
      'always present, null when there is no promise',
    );
  });

  test('/api/v1/library returns the configured branches and their hours', async () => {
    const { config } = env();
    const res = await new Browser(app()).get('/api/v1/library');
    assert.equal(res.statusCode, 200);
    const body = res.json() as {
      name: string;
      branches: Array<Record<string, unknown> & { hours: Record<string, unknown> }>;
    };
    assert.equal(body.name, config.library.name);
    assert.deepEqual(
      body.branches.map((b) => b.code),
      config.library.branches.map((b) => b.code),
    );
    config.library.branches.forEach((branch, i) => {
      const got = body.branches[i]!;
      assert.equal(got.name, branch.name);
      assert.deepEqual(got.address, branch.address);
      assert.equal(got.phone, branch.phone);
      for (const d of weekdays)
        assert.deepEqual(got.hours[d], branch.hours[d] ?? null, `${branch.code} ${d}`);
    });
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('/api/v1/health reports the database', async () => {
    const res = await new Browser(app()).get('/api/v1/health');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: env().dialect });
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
