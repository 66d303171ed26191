// executeWrites: several independent writes as one statement on PostgreSQL, one by one on SQLite,
// with the same result and the same all-or-nothing behaviour inside a transaction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { compileWrites, executeWrites, type Write } from './writes.ts';

describeEachDialect('executeWrites', (env, dialect) => {
  const row = (key: string, count: number) => ({
    key,
    day: '2026-11-28',
    branch_code: 'MAIN',
    material_type: 'book',
    action: 'checkout' as const,
    count,
  });
  const insert =
    (key: string, count: number): Write =>
    (qc) =>
      qc.insertInto('circulation_counts').values(row(key, count));
  const counts = async () =>
    Object.fromEntries(
      (
        await env().ctx.db.selectFrom('circulation_counts').select(['key', 'count']).orderBy('key').execute()
      ).map((r) => [r.key, Number(r.count)]),
    );

  test('one statement on PostgreSQL, one per write on SQLite', () => {
    const { ctx } = env();
    const compiled = compileWrites(ctx.db, ctx.database.ops, [
      insert('a', 1),
      insert('b', 2),
      insert('c', 3),
    ]);
    if (dialect === 'postgres') {
      assert.equal(compiled.length, 1);
      assert.match(compiled[0]!.sql, /^with "w0" as \(insert into "circulation_counts"/);
      assert.equal(compiled[0]!.parameters.length, 18, 'every write keeps its own parameters');
    } else assert.equal(compiled.length, 3);
    assert.deepEqual(compileWrites(ctx.db, ctx.database.ops, []), []);
  });

  test('inserts, updates and deletes all take effect', async () => {
    const { ctx } = env();
    await executeWrites(ctx.db, ctx.database.ops, [insert('k1', 1), insert('k2', 2)]);
    await executeWrites(ctx.db, ctx.database.ops, [
      (qc) => qc.updateTable('circulation_counts').set({ count: 7 }).where('key', '=', 'k1'),
      (qc) => qc.deleteFrom('circulation_counts').where('key', '=', 'k2'),
      insert('k3', 3),
    ]);
    assert.deepEqual(await counts(), { k1: 7, k3: 3 });
  });

  test('in a transaction, a failing write leaves none of the others behind', async () => {
    const { ctx } = env();
    await assert.rejects(
      ctx.db.transaction().execute(async (trx) => {
        await executeWrites(trx, ctx.database.ops, [
          insert('k4', 4),
          (qc) => qc.updateTable('circulation_counts').set({ count: 8 }).where('key', '=', 'k1'),
          insert('k3', 9), // k3 exists: a primary-key violation
        ]);
      }),
    );
    assert.deepEqual(await counts(), { k1: 7, k3: 3 });
  });
});
