// Mark lost through the JSON API on both databases (issue 13 part 5): the same effect as the desk's
// "Mark lost" (loan deleted, C1; a caught hold waits again, C4), desk roles only, the session's
// CSRF token required, bad input answered with a clear 400, and the route in the OpenAPI document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord } from '../../../test/support/circulation-fixtures.ts';
import { csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';

const path = '/api/v1/staff/circulation/lost';

describeEachDialect('API: mark lost', (env) => {
  const app = useTestApp(env);

  test('a copy on loan is marked lost and its loan is deleted; a copy on the shelf too', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const rec = await addRecord(e.ctx, { title: 'The Vanishing Atlas' });
    const onLoan = await addItem(e.ctx, rec.id);
    const onShelf = await addItem(e.ctx, rec.id);
    const p = await addPatron(e.ctx);
    const token = csrfTokenOf((await desk.get('/staff/desk?branch=MAIN')).body);
    const post = (body: unknown, url = path) =>
      desk.request('POST', url, {
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      });
    const out = await post(
      { patronId: p.id, barcode: onLoan.barcode, branch: 'MAIN' },
      '/api/v1/staff/circulation/checkout',
    );
    assert.equal(out.statusCode, 200, out.body);

    const lost = await post({ barcode: onLoan.barcode, branch: 'MAIN' });
    assert.equal(lost.statusCode, 200, lost.body);
    assert.deepEqual(JSON.parse(lost.body), { title: 'The Vanishing Atlas', wasOnLoan: true });
    const loans = await e.ctx.db.selectFrom('loans').select('id').where('patron_id', '=', p.id).execute();
    assert.deepEqual(loans, [], 'the patron↔copy link is deleted (C1)');
    const status = async (id: string) =>
      (await e.ctx.db.selectFrom('items').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status;
    assert.equal(await status(onLoan.id), 'lost');

    const shelf = await post({ barcode: onShelf.barcode, branch: 'MAIN' });
    assert.equal(shelf.statusCode, 200, shelf.body);
    assert.deepEqual(JSON.parse(shelf.body), { title: 'The Vanishing Atlas', wasOnLoan: false });
    assert.equal(await status(onShelf.id), 'lost');

    const unknown = await post({ barcode: 'NO-SUCH', branch: 'MAIN' });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /No item has the barcode NO-SUCH/);

    const missing = await post({ branch: 'MAIN' });
    assert.equal(missing.statusCode, 400);
    const message = (JSON.parse(missing.body) as { error: { message: string } }).error.message;
    assert.ok(message.length > 0, 'a message a person can read');
    assert.doesNotMatch(missing.body, /at .*\.ts:\d+|stack/i, 'no stack trace');

    const badBranch = await post({ barcode: onShelf.barcode, branch: 'NOPE' });
    assert.equal(badBranch.statusCode, 400, badBranch.body);
  });

  test('desk roles only, and the session-bound CSRF token is required', async () => {
    const e = env();
    const rec = await addRecord(e.ctx);
    const item = await addItem(e.ctx, rec.id);
    const { browser: web } = await signedInStaff(e, app(), ['webmaster']);
    const webToken = csrfTokenOf((await web.get('/staff/password')).body);
    const forbidden = await web.request('POST', path, {
      payload: JSON.stringify({ barcode: item.barcode, branch: 'MAIN' }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': webToken },
    });
    assert.equal(forbidden.statusCode, 403);

    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const noToken = await desk.request('POST', path, {
      payload: JSON.stringify({ barcode: item.barcode, branch: 'MAIN' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /"code":"csrf"/);
    const status = await e.ctx.db
      .selectFrom('items')
      .select('status')
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    assert.equal(status.status, 'available', 'nothing changed');
  });

  test('the OpenAPI document describes it', async () => {
    const doc = await app().inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const spec = JSON.parse(doc.body) as { paths: Record<string, { post?: { summary?: string } }> };
    assert.equal(spec.paths[path]?.post?.summary, 'Mark a copy lost');
  });
});
