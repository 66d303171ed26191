// Staff forms over HTTP on both databases: a refused password shows the reason on the form and is
// not echoed back (issue 12 item 10); a refused account form keeps every role that was ticked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { signedInStaff, useTestApp } from '../../../test/support/http.ts';

describeEachDialect('staff password form', (env) => {
  const app = useTestApp(env);

  test('a common password is refused on the form with the reason; a good passphrase is accepted', async () => {
    const { browser, password } = await signedInStaff(env(), app(), ['reference']);
    const weak = await browser.submit('/staff/password', '/staff/password', {
      currentPassword: password,
      newPassword: 'password1234',
      confirmPassword: 'password1234',
    });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /That password is on a list of common or breached passwords/);
    assert.ok(!weak.body.includes('password1234') && !weak.body.includes(password), 'no password is echoed');
    const good = await browser.submit('/staff/password', '/staff/password', {
      currentPassword: password,
      newPassword: 'heron-lantern-pebble-92',
      confirmPassword: 'heron-lantern-pebble-92',
    });
    assert.equal(good.statusCode, 303);
    assert.equal(good.headers.location, '/staff');
    assert.match((await browser.get('/staff')).body, /Your password has been changed/);
  });

  test('a refused new account keeps every ticked role ticked; a refused edit too (issue 13 part 2)', async () => {
    const admin = await signedInStaff(env(), app(), ['admin']);
    const res = await admin.browser.submit('/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'two.roles',
      displayName: '',
      roles: ['circulation', 'reference'],
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /id="displayName-error">.*Enter a name\./);
    assert.match(res.body, /name="username" type="text" value="two.roles"/);
    assert.match(res.body, /value="circulation" checked/);
    assert.match(res.body, /value="reference" checked/);
    assert.doesNotMatch(res.body, /value="admin" checked/);

    const { username } = await signedInStaff(env(), app(), ['circulation']);
    const { id } = await env()
      .ctx.db.selectFrom('staff')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    const edit = await admin.browser.submit(`/staff/admin/staff/${id}`, `/staff/admin/staff/${id}`, {
      displayName: ' ',
      roles: ['webmaster', 'counsel'],
    });
    assert.equal(edit.statusCode, 400);
    assert.match(edit.body, /value="webmaster" checked/);
    assert.match(edit.body, /value="counsel" checked/);
    assert.doesNotMatch(edit.body, /value="circulation" checked/);
  });

  test('a refused button (disabling your own account) re-shows the account page with the reason (issue 13 part 2)', async () => {
    const admin = await signedInStaff(env(), app(), ['admin']);
    const { id } = await env()
      .ctx.db.selectFrom('staff')
      .select('id')
      .where('username', '=', admin.username)
      .executeTakeFirstOrThrow();
    const res = await admin.browser.submit(
      `/staff/admin/staff/${id}`,
      `/staff/admin/staff/${id}/disable`,
      {},
    );
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /You cannot disable your own account\./);
    assert.match(res.body, /<h1[^>]*>[^<]*Edit|name="displayName"/, 'the account form is shown again');
  });
});
