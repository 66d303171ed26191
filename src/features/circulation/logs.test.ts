// G4 over the issue-3 flows: a patron signs in (wrong PIN, then right), searches the catalog,
// places a hold, and staff check a titled copy out and in at the desk and open the patron — with
// every log line captured at debug level. None holds the card number, PIN, name, e-mail address,
// a title or the search term.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret } from '../../auth/passwords.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord } from '../../../test/support/circulation-fixtures.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';

describeEachDialect('logs of catalog, patron and desk flows (G4)', (env) => {
  const app = useTestApp(env);

  test('no card number, PIN, name, e-mail, title or search term reaches a log line', async () => {
    const e = env();
    const pin = '739154';
    const title = 'Zanzibarian Quietude Chronicles';
    const term = 'zanzibarian';
    const p = await addPatron(e.ctx, { name: 'Ottoline Logcanary' });
    await e.ctx.db
      .updateTable('patrons')
      .set({ pin_hash: await hashSecret(pin), email: 'ottoline.canary@example.org' })
      .where('id', '=', p.id)
      .execute();
    const rec = await addRecord(e.ctx, { title });
    const copy = await addItem(e.ctx, rec.id);
    const other = await addItem(e.ctx, rec.id);

    const patron = new Browser(app());
    const wrong = await patron.submit('/account/login', '/account/login', {
      cardNumber: p.cardNumber,
      pin: '000001',
    });
    assert.equal(wrong.statusCode, 401);
    const ok = await patron.submit('/account/login', '/account/login', { cardNumber: p.cardNumber, pin });
    assert.equal(ok.statusCode, 303);
    assert.equal((await patron.get(`/catalog?q=${term}`)).statusCode, 200);
    assert.equal((await patron.get(`/api/v1/catalog/search?q=${term}`)).statusCode, 200);
    const form = await patron.get(`/account/holds/new?record=${rec.id}`);
    const hold = await patron.request('POST', '/account/holds', {
      form: { _csrf: csrfTokenOf(form.body), record: rec.id, pickupBranch: 'MAIN', itemId: other.id },
    });
    assert.equal(hold.statusCode, 303, `the hold was placed: ${hold.body.slice(0, 200)}`);
    assert.equal((await patron.get('/account/data.json')).statusCode, 200);

    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const opened = await desk.submit('/staff/desk?branch=MAIN', '/staff/desk/patron', {
      branch: 'MAIN',
      card: p.cardNumber,
    });
    assert.equal(opened.statusCode, 303, 'the patron was opened at the desk');
    const page = await desk.get(opened.headers.location as string);
    assert.match(page.body, /Ottoline Logcanary/);
    const out = await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(page.body), branch: 'MAIN', patron: p.id, barcode: copy.barcode },
    });
    assert.equal(out.statusCode, 303, `the copy was checked out: ${out.body.slice(0, 200)}`);
    const back = await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(page.body), branch: 'MAIN', checkin_barcode: copy.barcode },
    });
    assert.equal(back.statusCode, 200, `the copy was checked in: ${back.body.slice(0, 200)}`);
    assert.deepEqual(await e.ctx.db.selectFrom('loans').select('id').execute(), [], 'and its loan is gone');
    const unknown = await desk.submit('/staff/desk?branch=MAIN', '/staff/desk/patron', {
      branch: 'MAIN',
      card: `NOT-${p.cardNumber}`,
    });
    assert.equal(unknown.statusCode, 400, 'an unknown card is refused, the form shown again');

    const raw = e.logs.join('\n');
    assert.ok(e.logs.length > 10, 'the requests were logged');
    for (const secret of [
      p.cardNumber,
      pin,
      'Ottoline',
      'Logcanary',
      'ottoline.canary',
      title,
      'Zanzibarian',
      term,
    ])
      assert.ok(!raw.includes(secret), `the logs contain ${secret}`);
  });
});
