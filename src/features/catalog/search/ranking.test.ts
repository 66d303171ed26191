// SQLite's two-step ranking (search-sqlite.repository.ts, "ranking without the words that cannot change
// it"): a search holding a word found in more than half the catalog, or a NOT clause, is scored by
// bm25 over its other clauses only. These tests compare its order with FTS5's own bm25 over the
// whole expression, on a catalog built so that no two matches score alike. SQLite only: PostgreSQL
// ranks with ts_rank_cd in one statement and has no such path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../../test/support/env.ts';
import { toFts5 } from './compile.ts';
import { parseSearch } from './query-parser.ts';
import { rankingExpression, rememberedWords, sqliteSearch } from './search-sqlite.repository.ts';
import { emptyFilters } from './search.service.ts';
import { insertRecord } from './test-fixtures.ts';

describe('SQLite ranking without words in most records', () => {
  let env: TestEnv;
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

  before(async () => {
    env = await createTestEnv('sqlite');
    const { db } = env.ctx;
    // 40 records; "commonword" in 30 of them (75 %), once each, always in the notes.
    // "rareword" in 14: in the title of some, the author or notes of others, with titles of
    // different lengths, so every match has a score of its own.
    for (let i = 0; i < 40; i++) {
      const rare = i % 3 === 0 || i === 37 || i === 38;
      const where = i % 2 === 0 ? 'title' : i % 5 === 0 ? 'author' : 'notes';
      await insertRecord(db, {
        title: `${rare && where === 'title' ? 'Rareword ' : ''}Volume ${filler(i % 9)}`,
        author: rare && where === 'author' ? `Rareword, Ann ${filler(i % 4)}` : `Writer, ${i}`,
        notes: [
          i < 30 ? 'commonword' : '',
          rare && where === 'notes' ? 'rareword' : '',
          i % 4 === 0 ? 'otherword' : '',
          filler(i % 7),
        ].join(' '),
      });
    }
  });
  after(async () => env.cleanup());

  /** FTS5's own order: bm25 over the whole expression, then newest first. */
  const fts5Order = async (q: string): Promise<string[]> => {
    const parsed = parseSearch(q);
    assert.ok(parsed);
    const res = await sql<{ id: string }>`
      SELECT b.id FROM bib_fts f JOIN bib_records b ON b.rowid = f.rowid
      WHERE f.bib_fts MATCH ${toFts5(parsed)} ORDER BY f.rank, f.rowid DESC`.execute(env.ctx.db);
    return res.rows.map((r) => r.id);
  };
  const carrelOrder = async (q: string, limit = 100, offset = 0, cap = 1000) => {
    const parsed = parseSearch(q);
    assert.ok(parsed);
    return sqliteSearch.findRankedIds(env.ctx.db, parsed, emptyFilters(), limit, offset, cap);
  };
  const expression = async (q: string) => {
    const parsed = parseSearch(q);
    assert.ok(parsed);
    return rankingExpression(env.ctx.db, parsed);
  };

  test('only words in more than half the records, and NOT clauses, are left out of the score', async () => {
    assert.equal(await expression('commonword rareword'), '"rareword"');
    assert.equal(await expression('rareword -otherword'), '"rareword"');
    assert.equal(await expression('commonword rareword -otherword'), '"rareword"');
    assert.equal(await expression('rareword otherword'), null, 'no common word: scored as typed');
    assert.equal(await expression('commonword'), null, 'nothing left to score by: scored as typed');
    assert.equal(await expression('COMMONWORD rareword'), '"rareword"', 'case folded as FTS5 does');
    assert.equal(await expression('"commonword rareword" otherword'), null, 'phrases are kept');
    assert.equal(await expression('notes:commonword rareword'), null, 'field-limited words are kept');
    assert.equal(await expression('commonwo* rareword'), null, 'prefixes are kept');
  });

  test('only words in at least 1 % of the records stay in memory, never a word the catalog lacks', async () => {
    assert.equal(await expression('commonword zzqxmissing'), '"zzqxmissing"', 'both looked up');
    const kept = rememberedWords(env.ctx.db);
    assert.ok(kept.includes('commonword'), kept.join());
    assert.ok(!kept.includes('zzqxmissing'), kept.join());
  });

  test('the order is FTS5 bm25 order over the whole search', async () => {
    for (const q of ['commonword rareword', 'rareword -otherword', 'commonword rareword -otherword']) {
      const expected = await fts5Order(q);
      assert.ok(expected.length >= 6, `${q}: enough matches to compare (${expected.length})`);
      const got = await carrelOrder(q);
      assert.deepEqual(got.ids, expected, q);
      assert.deepEqual([got.ranked, got.capped], [expected.length, false]);
    }
  });

  test('windows tile the list, and a capped ranking ranks the newest matches first', async () => {
    const q = 'commonword rareword';
    const whole = (await carrelOrder(q)).ids;
    const windows: string[] = [];
    for (let off = 0; off < whole.length + 3; off += 3) windows.push(...(await carrelOrder(q, 3, off)).ids);
    assert.deepEqual(windows, whole);

    const capped = await carrelOrder(q, 100, 0, 4);
    assert.deepEqual([capped.ranked, capped.capped, capped.ids.length], [4, true, whole.length]);
    // The newest four matches, ranked among themselves as FTS5 would, then the rest newest first.
    const newestFour = new Set(
      (
        await sql<{ id: string }>`
          SELECT b.id FROM bib_fts f JOIN bib_records b ON b.rowid = f.rowid
          WHERE f.bib_fts MATCH '"commonword" AND "rareword"' ORDER BY f.rowid DESC LIMIT 4`.execute(
          env.ctx.db,
        )
      ).rows.map((r) => r.id),
    );
    const head = whole.filter((id) => newestFour.has(id));
    assert.deepEqual(capped.ids.slice(0, 4), head);
    let tiled: string[] = [];
    for (let off = 0; off < whole.length; off += 5)
      tiled = tiled.concat((await carrelOrder(q, 5, off, 4)).ids);
    assert.deepEqual(tiled, capped.ids);
  });
});
