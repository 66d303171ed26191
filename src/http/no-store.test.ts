// Issue 12 item 3: nothing answered to a signed-in staff member or patron may be kept by the
// browser's cache (a shared computer's back button), checked over every GET route the app has.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { Browser, signedInStaff } from '../../test/support/http.ts';
import { makePatron, TEST_PIN } from '../../test/support/patrons.ts';
import { roles } from '../features/staff/roles.ts';
import { buildApp } from '../app/root.ts';
import type { App } from './types.ts';

/** Public resources that are the same for everyone and say so with their own cache policy. */
const sharedResources = new Set(['/assets/*', '/stats/beacon.js']);

/** A concrete address for a route pattern: each `:param` becomes a made-up value. */
const concrete = (url: string) => url.replace(/:[^/]+/g, 'x1').replace(/\*$/, 'site.css');

describeEachDialect('Cache-Control: no-store for everything a signed-in person is sent', (env) => {
  let app: App;
  const getRoutes = new Set<string>();
  before(async () => {
    app = await buildApp(env().ctx, {
      onRoute: (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        if (methods.includes('GET')) getRoutes.add(route.url);
      },
    });
  });
  after(async () => app.close());

  test('every GET route answers a signed-in staff member and a signed-in patron with no-store', async () => {
    const { browser: staff } = await signedInStaff(env(), app, [...roles]);
    const p = await makePatron(env().ctx);
    const patron = new Browser(app);
    const signIn = await patron.submit('/account/login', '/account/login', {
      cardNumber: p.cardNumber,
      pin: TEST_PIN,
    });
    assert.equal(signIn.statusCode, 303);

    assert.ok(getRoutes.size > 60, `the app's GET routes were all seen (${getRoutes.size})`);
    for (const name of ['/account/loans', '/account/holds', '/account/history', '/account/holds/new'])
      assert.ok(getRoutes.has(name), name);
    let checked = 0;
    for (const route of [...getRoutes].sort()) {
      if (sharedResources.has(route)) continue;
      for (const [who, browser] of [
        ['staff', staff],
        ['patron', patron],
      ] as const) {
        const res = await browser.get(concrete(route));
        assert.equal(
          res.headers['cache-control'],
          'no-store',
          `${who} GET ${concrete(route)} (${res.statusCode}) has Cache-Control: no-store`,
        );
        checked++;
      }
    }
    assert.ok(checked > 120);
  });

  test('the patron pages named in the issue are real pages, sent with no-store', async () => {
    const p = await makePatron(env().ctx);
    const patron = new Browser(app);
    await patron.submit('/account/login', '/account/login', { cardNumber: p.cardNumber, pin: TEST_PIN });
    for (const url of [
      '/account/loans',
      '/account/holds',
      '/account/history',
      '/api/v1/account/loans',
      '/api/v1/account/holds',
    ]) {
      const res = await patron.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
  });

  test('a signed-out visitor still gets cacheable public pages and assets', async () => {
    const visitor = new Browser(app);
    assert.equal((await visitor.get('/')).headers['cache-control'], undefined);
    assert.match(String((await visitor.get('/assets/site.css')).headers['cache-control']), /max-age/);
    assert.equal((await visitor.get('/account/login')).headers['cache-control'], 'no-store');
  });
});
