// Reference statistics on both databases (G7): the page and the CSV show no count from 1 to k —
// not in a table cell, a bar label, a total or an export cell — while larger counts and zeros are
// exact; the range defaults to the last 12 months and bad months are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from '../../ids.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { signedInStaff, useTestApp } from '../../../test/support/http.ts';
import type { QuestionChannel } from './reference.table.ts';
import { getReferenceStats } from './reference.stats.ts';

/** Adds `n` questions with the given facts, asked on `day` (YYYY-MM-DD). */
async function seed(
  e: TestEnv,
  n: number,
  facts: {
    day: string;
    channel?: QuestionChannel;
    category?: string | null;
    effort?: number | null;
    region?: string | null;
    zip3?: string | null;
  },
) {
  for (let i = 0; i < n; i++) {
    const at = facts.day.includes('T') ? facts.day : `${facts.day}T12:00:00.000Z`;
    await e.ctx.db
      .insertInto('questions')
      .values({
        id: newId(),
        token: `tok_${newId().replace(/-/g, '')}`,
        channel: facts.channel ?? 'web',
        status: 'closed',
        reply_to: null,
        reply_name: null,
        region: facts.region ?? null,
        zip: null,
        zip3: facts.zip3 ?? null,
        category: facts.category ?? null,
        effort: facts.effort ?? null,
        claimed_by: null,
        created_at: at,
        updated_at: at,
        last_activity_at: at,
        closed_at: at,
        scrubbed_at: at,
      })
      .execute();
  }
}

const cells = (html: string) => [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
const barLabels = (html: string) =>
  [...html.matchAll(/<text class="chart-text chart-value"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describeEachDialect('Ask a Librarian: statistics', (env) => {
  const app = useTestApp(env);

  test("months are the library's: a question late on 31 January in Chicago counts in January", async () => {
    const e = env();
    // 2025-02-01T05:30Z is 2025-01-31 23:30 in America/Chicago (the test library's zone).
    await seed(e, 6, { day: '2025-02-01T05:30:00.000Z', category: 'genealogy' });
    const s = await getReferenceStats(e.ctx, { kind: 'system' }, { from: '2025-01', to: '2025-02' });
    assert.deepEqual(s.perMonth.find((p) => p.name === 'Web form')?.values, [6, 0]);
  });

  test('G7: no count from 1 to k on the page or in the CSV; larger counts and zeros are exact', async () => {
    const e = env(); // the fake clock is in March 2026
    const k = e.config.statsK;
    await seed(e, 12, {
      day: '2026-01-15',
      channel: 'web',
      category: 'genealogy',
      effort: 2,
      region: 'MA',
      zip3: '021',
    });
    await seed(e, 3, {
      day: '2026-01-20',
      channel: 'email',
      category: 'health',
      effort: 5,
      region: 'VT',
      zip3: '056',
    });
    await seed(e, 7, {
      day: '2026-02-03',
      channel: 'email',
      category: 'genealogy',
      effort: 2,
      region: 'MA',
      zip3: '021',
    });
    await seed(e, 1, {
      day: '2026-03-01',
      channel: 'web',
      category: 'business',
      effort: 6,
      region: 'NH',
      zip3: '030',
    });
    await seed(e, 9, { day: '2024-01-01', channel: 'web', category: 'homework' }); // outside the default range
    const { browser } = await signedInStaff(e, app(), ['reference']);

    const page = await browser.get('/staff/reference/stats');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /2025-04 to 2026-03/, 'the last 12 months by default');
    const shown = [...cells(page.body), ...barLabels(page.body)];
    assert.ok(shown.length > 50);
    for (const c of shown) {
      const n = /^\d+$/.test(c) ? Number(c) : null;
      assert.ok(n === null || n === 0 || n > k, `a count from 1 to ${k} is shown: ${c}`);
    }
    assert.ok(shown.includes('19'), 'genealogy 12 + 7 exactly');
    assert.ok(shown.includes('12') && shown.includes('7'), 'per-month counts above k exactly');
    assert.ok(shown.includes(`${k} or fewer`));
    assert.ok(shown.includes('0'), 'zero is shown');
    assert.match(page.body, /Questions per month by channel/);
    assert.match(page.body, /Questions by category/);
    assert.match(page.body, /Questions by ZIP3/);
    assert.doesNotMatch(page.body, /homework[^<]*<\/th><td[^>]*>9</i, 'outside the range');

    const csv = await browser.get('/staff/reference/stats.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'month,dimension,value,questions');
    for (const line of lines.slice(1)) {
      const count = line.split(',').at(-1)!;
      assert.ok(count === `${k} or fewer` || Number(count) > k, `CSV shows a small count: ${line}`);
    }
    assert.ok(lines.includes('2026-01,category,Genealogy,12'));
    assert.ok(lines.includes(`2026-01,category,Health,${k} or fewer`));
    assert.ok(lines.includes(`2026-03,zip3,030,${k} or fewer`));
    assert.ok(!lines.some((l) => l.startsWith('2024-')));

    const older = await browser.get('/staff/reference/stats.csv?from=2024-01&to=2024-01');
    assert.ok(older.body.includes('2024-01,category,Homework,9'));
  });

  test('bad months are refused with a message per field', async () => {
    const e = env();
    const { browser } = await signedInStaff(e, app(), ['admin']);
    const bad = await browser.get('/staff/reference/stats?from=2026-13&to=2025-01');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Use a month like 2026-01\./);
    const reversed = await browser.get('/staff/reference/stats?from=2026-03&to=2026-01');
    assert.equal(reversed.statusCode, 400);
    assert.match(reversed.body, /must not be before the first/);
  });
});
