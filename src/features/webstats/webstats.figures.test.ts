// Website statistics figures (issue 5, W4, G7): the dashboard and its CSV never show a count from
// 1 to k; log import is idempotent; the demo seed goes through the real collector; a day is the
// library's local day; old daily figures are purged by their retention rule. Both databases.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { DAY, HOUR } from '../../clock.ts';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { signedInStaff } from '../../../test/support/http.ts';
import { importLogFile } from './log-import.ts';
import { getDashboard } from './webstats.service.ts';
import { seedDemoTraffic } from '../../demo/traffic.ts';
import {
  FIREFOX,
  GOOGLEBOT,
  hourlyRows,
  startStatsDns,
  statsEnv,
  sumOf,
  withApp,
} from './webstats.test-support.ts';

const dns = await startStatsDns();

describeEachDialect(
  'website statistics: figures',
  (env) => {
    test('the dashboard and its CSV never show a count from 1 to k; the webmaster only', async () => {
      const e = env();
      await withApp(e, async (app) => {
        const today = e.clock.now().toISOString().slice(0, 10);
        const day = (n: number) =>
          new Date(Date.parse(`${today}T12:00:00Z`) - n * DAY).toISOString().slice(0, 10);
        const rows = [
          { day: day(1), dimension: 'views', value: '', count: 40 },
          { day: day(1), dimension: 'visitors', value: '', count: 12 },
          { day: day(1), dimension: 'page', value: '/', count: 30 },
          { day: day(1), dimension: 'page', value: '/rare-page', count: 3 },
          { day: day(2), dimension: 'page', value: '/rare-page', count: 1 },
          { day: day(1), dimension: 'browser', value: 'Firefox 133', count: 37 },
          { day: day(1), dimension: 'browser', value: 'Lynx 11', count: 2 },
          { day: day(1), dimension: 'exit', value: 'www.example.org', count: 4 },
        ];
        await e.ctx.db
          .insertInto('stats_daily')
          .values(rows.map((r) => ({ key: `${r.day}|${r.dimension}|${r.value}`, ...r })))
          .execute();
        const { browser: desk } = await signedInStaff(e, app, ['circulation']);
        assert.equal((await desk.get('/staff/stats')).statusCode, 403);
        const { browser } = await signedInStaff(e, app, ['webmaster']);
        const page = await browser.get('/staff/stats');
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Lynx 11/);
        // Tables and text (the SVG's axis ticks are scale marks, and the chart's own tests prove its
        // bars hide suppressed values).
        const text = page.body.replace(/<svg[\s\S]*?<\/svg>/g, ' ').replace(/<[^>]+>/g, ' ');
        for (const small of ['4', '2', '3']) {
          const m = new RegExp(`.{0,60}(?:^|\\s)${small}(?:\\s|$).{0,60}`).exec(
            text.replace(/\d{4}-\d{2}-\d{2}/g, ' '),
          );
          assert.equal(m, null, `the count ${small} shows: ${m?.[0]}`);
        }
        assert.match(text, /5 or fewer/);
        const csv = await browser.get('/staff/stats.csv');
        assert.equal(csv.statusCode, 200);
        assert.match(csv.headers['content-type'] as string, /text\/csv/);
        for (const line of csv.body.trim().split('\r\n').slice(1)) {
          const count = line.split(',').at(-1)!;
          if (line.startsWith('total,')) continue;
          assert.ok(!/^[1-5]$/.test(count), `CSV shows ${line}`);
        }
        assert.match(csv.body, /page,\/rare-page,5 or fewer/);
        assert.match(csv.body, /total,views,\d{2,}/, 'totals stay exact');
        const bad = await browser.get('/staff/stats?from=2026-13-01');
        assert.equal(bad.statusCode, 400);
        assert.match(bad.body, /Use a date like/);
      });
    });

    test('log import: plain and gzip, malformed lines reported, a re-run counts nothing twice', async () => {
      const e = env();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-log-'));
      const line = (ip: string, target: string, status = 200, ua = FIREFOX) =>
        `${ip} - - [19/Nov/2026:10:15:32 -0600] "GET ${target} HTTP/1.1" ${status} 5120 "https://www.searchengine.example/q?x=1" "${ua}"`;
      const lines = [
        line('198.51.100.23', '/events?id=7'),
        line('198.51.100.23', '/events/2026/story-time'),
        line('203.0.113.9', '/'),
        line('203.0.113.9', '/style.css'),
        line('192.0.2.44', '/', 200, GOOGLEBOT),
        line('192.0.2.50', '/missing', 404),
        'this is not a log line',
        '198.51.100.23 - - [99/Nov/2026:10:15:32 -0600] "GET / HTTP/1.1" 200 1 "-" "x"',
      ];
      const plain = path.join(dir, 'access.log');
      fs.writeFileSync(plain, `${lines.join('\n')}\n`);
      const gz = path.join(dir, 'access.log.1.gz');
      fs.writeFileSync(gz, zlib.gzipSync(`${lines.slice(0, 3).join('\n')}\n`));
      try {
        const a = await importLogFile(e.ctx, plain, { site: 'logs.library.example', reverseDns: null });
        assert.equal(a.status, 'imported');
        assert.equal(a.counted, 3);
        assert.equal(a.malformed, 2);
        assert.deepEqual(a.malformedLines, [7, 8]);
        const again = await importLogFile(e.ctx, plain, { site: 'logs.library.example', reverseDns: null });
        assert.equal(again.status, 'already-imported');
        const b = await importLogFile(e.ctx, gz, { site: 'logs.library.example', reverseDns: null });
        assert.equal(b.counted, 3);
        // logrotate compressing the same log: a new file, the same lines — counted once only.
        const rotated = path.join(dir, 'access.log.2.gz');
        fs.writeFileSync(rotated, zlib.gzipSync(`${lines.join('\n')}\n`));
        const c = await importLogFile(e.ctx, rotated, { site: 'logs.library.example', reverseDns: null });
        assert.equal(c.status, 'already-imported');
        const rows = await hourlyRows(e);
        assert.equal(sumOf(rows, 'source', 'log'), 6, 'counted once per file');
        assert.equal(sumOf(rows, 'page', 'logs.library.example/events'), 2);
        const daily = await e.ctx.db
          .selectFrom('stats_daily')
          .selectAll()
          .where('dimension', '=', 'visitors')
          .execute();
        assert.ok(sumOf(daily, 'visitors') >= 2);
        for (const s of ['198.51.100.23', FIREFOX, 'id=7', 'q?x=1'])
          assert.deepEqual(await findValueEverywhere(e.ctx, s), [], `${s} stored`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the demo seed brings 30 days of simulated traffic through the real collector', async () => {
      const e = env();
      for (const t of ['stats_daily', 'stats_hourly', 'stats_visitors', 'stats_salts'] as const)
        await e.ctx.db.deleteFrom(t).execute();
      const views = await seedDemoTraffic(e.ctx);
      assert.ok(views > 500, `${views} views`);
      assert.equal(await seedDemoTraffic(e.ctx), 0, 'only once');
      const d = await getDashboard(e.ctx, { kind: 'system' }, {});
      assert.ok(d.current.views >= views, 'all of them in the last 30 days');
      assert.ok(d.current.visitors > 50);
      assert.ok((d.current.byDimension.page ?? []).some((p) => p.value === '/catalog/record/:id'));
      assert.ok((d.current.byDimension.domain ?? []).some((p) => p.value === 'xcompany.com'));
      assert.ok(!(d.current.byDimension.page ?? []).some((p) => p.value.includes('?')), 'no query strings');
    });

    test("a day's figures are the library's day: hours before local midnight belong to the day before", async () => {
      const e = env();
      // America/Chicago in January is UTC−6: 2026-01-15 starts at 06:00 UTC.
      const rows = [
        { hour: '2026-01-15T05', count: 7 }, // 14 January, 23:00 local
        { hour: '2026-01-15T06', count: 11 }, // 15 January, 00:00 local
        { hour: '2026-01-16T05', count: 13 }, // 15 January, 23:00 local
        { hour: '2026-01-16T06', count: 17 }, // 16 January
      ];
      await e.ctx.db
        .insertInto('stats_hourly')
        .values(
          rows.map((r) => ({
            key: `${r.hour}|views|`,
            hour: r.hour,
            dimension: 'views',
            value: '',
            count: r.count,
          })),
        )
        .execute();
      const d = await getDashboard(e.ctx, { kind: 'system' }, { from: '2026-01-15', to: '2026-01-15' });
      assert.equal(d.current.views, 24);
      assert.deepEqual(d.current.perDay, [{ day: '2026-01-15', views: 24 }]);
      assert.equal(d.before.views, 7);
    });

    test('old daily figures are purged by their retention rule', async () => {
      const e = env();
      const old = new Date(e.clock.now().getTime() - 800 * DAY).toISOString().slice(0, 10);
      await e.ctx.db
        .insertInto('stats_daily')
        .values({ key: `${old}|views|`, day: old, dimension: 'views', value: '', count: 9 })
        .execute();
      e.clock.advance(HOUR);
      await runPurge(
        {
          db: e.ctx.db,
          ops: e.ctx.database.ops,
          clock: e.clock,
          inventory: e.ctx.inventory,
          logger: e.ctx.logger,
        },
        { dryRun: false, trigger: 'manual', batchSize: 1000 },
      );
      assert.equal(
        (await e.ctx.db.selectFrom('stats_daily').selectAll().where('day', '=', old).execute()).length,
        0,
      );
    });
  },
  { env: statsEnv(dns) },
);
