// The HTTP layer driven in-process on both databases: the staff sign-in flow and its cookies (A4),
// role-guarded admin pages, the new-account form and the one-time password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { findValueEverywhere } from '../../test/support/find-value.ts';
import { cookieNamed, makeStaff, PASSWORD } from '../../test/support/http-checks.ts';
import { Browser, signedInStaff, useTestApp } from '../../test/support/http.ts';
import { STAFF_COOKIE } from './auth.ts';

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
