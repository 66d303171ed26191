// The demo catalog imports cleanly on both databases, with copies in both branches, and a second
// run changes nothing but the timestamps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { seedDemoCatalog } from './catalog.ts';

describeEachDialect('demo catalog', (env) => {
  test('imports every record and copy; varied formats, languages and both branches', async () => {
    const { ctx } = env();
    const first = await seedDemoCatalog(ctx);
    assert.deepEqual(first, { records: 42, items: 56 });
    const bibs = await ctx.db.selectFrom('bib_records').selectAll().execute();
    assert.equal(bibs.length, 42);
    const formats = new Set(bibs.map((b) => b.format));
    for (const f of ['book', 'large-print', 'serial', 'video', 'music-recording', 'audiobook', 'score'])
      assert.ok(formats.has(f), `format ${f}`);
    const languages = new Set(bibs.map((b) => b.language));
    for (const l of ['eng', 'fre', 'ger', 'spa']) assert.ok(languages.has(l), `language ${l}`);
    const titles = bibs.map((b) => b.title);
    assert.ok(titles.includes('Faust : eine Tragödie'));
    assert.ok(titles.includes('Madame Bovary : mœurs de province'));
    assert.ok(bibs.some((b) => b.author === 'Dvořák, Antonín, 1841-1904'));
    assert.ok(bibs.some((b) => b.author === 'Brontë, Charlotte, 1816-1855'));
    const items = await ctx.db.selectFrom('items').selectAll().execute();
    assert.equal(items.length, 56);
    assert.deepEqual(new Set(items.map((i) => i.branch_code)), new Set(['MAIN', 'EAST']));
    assert.ok(items.every((i) => /^3000100000\d{4}$/.test(i.barcode) && i.status === 'available'));
    const types = new Set(items.map((i) => i.material_type));
    for (const t of ['book', 'dvd', 'music-cd', 'magazine', 'audiobook', 'score'])
      assert.ok(types.has(t), `material type ${t}`);
    const perRecord = new Map<string, number>();
    for (const i of items) perRecord.set(i.bib_id, (perRecord.get(i.bib_id) ?? 0) + 1);
    assert.ok([...perRecord.values()].every((n) => n >= 1 && n <= 3));
    assert.equal(perRecord.size, 42);

    const again = await seedDemoCatalog(ctx);
    assert.deepEqual(again, { records: 42, items: 56 });
    assert.equal((await ctx.db.selectFrom('bib_records').select('id').execute()).length, 42);
    assert.equal((await ctx.db.selectFrom('items').select('id').execute()).length, 56);
  });
});
