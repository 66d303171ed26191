// The data fix of migration 0008 on both databases: stored hold counts under a format code move to
// the material type check-outs use, merging into a counter that already exists; others stay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { describeEachDialect } from '../../../test/support/env.ts';
import { up } from './0008-hold-counts-material-type.ts';

describeEachDialect('migration 0008: hold counts under material types', (env) => {
  test('hold counts stored under "video" join the "dvd" counters; check-outs and books are untouched (issue 12 item 18)', async () => {
    const { ctx } = env();
    const day = '2025-11-20';
    const row = (materialType: string, action: string, shard: number, count: number) => ({
      key: `${day}|MAIN|${materialType}|${action}|${shard}`,
      day,
      branch_code: 'MAIN',
      material_type: materialType,
      action: action as 'hold_placed',
      count,
    });
    await ctx.db
      .insertInto('circulation_counts')
      .values([
        row('video', 'hold_placed', 3, 4),
        row('dvd', 'hold_placed', 3, 2),
        row('video', 'hold_cancelled', 1, 1),
        row('music-recording', 'hold_placed', 0, 6),
        row('dvd', 'checkout', 3, 9),
        row('book', 'hold_placed', 2, 7),
      ])
      .execute();
    await up(ctx.db as unknown as Kysely<unknown>);
    await up(ctx.db as unknown as Kysely<unknown>); // a second run finds nothing left to move
    const rows = await ctx.db
      .selectFrom('circulation_counts')
      .select(['key', 'material_type', 'action', 'count'])
      .where('day', '=', day)
      .orderBy('key')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.key, r.material_type, r.action, Number(r.count)]),
      [
        [`${day}|MAIN|book|hold_placed|2`, 'book', 'hold_placed', 7],
        [`${day}|MAIN|dvd|checkout|3`, 'dvd', 'checkout', 9],
        [`${day}|MAIN|dvd|hold_cancelled|1`, 'dvd', 'hold_cancelled', 1],
        [`${day}|MAIN|dvd|hold_placed|3`, 'dvd', 'hold_placed', 6],
        [`${day}|MAIN|music-cd|hold_placed|0`, 'music-cd', 'hold_placed', 6],
      ],
    );
  });
});
