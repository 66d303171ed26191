// A transaction's BEGIN and COMMIT sent with its first and last statements (pg-driver.ts): on
// PostgreSQL in the same round trip, and on both databases with the transaction still all or
// nothing — a failing last statement keeps nothing, and the connection is clean afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { sql } from 'kysely';
import { describeEachDialect } from '../../test/support/env.ts';
import { keepPrepared } from './pg-driver.ts';
import { executeWrites, type Write } from './writes.ts';

/**
 * Records each query node-postgres is asked to send, with how many of the same client's queries were
 * still unanswered at that moment: 0 starts a round trip, more means it rode along in the same one.
 */
function recordQueries() {
  const log: Array<[string, number]> = [];
  const inFlight = new WeakMap<object, number>();
  const original = pg.Client.prototype.query;
  let recording = false;
  before(() => {
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const n = inFlight.get(this) ?? 0;
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown }).text);
      if (recording) log.push([text.split(/\s+/).slice(0, 2).join(' ').toLowerCase(), n]);
      inFlight.set(this, n + 1);
      const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
      const out = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (out instanceof Promise) out.then(done, done);
      return out;
    } as typeof original;
  });
  after(() => {
    pg.Client.prototype.query = original;
  });
  return {
    async during(fn: () => Promise<unknown>): Promise<Array<[string, number]>> {
      log.length = 0;
      recording = true;
      try {
        await fn();
      } finally {
        recording = false;
      }
      return [...log];
    },
  };
}

describeEachDialect('transactions with BEGIN and COMMIT sent alongside', (env, dialect) => {
  const recorder = recordQueries();
  const insert =
    (key: string, count: number): Write =>
    (qc) =>
      qc.insertInto('circulation_counts').values({
        key,
        day: '2026-11-29',
        branch_code: 'MAIN',
        material_type: 'book',
        action: 'checkin',
        count,
      });
  const keys = async () =>
    (
      await env()
        .ctx.db.selectFrom('circulation_counts')
        .select('key')
        .where('day', '=', '2026-11-29')
        .orderBy('key')
        .execute()
    ).map((r) => r.key);

  test('BEGIN goes with the first statement and COMMIT with the last, each in one round trip', async () => {
    const { ctx } = env();
    const sent = await recorder.during(() =>
      ctx.db.transaction().execute(async (trx) => {
        await trx.selectFrom('circulation_counts').select('key').where('key', '=', 'none').execute();
        await executeWrites(trx, ctx.database.ops, [insert('p1', 1), insert('p2', 2)], { commit: true });
      }),
    );
    assert.deepEqual(await keys(), ['p1', 'p2'], 'committed');
    if (dialect === 'postgres')
      assert.deepEqual(sent, [
        ['begin', 0],
        ['select "key"', 1],
        ['with "w0"', 0],
        ['commit', 1],
      ]);
    else assert.deepEqual(sent, [], 'SQLite runs in-process, without node-postgres');
  });

  test('without the mark, and outside a transaction, statements go one by one as before', async () => {
    const { ctx } = env();
    const sent = await recorder.during(async () => {
      await ctx.db.transaction().execute(async (trx) => {
        await trx.selectFrom('circulation_counts').select('key').where('key', '=', 'none').execute();
        await executeWrites(trx, ctx.database.ops, [insert('q1', 1)]);
      });
      await executeWrites(ctx.db, ctx.database.ops, [insert('q2', 2)], { commit: true });
    });
    assert.deepEqual(await keys(), ['p1', 'p2', 'q1', 'q2']);
    if (dialect === 'postgres')
      assert.deepEqual(sent, [
        ['begin', 0],
        ['select "key"', 1],
        ['insert into', 0],
        ['commit', 0],
        ['insert into', 0],
      ]);
  });

  test('a transaction that runs no statement sends nothing at all', async () => {
    const { ctx } = env();
    const sent = await recorder.during(() => ctx.db.transaction().execute(async () => 'nothing'));
    assert.deepEqual(sent, []);
  });

  test('a last statement that fails keeps nothing of the transaction, and the connection is clean', async () => {
    const { ctx } = env();
    await assert.rejects(
      ctx.db.transaction().execute(async (trx) => {
        await executeWrites(trx, ctx.database.ops, [insert('r1', 1)]);
        // p1 exists: a primary-key violation in the statement that carries the COMMIT.
        await executeWrites(trx, ctx.database.ops, [insert('r2', 2), insert('p1', 3)], { commit: true });
      }),
      /unique|duplicate/i,
    );
    assert.deepEqual(await keys(), ['p1', 'p2', 'q1', 'q2'], 'neither r1 nor r2 was kept');
    // Every pooled connection still works, none left inside the failed transaction.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.db.transaction().execute((trx) => executeWrites(trx, ctx.database.ops, [insert(`s${i}`, i)])),
      ),
    );
    assert.equal((await keys()).length, 16);
  });

  test('a failing first statement rolls back what BEGIN opened', async () => {
    const { ctx } = env();
    await assert.rejects(
      ctx.db.transaction().execute(async (trx) => {
        await executeWrites(trx, ctx.database.ops, [insert('p2', 9)]);
      }),
      /unique|duplicate/i,
    );
    const row = await ctx.db
      .selectFrom('circulation_counts')
      .select('count')
      .where('key', '=', 'p2')
      .executeTakeFirst();
    assert.equal(Number(row?.count), 2);
  });

  if (dialect === 'postgres')
    test('a statement after the COMMIT sent with the last one is refused, not run on its own', async () => {
      const { ctx } = env();
      await assert.rejects(
        ctx.db.transaction().execute(async (trx) => {
          await executeWrites(trx, ctx.database.ops, [insert('t1', 1)], { commit: true });
          await executeWrites(trx, ctx.database.ops, [insert('t2', 2)]);
        }),
        /after its transaction was committed/,
      );
      const after = await keys();
      assert.ok(after.includes('t1') && !after.includes('t2'));
    });

  if (dialect === 'postgres') {
    test('a statement marked keepPrepared is parsed once per connection; others are not kept', async () => {
      const { ctx } = env();
      const kept = await ctx.db.connection().execute(async (conn) => {
        for (const key of ['p1', 'p2', 'p1'])
          await conn.executeQuery(
            keepPrepared(
              conn.selectFrom('circulation_counts').select('count').where('key', '=', key).compile(),
            ),
          );
        await conn.selectFrom('circulation_counts').select('day').where('key', '=', 'p1').execute();
        return (
          await sql<{
            name: string;
            statement: string;
          }>`SELECT name, statement FROM pg_prepared_statements ORDER BY name`.execute(conn)
        ).rows;
      });
      const select = kept.filter((k) => k.statement.startsWith('select'));
      assert.equal(select.length, 1, JSON.stringify(kept));
      assert.match(select[0]!.name, /^carrel_/);
      assert.match(select[0]!.statement, /^select "count" from "circulation_counts"/);
    });

    test('a kept statement the schema has outgrown fails once, and its connection is replaced', async () => {
      const { ctx } = env();
      await sql`CREATE TABLE prep_probe (a integer)`.execute(ctx.db);
      await sql`INSERT INTO prep_probe VALUES (1)`.execute(ctx.db);
      const probe = (db: typeof ctx.db) =>
        db.executeQuery(
          keepPrepared(sql<{ a: number }>`SELECT * FROM prep_probe WHERE a = ${1}`.compile(db)),
        );
      await ctx.db.connection().execute(async (conn) => {
        assert.deepEqual((await probe(conn)).rows, [{ a: 1 }]);
        // Another instance migrates: the prepared statement's result type no longer holds.
        await sql`ALTER TABLE prep_probe ADD COLUMN b integer`.execute(ctx.db);
        await assert.rejects(probe(conn), /cached plan must not change result type/);
        await assert.rejects(probe(conn), /discarded/);
      });
      // The pool dropped that connection; whichever serves now prepares the statement afresh.
      for (let i = 0; i < 12; i++) assert.deepEqual((await probe(ctx.db)).rows, [{ a: 1, b: null }]);
      await sql`DROP TABLE prep_probe`.execute(ctx.db);
    });
  }
});
