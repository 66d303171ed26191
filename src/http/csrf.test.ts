// Issue 12 items 4 and 11: visitors get no cookie at all (W1), their forms carry a signed,
// time-limited token instead; a signed-in person's token is bound to their session (A4), so another
// session's token or one from before sign-in is refused; cross-site posts are refused outright.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../test/support/env.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../test/support/http.ts';
import { makePatron, TEST_PIN } from '../../test/support/patrons.ts';
import { STAFF_COOKIE } from './auth.ts';
import { ANONYMOUS_TOKEN_HOURS } from './csrf.ts';
import { PATRON_COOKIE } from './patron-auth.ts';
import type { App } from './types.ts';

const expired = /This form has expired or was not sent from this site/;

async function signedInPatron(env: TestEnv, app: App): Promise<Browser> {
  const p = await makePatron(env.ctx);
  const b = new Browser(app);
  const res = await b.submit('/account/login', '/account/login', { cardNumber: p.cardNumber, pin: TEST_PIN });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  return b;
}

/**
 * Signing out of `home` with each of `tokens` is refused and leaves the person signed in; signing
 * out with the page's own token then works.
 */
async function refusedThenOwnWorks(
  b: Browser,
  home: string,
  logout: string,
  tokens: string[],
): Promise<void> {
  for (const token of tokens) {
    const res = await b.request('POST', logout, { form: { _csrf: token } });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, expired);
    assert.equal((await b.get(home)).statusCode, 200, 'still signed in');
  }
  const own = await b.submit(home, logout, {});
  assert.equal(own.statusCode, 303);
  assert.equal((await b.get(home)).statusCode, 303, 'signed out with the right token');
}

describeEachDialect('CSRF: no cookies for visitors, tokens bound to the session', (env) => {
  const app = useTestApp(env);

  test('anonymous pages with forms set no cookie at all, and their forms carry a token (W1)', async () => {
    for (const url of ['/', '/ask', '/account/login', '/staff/login', '/account/pin-reset', '/catalog']) {
      const visitor = new Browser(app());
      const res = await visitor.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['set-cookie'], undefined, `${url} sets no cookie`);
      if (url !== '/' && url !== '/catalog') assert.ok(csrfTokenOf(res.body).length > 20, url);
    }
  });

  test('a visitor’s form works without any cookie: staff sign-in from a fresh browser', async () => {
    const { username, password } = await signedInStaff(env(), app(), ['reference']);
    const fresh = new Browser(app());
    const token = csrfTokenOf((await fresh.get('/staff/login')).body);
    assert.equal(fresh.cookies.size, 0);
    const res = await fresh.request('POST', '/staff/login', { form: { _csrf: token, username, password } });
    assert.equal(res.statusCode, 303);
    assert.ok(fresh.cookies.has(STAFF_COOKIE));
  });

  test('a visitor’s token that is altered, made up or past its time is refused', async () => {
    const { username, password } = await signedInStaff(env(), app(), ['reference']);
    const b = new Browser(app());
    const token = csrfTokenOf((await b.get('/staff/login')).body);
    const [v, exp, nonce, sig] = token.split('.');
    const later = (parseInt(exp!, 36) + 86_400_000).toString(36);
    for (const bad of [
      `${v}.${later}.${nonce}.${sig}`,
      `${v}.${exp}.${nonce}.${sig!.slice(0, -2)}AA`,
      'a1.zzzzzzzz.abc.def',
      '',
    ]) {
      const res = await b.request('POST', '/staff/login', { form: { _csrf: bad, username, password } });
      assert.equal(res.statusCode, 403, bad);
      assert.match(res.body, expired);
    }
    env().clock.advance(ANONYMOUS_TOKEN_HOURS * 3_600_000 + 60_000);
    const late = await b.request('POST', '/staff/login', { form: { _csrf: token, username, password } });
    assert.equal(late.statusCode, 403, 'expired');
    assert.equal(b.cookies.has(STAFF_COOKIE), false);
    const ok = await b.submit('/staff/login', '/staff/login', { username, password });
    assert.equal(ok.statusCode, 303, 'a freshly loaded form works');
  });

  test('a staff member’s own token works; an attacker’s token from their own session does not', async () => {
    const { browser: attacker } = await signedInStaff(env(), app(), ['circulation']);
    const { browser: victim } = await signedInStaff(env(), app(), ['circulation']);
    const attackerToken = csrfTokenOf((await attacker.get('/staff')).body);
    // The attacker also plants every cookie of theirs but the session (e.g. from a sibling
    // subdomain): a token checked against a cookie rather than the session would pass.
    for (const [name, value] of attacker.cookies) if (name !== STAFF_COOKIE) victim.cookies.set(name, value);
    await refusedThenOwnWorks(victim, '/staff', '/staff/logout', [attackerToken]);
  });

  test('a staff token from before sign-in is refused after it, and the token changes at sign-in', async () => {
    const { username, password } = await signedInStaff(env(), app(), ['circulation']);
    const b = new Browser(app());
    const before = csrfTokenOf((await b.get('/staff/login')).body);
    assert.equal((await b.submit('/staff/login', '/staff/login', { username, password })).statusCode, 303);
    const after = csrfTokenOf((await b.get('/staff')).body);
    assert.notEqual(after, before);
    const res = await b.request('POST', '/staff/logout', { form: { _csrf: before } });
    assert.equal(res.statusCode, 403);
    assert.equal((await b.get('/staff')).statusCode, 200, 'still signed in');
    // Signing out and in again (a new session) makes the old session's token worthless too.
    assert.equal((await b.request('POST', '/staff/logout', { form: { _csrf: after } })).statusCode, 303);
    await b.submit('/staff/login', '/staff/login', { username, password });
    assert.equal((await b.get('/staff')).statusCode, 200);
    const again = await b.request('POST', '/staff/logout', { form: { _csrf: after } });
    assert.equal(again.statusCode, 403);
  });

  test('patrons: another patron’s token and a token from before sign-in are refused', async () => {
    const attacker = await signedInPatron(env(), app());
    const attackerToken = csrfTokenOf((await attacker.get('/account')).body);
    const p = await makePatron(env().ctx);
    const victim = new Browser(app());
    const preSignIn = csrfTokenOf((await victim.get('/account/login')).body);
    await victim.submit('/account/login', '/account/login', { cardNumber: p.cardNumber, pin: TEST_PIN });
    assert.ok(victim.cookies.has(PATRON_COOKIE));
    for (const [name, value] of attacker.cookies) if (name !== PATRON_COOKIE) victim.cookies.set(name, value);
    await refusedThenOwnWorks(victim, '/account', '/account/logout', [attackerToken, preSignIn]);
  });

  test('a token of the right length in other than plain ASCII is refused with 403, not a server error', async () => {
    // crypto.timingSafeEqual throws on buffers of different byte lengths: "é" is one character but
    // two bytes, so a token as long as the right one but not ASCII must not reach it unchecked.
    const { browser: staff } = await signedInStaff(env(), app(), ['circulation']);
    const own = csrfTokenOf((await staff.get('/staff')).body);
    const visitor = new Browser(app());
    const visitorToken = csrfTokenOf((await visitor.get('/staff/login')).body);
    const [v, exp, nonce, sig] = visitorToken.split('.');
    const cases: Array<[Browser, string, string]> = [
      [staff, '/staff/logout', `${own.slice(0, -1)}é`],
      [visitor, '/staff/login', `${v}.${exp}.${nonce}.${sig!.slice(0, -1)}é`],
      [visitor, '/staff/login', `${v}.${exp}.${nonce}.${'€'.repeat(sig!.length)}`],
    ];
    for (const [b, url, token] of cases) {
      assert.equal(token.length, url === '/staff/logout' ? own.length : visitorToken.length);
      const res = await b.request('POST', url, { form: { _csrf: token, username: 'x', password: 'y' } });
      assert.equal(res.statusCode, 403, `${token}: ${res.body.slice(0, 300)}`);
      assert.match(res.body, expired);
    }
    assert.equal((await staff.get('/staff')).statusCode, 200, 'still signed in');
  });

  test('a post a browser marks as cross-site is refused even with a valid token', async () => {
    const { username, password } = await signedInStaff(env(), app(), ['reference']);
    const publicOrigin = env().config.publicUrl.origin;
    for (const headers of [
      { origin: 'https://evil.example' } as Record<string, string>,
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: publicOrigin, 'sec-fetch-site': 'cross-site' },
    ]) {
      const b = new Browser(app());
      const token = csrfTokenOf((await b.get('/staff/login')).body);
      const res = await b.request('POST', '/staff/login', {
        form: { _csrf: token, username, password },
        headers,
      });
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.match(res.body, /sent from another site, so it was not accepted/);
      assert.equal(b.cookies.has(STAFF_COOKIE), false);
    }
    for (const headers of [
      { origin: publicOrigin, 'sec-fetch-site': 'same-origin' } as Record<string, string>,
      { origin: 'http://localhost:80' }, // the Host the request was sent to
      { 'sec-fetch-site': 'none' },
      // What Chromium and Firefox send for a same-site post from a no-referrer page.
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      {},
    ]) {
      const b = new Browser(app());
      const res = await b.submit('/staff/login', '/staff/login', { username, password }, headers);
      assert.equal(res.statusCode, 303, JSON.stringify(headers));
    }
  });
});
