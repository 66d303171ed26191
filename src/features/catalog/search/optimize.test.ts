// The post-import index maintenance leaves search working and finding every record, on both
// databases (run by importCatalog after large imports).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../../test/support/env.ts';
import { optimizeSearchIndex } from './search.repository.ts';
import { searchCatalog } from './search.service.ts';
import { insertRecord } from './test-fixtures.ts';

describeEachDialect('search index optimization', (env) => {
  test('search finds the same records before and after optimizing', async () => {
    const { ctx } = env();
    for (let i = 0; i < 30; i++) await insertRecord(ctx.db, { title: `Zyxwvut volume ${i}` });
    const filters = { formats: [], branches: [], languages: [], decades: [], availableOnly: false };
    const before = await searchCatalog(ctx, { q: 'zyxwvut', page: 1, filters });
    await optimizeSearchIndex(ctx.db, ctx.database.ops.name);
    const after = await searchCatalog(ctx, { q: 'zyxwvut', page: 1, filters });
    assert.equal(before.total, 30);
    assert.equal(after.total, 30);
    assert.deepEqual(after.results.map((r) => r.id).sort(), before.results.map((r) => r.id).sort());
  });
});
