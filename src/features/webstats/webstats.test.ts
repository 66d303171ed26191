// Website statistics on both databases, through real HTTP and a real DNS server on loopback
// (issue 5, W1–W4, G2, G4, G7): a day of simulated traffic leaves no client IP, user agent, query
// string or full referrer anywhere (including the raw SQLite file); DNT/GPC only adds to an
// anonymous total; the day's salt is gone after rollover; staff networks are not counted and
// branch networks are labelled; the privacy page says what is collected. The beacon and the
// leaving notice are in webstats.beacon.test.ts; the dashboard, CSV, log import, demo seed and
// retention in webstats.figures.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY } from '../../clock.ts';
import { buildApp } from '../../app/root.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { Browser } from '../../../test/support/http.ts';
import { StatsCollector } from './collector.ts';
import { rollOver } from './webstats.service.ts';
import {
  CHROME_ANDROID,
  FIREFOX,
  GOOGLEBOT,
  hourlyRows,
  startStatsDns,
  statsEnv,
  sumOf,
  visit,
  withApp,
} from './webstats.test-support.ts';

const dns = await startStatsDns();

describeEachDialect(
  'website statistics',
  (env) => {
    test('a day of traffic: only reduced aggregates; no IP, user agent, query string or full referrer anywhere', async () => {
      const e = env();
      e.clock.set('2026-11-20T15:10:00.000Z');
      await withApp(e, async (app, collector) => {
        const ref = 'https://www.searchengine.example/search?q=secret+referrer+words';
        assert.equal((await visit(app, '/', '198.51.100.23', { referer: ref })).statusCode, 200);
        await visit(app, '/catalog?q=private+search+terms&page=2', '198.51.100.23');
        await visit(app, '/privacy', '203.0.113.9', { 'user-agent': CHROME_ANDROID });
        await visit(app, '/contact', '10.20.0.5'); // a branch computer: "in library"
        await visit(app, '/', '10.99.0.7'); // a staff computer: not counted
        await visit(app, '/', '192.0.2.44', { 'user-agent': GOOGLEBOT }); // a robot: not counted
        await visit(app, '/', '192.0.2.45', { dnt: '1' });
        await visit(app, '/contact', '192.0.2.46', { 'sec-gpc': '1' });
        await visit(app, '/no-such-page', '192.0.2.47'); // 404: not counted
        await visit(app, '/staff/login', '192.0.2.48'); // staff pages: not counted
        await collector.settle();
        await collector.flush();

        const rows = await hourlyRows(e);
        assert.equal(sumOf(rows, 'views'), 4, 'home, catalog, privacy, contact from the branch');
        assert.equal(sumOf(rows, 'opt-out'), 2, 'DNT and GPC add to the anonymous total only');
        assert.equal(sumOf(rows, 'page', '/catalog'), 1, 'the query string is dropped');
        assert.equal(sumOf(rows, 'referrer', 'https://www.searchengine.example'), 1, 'origin only');
        assert.equal(sumOf(rows, 'browser', 'Firefox 133'), 3);
        assert.equal(sumOf(rows, 'os', 'Android'), 1);
        assert.equal(sumOf(rows, 'location', 'in library'), 1);
        assert.equal(sumOf(rows, 'location', 'remote'), 3);
        assert.equal(
          sumOf(rows, 'domain', 'xcompany.com'),
          2,
          'PTR host-7.dsl.xcompany.com reduced by the PSL',
        );
        assert.equal(sumOf(rows, 'domain', 'yourschool.edu'), 1);
        assert.ok(!rows.some((r) => r.value.includes('/no-such-page') || r.value.includes('/staff')));
        const visitors = await e.ctx.db.selectFrom('stats_visitors').selectAll().execute();
        assert.equal(visitors.length, 3, 'three distinct visitors (IP + browser) counted');

        // The seed-and-sweep (W2, G4): none of what was sent is stored or logged anywhere.
        await e.ctx.database.ops.compactAfterPurge(e.ctx.db, ['stats_hourly', 'stats_visitors']);
        const secrets = [
          '198.51.100.23',
          '203.0.113.9',
          '10.20.0.5',
          '192.0.2.45',
          FIREFOX,
          CHROME_ANDROID,
          'private+search+terms',
          'private search terms',
          'page=2',
          'secret+referrer+words',
          ref,
          'host-7.dsl',
        ];
        for (const s of secrets) {
          assert.deepEqual(await findValueEverywhere(e.ctx, s), [], `${s} is stored somewhere`);
          assert.ok(!e.logs.some((l) => l.includes(s)), `${s} is in the logs`);
        }

        // Salts (W2): after the day ends, the day's salt and hashes are gone from every table.
        const salt = (await e.ctx.db.selectFrom('stats_salts').selectAll().executeTakeFirstOrThrow()).salt;
        e.clock.advance(DAY);
        await rollOver(e.ctx);
        await e.ctx.database.ops.compactAfterPurge(e.ctx.db, ['stats_salts', 'stats_visitors']);
        assert.deepEqual(await findValueEverywhere(e.ctx, salt), [], 'the old salt is gone');
        assert.equal((await e.ctx.db.selectFrom('stats_visitors').selectAll().execute()).length, 0);
        const daily = await e.ctx.db
          .selectFrom('stats_daily')
          .selectAll()
          .where('dimension', '=', 'visitors')
          .execute();
        assert.equal(sumOf(daily, 'visitors'), 3, 'the day keeps its count of visitors');
        await rollOver(e.ctx);
        assert.equal(
          sumOf(await e.ctx.db.selectFrom('stats_daily').selectAll().execute(), 'visitors'),
          3,
          'idempotent',
        );

        // Hours older than the window fold into days; no hourly row survives past it.
        e.clock.advance(8 * DAY);
        await rollOver(e.ctx);
        assert.equal((await hourlyRows(e)).length, 0);
        const folded = await e.ctx.db.selectFrom('stats_daily').selectAll().execute();
        assert.equal(sumOf(folded, 'views'), 4);
        assert.equal(sumOf(folded, 'page', '/catalog'), 1);
      });
    });

    test('the privacy page lists what is collected, and follows the reverse-DNS switch', async () => {
      const e = env();
      await withApp(e, async (app) => {
        const page = await new Browser(app).get('/privacy');
        assert.match(page.body, /Internet domain of your network/);
        assert.match(page.body, /Do Not Track/);
        assert.match(page.body, /whether you visited from inside a library branch/);
      });
    });
  },
  { env: statsEnv(dns) },
);

describeEachDialect(
  'website statistics without reverse DNS',
  (env) => {
    test('switching the lookup off removes the domain from the privacy page', async () => {
      const e = env();
      const collector = new StatsCollector(e.ctx, { mode: 'live' });
      const app = await buildApp(e.ctx, { statsCollector: collector });
      try {
        const page = await new Browser(app).get('/privacy');
        assert.doesNotMatch(page.body, /Internet domain of your network/);
        assert.match(page.body, /browser’s family and major version/);
      } finally {
        await app.close();
        await collector.stop();
      }
    });
  },
  { env: { STATS_REVERSE_DNS: 'false' } },
);
