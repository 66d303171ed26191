// The public catalog over HTTP on both databases: pages without cookies (W1), record page and
// 404, the JSON API's exact shape (presenters leak no column), odd input, and no search terms in
// the logs (G4).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, useTestApp } from '../../../test/support/http.ts';
import { insertCopy, insertRecord, nastyInputs } from './search/test-fixtures.ts';

const secretTerm = 'qzxwvy-secret-catalog-term';

describeEachDialect('public catalog pages and API', (env) => {
  const app = useTestApp(env);
  let hamletId = '';

  before(async () => {
    const { db } = env().ctx;
    hamletId = await insertRecord(db, {
      title: 'Hamlet, Prince of Denmark',
      author: 'Shakespeare, William',
      year: 1603,
      isbn: '9780743477123',
      subjects: ['Princes -- Drama', 'Denmark -- Drama'],
      notes: 'A tragedy in five acts.',
    });
    await insertRecord(db, {
      title: 'Rusalka',
      author: 'Dvořák, Antonín',
      format: 'music-recording',
      language: 'cze',
    });
    await insertCopy(db, hamletId, 'MAIN', 'available', { callNumber: '822.33 SHA', location: 'Drama' });
    await insertCopy(db, hamletId, 'EAST', 'on_loan');
    await insertCopy(db, hamletId, 'EAST', 'on_hold_shelf');
  });

  test('the search page works without cookies and links each result', async () => {
    const res = await new Browser(app()).get('/catalog?q=dvorak');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.equal(res.headers['set-cookie'], undefined);
    assert.match(res.body, /<label for="q">Search the catalog<\/label>/);
    assert.match(res.body, /role="status"[^>]*>1 result for dvorak/);
    assert.match(res.body, /<a href="\/catalog\/record\/[^"]+">Rusalka<\/a>/);
    assert.match(res.body, /Music recording/);
    assert.doesNotMatch(res.body, /<script/);
  });

  test('facets are links that add a GET parameter; the home page has a search box', async () => {
    const browse = await new Browser(app()).get('/catalog');
    assert.equal(browse.statusCode, 200);
    assert.match(browse.body, /href="\/catalog\?format=music-recording">Music recording \(1\)/);
    assert.match(browse.body, /href="\/catalog\?available=1">Available now \(1\)/);
    const narrowed = await new Browser(app()).get('/catalog?format=music-recording');
    assert.match(narrowed.body, /1 result in the catalog/);
    assert.match(narrowed.body, /aria-current="true"/);
    const home = await new Browser(app()).get('/');
    assert.match(home.body, /<form method="get" action="\/catalog" role="search"/);
    assert.equal(home.headers['set-cookie'], undefined);
  });

  test('pages past the end and odd page numbers are not errors', async () => {
    for (const url of [
      '/catalog?q=hamlet&page=99',
      '/catalog?q=hamlet&page=-1',
      '/catalog?page=abc',
      '/catalog?q=hamlet&page=1e99',
    ]) {
      const res = await new Browser(app()).get(url);
      assert.equal(res.statusCode, 200, url);
    }
    const past = await new Browser(app()).get('/catalog?q=hamlet&page=99');
    assert.match(past.body, /page 99 is past the last page/);
  });

  test('odd input is a search on the page and in the API', async () => {
    for (const q of nastyInputs.slice(0, 40)) {
      const url = `/catalog?q=${encodeURIComponent(q)}`;
      const page = await new Browser(app()).get(url);
      assert.equal(page.statusCode, 200, q);
      const api = await new Browser(app()).get(`/api/v1/catalog/search?q=${encodeURIComponent(q)}`);
      assert.equal(api.statusCode, 200, q);
    }
    const long = await new Browser(app()).get(`/api/v1/catalog/search?q=${'hamlet '.repeat(1400)}`);
    assert.equal(long.statusCode, 200);
    assert.equal(long.json().results[0]?.title, 'Hamlet, Prince of Denmark');
    const arrays = await new Browser(app()).get(
      '/api/v1/catalog/search?q=a&q=b&page=1&page=2&decade=x&available=maybe',
    );
    assert.equal(arrays.statusCode, 200);
  });

  test('the record page describes the record and its copies per branch', async () => {
    const res = await new Browser(app()).get(`/catalog/record/${hamletId}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['set-cookie'], undefined);
    assert.match(res.body, /<h1>Hamlet, Prince of Denmark<\/h1>/);
    assert.match(res.body, /<dt>Author<\/dt><dd>Shakespeare, William<\/dd>/);
    assert.match(
      res.body,
      /<a href="\/catalog\?q=subject%3A%22Princes%20--%20Drama%22">Princes -- Drama<\/a>/,
    );
    assert.match(res.body, /9780743477123/);
    assert.match(res.body, /Main Library: 1 of 1 copy available/);
    assert.match(res.body, /Eastside Branch: 0 of 2 copies available/);
    assert.match(res.body, /<td>822.33 SHA<\/td><td>Drama<\/td><td>Available<\/td>/);
    assert.match(res.body, />Checked out</);
    assert.match(res.body, />On hold shelf</);
    assert.match(res.body, new RegExp(`href="/account/holds/new\\?record=${hamletId}"`));
    const subject = await new Browser(app()).get('/catalog?q=subject%3A%22Princes%20--%20Drama%22');
    assert.match(subject.body, /1 result for/);
  });

  test('unknown records are a 404 page, or a 404 JSON error in the API', async () => {
    const page = await new Browser(app()).get('/catalog/record/no-such-record');
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const api = await new Browser(app()).get('/api/v1/catalog/records/no-such-record');
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not_found');
  });

  test('the API sends exactly the presented fields', async () => {
    const search = await new Browser(app()).get('/api/v1/catalog/search?q=hamlet&branch=MAIN');
    assert.equal(search.statusCode, 200);
    const body = search.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'facets',
      'facetsCapped',
      'facetsFrom',
      'mode',
      'page',
      'pageSize',
      'q',
      'rankedFrom',
      'rankingCapped',
      'results',
      'total',
      'totalIsLowerBound',
      'totalPages',
      'understood',
    ]);
    assert.equal(body.total, 1);
    assert.deepEqual(body.results[0], {
      id: hamletId,
      title: 'Hamlet, Prince of Denmark',
      author: 'Shakespeare, William',
      format: 'book',
      formatLabel: 'Book',
      year: 1603,
      copies: { total: 3, available: 1, holdable: 3, availableAt: ['Main Library'] },
    });
    assert.deepEqual(
      body.facets.branch.find((b: { value: string }) => b.value === 'MAIN'),
      {
        value: 'MAIN',
        label: 'Main Library',
        count: 1,
        selected: true,
      },
    );
    const rec = (await new Browser(app()).get(`/api/v1/catalog/records/${hamletId}`)).json();
    assert.deepEqual(Object.keys(rec).sort(), [
      'author',
      'availability',
      'canPlaceHold',
      'fields',
      'format',
      'formatLabel',
      'holdRefusal',
      'id',
      'isbns',
      'issns',
      'language',
      'languageLabel',
      'links',
      'subjects',
      'title',
      'year',
    ]);
    assert.deepEqual(rec.isbns, ['9780743477123']);
    assert.equal(rec.canPlaceHold, true);
    assert.equal(rec.holdRefusal, null);
    assert.deepEqual(rec.availability[0], {
      branchCode: 'EAST',
      branchName: 'Eastside Branch',
      total: 2,
      available: 0,
      copies: [
        { callNumber: 'FIC', location: 'Adult fiction', status: 'on_loan', statusLabel: 'Checked out' },
        {
          callNumber: 'FIC',
          location: 'Adult fiction',
          status: 'on_hold_shelf',
          statusLabel: 'On hold shelf',
        },
      ],
    });
    const raw = JSON.stringify(rec);
    for (const internal of ['control_number', 'created_at', 'marc', 'barcode', 'bib_id', 'leader'])
      assert.ok(!raw.includes(internal), internal);
    const doc = (await new Browser(app()).get('/api/v1/openapi.json')).json();
    assert.ok(doc.paths['/api/v1/catalog/search']?.get?.tags?.includes('catalog'));
  });

  test('search terms never reach the logs (G4)', async () => {
    const b = new Browser(app());
    await b.get(`/catalog?q=${secretTerm}`);
    await b.get(`/catalog?q=title%3A${secretTerm}&page=2&format=${secretTerm}`);
    await b.get(`/api/v1/catalog/search?q=${secretTerm}`);
    await b.get(`/catalog/record/${secretTerm}`);
    await b.get(`/api/v1/catalog/records/${secretTerm}`);
    const logs = env().logs.join('\n');
    assert.ok(logs.includes('/catalog'), 'requests were logged (by route pattern)');
    assert.ok(!logs.includes(secretTerm), 'no search term in any log line');
    assert.ok(!logs.includes('qzxwvy'), 'not even part of it');
  });
});
