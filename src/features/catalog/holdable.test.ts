// "Place a hold" is offered only where the hold service would accept one (issue 12 item 15): the
// rule alone, then on both databases the record page, the result list, the catalog API and the
// patron's hold form against what the service says when the hold is tried anyway.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, csrfTokenOf, useTestApp } from '../../../test/support/http.ts';
import { makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { holdRefusal, holdRefusalFor, isHoldableCopy } from './holdable.ts';
import { insertCopy, insertRecord } from './search/test-fixtures.ts';

const NONE = 'No copies can be placed on hold: the library has no copy of this title.';
const UNLENDABLE = 'No copies can be placed on hold: every copy of this title is lost, missing or damaged.';

describe('the holdable rule', () => {
  test('a copy that is out, in transit or on a shelf can fill a hold; lost, missing or damaged cannot', () => {
    for (const s of ['available', 'on_loan', 'in_transit', 'on_hold_shelf'] as const)
      assert.equal(isHoldableCopy(s), true, s);
    for (const s of ['lost', 'missing', 'damaged'] as const) assert.equal(isHoldableCopy(s), false, s);
  });

  test('a title is refused when it has no copy, or no copy that can be lent', () => {
    assert.equal(holdRefusal([]), NONE);
    assert.equal(holdRefusal(['lost', 'missing', 'damaged']), UNLENDABLE);
    assert.equal(holdRefusal(['lost', 'on_loan']), null);
    assert.equal(holdRefusalFor({ total: 2, holdable: 0 }), UNLENDABLE);
    assert.equal(holdRefusalFor({ total: 2, holdable: 1 }), null);
  });
});

describeEachDialect('"Place a hold" is offered only on holdable titles', (env) => {
  const app = useTestApp(env);
  const ids = { gone: '', empty: '', one: '' };

  before(async () => {
    const { db } = env().ctx;
    ids.gone = await insertRecord(db, { title: 'Unlendable Zeppelin Almanac' });
    for (const s of ['lost', 'missing', 'damaged'] as const) await insertCopy(db, ids.gone, 'MAIN', s);
    ids.empty = await insertRecord(db, { title: 'Copyless Zeppelin Atlas' });
    ids.one = await insertRecord(db, { title: 'Lendable Zeppelin Annual' });
    await insertCopy(db, ids.one, 'MAIN', 'lost');
    await insertCopy(db, ids.one, 'EAST', 'on_loan');
  });

  const holdLink = (id: string) => new RegExp(`href="/account/holds/new\\?record=${id}"`);

  test('the record page offers a hold only when a copy can fill it, and says why not otherwise', async () => {
    for (const [id, why] of [
      [ids.gone, UNLENDABLE],
      [ids.empty, NONE],
    ] as const) {
      const page = await new Browser(app()).get(`/catalog/record/${id}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, holdLink(id));
      assert.doesNotMatch(page.body, /Place a hold/);
      assert.ok(page.body.includes(why.replace(/'/g, '&#39;')), why);
    }
    const ok = await new Browser(app()).get(`/catalog/record/${ids.one}`);
    assert.match(ok.body, holdLink(ids.one));
    assert.doesNotMatch(ok.body, /No copies can be placed on hold/);
  });

  test('the result list says when no copy can be placed on hold', async () => {
    const res = await new Browser(app()).get('/catalog?q=zeppelin');
    assert.equal(res.statusCode, 200);
    const item = (title: string) => {
      const at = res.body.indexOf(title);
      assert.ok(at >= 0, title);
      return res.body.slice(at, res.body.indexOf('</li>', at));
    };
    assert.ok(item('Unlendable Zeppelin Almanac').includes(UNLENDABLE));
    assert.ok(!item('Lendable Zeppelin Annual').includes('No copies can be placed on hold'));
    assert.ok(item('Copyless Zeppelin Atlas').includes('No copies in the library'));
  });

  test('the API says whether a hold can be placed, and why not', async () => {
    const b = new Browser(app());
    const gone = (await b.get(`/api/v1/catalog/records/${ids.gone}`)).json();
    assert.equal(gone.canPlaceHold, false);
    assert.equal(gone.holdRefusal, UNLENDABLE);
    const empty = (await b.get(`/api/v1/catalog/records/${ids.empty}`)).json();
    assert.equal(empty.canPlaceHold, false);
    assert.equal(empty.holdRefusal, NONE);
    const one = (await b.get(`/api/v1/catalog/records/${ids.one}`)).json();
    assert.equal(one.canPlaceHold, true);
    assert.equal(one.holdRefusal, null);
    const search = (await b.get('/api/v1/catalog/search?q=zeppelin')).json();
    const holdable = Object.fromEntries(
      search.results.map((r: { id: string; copies: { holdable: number } }) => [r.id, r.copies.holdable]),
    );
    assert.deepEqual(holdable, { [ids.gone]: 0, [ids.empty]: 0, [ids.one]: 1 });
  });

  test('the hold form shows the reason instead of a form, and the service refuses with the same words', async () => {
    const e = env();
    const p = await makePatron(e.ctx);
    const b = new Browser(app());
    const signIn = await b.submit('/account/login', '/account/login', {
      cardNumber: p.cardNumber,
      pin: TEST_PIN,
    });
    assert.equal(signIn.statusCode, 303, signIn.body.slice(0, 300));
    const form = await b.get(`/account/holds/new?record=${ids.gone}`);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(UNLENDABLE));
    assert.doesNotMatch(form.body, /action="\/account\/holds"/);
    // Tried anyway (an old page, or by hand): refused with the same reason, nothing stored.
    const ok = await b.get(`/account/holds/new?record=${ids.one}`);
    assert.match(ok.body, /action="\/account\/holds"/);
    const refused = await b.request('POST', '/account/holds', {
      form: { _csrf: csrfTokenOf(ok.body), record: ids.gone, pickupBranch: 'MAIN', itemId: '' },
    });
    assert.equal(refused.statusCode, 400);
    assert.ok(refused.body.includes(UNLENDABLE));
    const api = await b.request('POST', '/api/v1/account/holds', {
      payload: JSON.stringify({ recordId: ids.empty, pickupBranch: 'MAIN' }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfTokenOf(ok.body) },
    });
    assert.equal(api.statusCode, 400, api.body);
    assert.equal(api.json().error.message, NONE);
    assert.equal((await e.ctx.db.selectFrom('holds').selectAll().execute()).length, 0);
  });
});
