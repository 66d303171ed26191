// The HTTP layer driven in-process on both databases: public pages that need no cookies or
// JavaScript (W1), the privacy policy generated from the inventory (G3), and the public JSON API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { decodeHtml } from '../../test/support/http-checks.ts';
import { Browser, useTestApp } from '../../test/support/http.ts';
import { weekdays } from '../library.ts';

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
