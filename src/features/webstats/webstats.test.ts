// Website statistics on both databases, through real HTTP and a real DNS server on loopback
// (issue 5, W1–W4, G2, G4, G7): a day of simulated traffic leaves no client IP, user agent, query
// string or full referrer anywhere (including the raw SQLite file); DNT/GPC only adds to an
// anonymous total; the day's salt is gone after rollover; staff networks are not counted and
// branch networks are labelled; the beacon obeys its origins; suppression holds on the dashboard
// and in the CSV; the leaving notice is not an open redirect; log import is idempotent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import { DAY, HOUR } from '../../clock.ts';
import { buildApp } from '../../app/root.ts';
import type { App } from '../../http/types.ts';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { startDnsServer, type DnsServer } from '../../../test/support/dns-server.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { Browser, signedInStaff } from '../../../test/support/http.ts';
import { addRecord } from '../../../test/support/circulation-fixtures.ts';
import { StatsCollector } from './collector.ts';
import { externalHref } from './leave.ts';
import { importLogFile } from './log-import.ts';
import { getDashboard, rollOver } from './webstats.service.ts';
import { seedDemoTraffic } from '../../demo/traffic.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

// A real DNS server on loopback answers the PTR queries (the outside network is not used).
const dns: DnsServer = await startDnsServer({
  ptr: { '198.51.100.23': 'host-7.dsl.xcompany.com', '203.0.113.9': 'lab-3.cs.yourschool.edu' },
});
after(() => dns.close());

async function withApp(env: TestEnv, run: (app: App, collector: StatsCollector) => Promise<void>) {
  const collector = new StatsCollector(env.ctx, { mode: 'live' });
  const app = await buildApp(env.ctx, { statsCollector: collector });
  try {
    await run(app, collector);
  } finally {
    await collector.stop();
    await app.close();
  }
}

const visit = (app: App, url: string, ip: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, remoteAddress: ip, headers: { 'user-agent': FIREFOX, ...headers } });

async function hourlyRows(env: TestEnv) {
  return env.ctx.db.selectFrom('stats_hourly').selectAll().execute();
}
const sumOf = (
  rows: Array<{ dimension: string; value: string; count: number }>,
  dim: string,
  value?: string,
) =>
  rows
    .filter((r) => r.dimension === dim && (value === undefined || r.value === value))
    .reduce((n, r) => n + Number(r.count), 0);

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

    test('the beacon counts hits only from configured sites; the script is tiny; the image works', async () => {
      const e = env();
      await withApp(e, async (app, collector) => {
        const js = await app.inject({ method: 'GET', url: '/stats/beacon.js' });
        assert.equal(js.statusCode, 200);
        assert.ok(
          zlib.gzipSync(js.body).length <= 1024,
          `beacon.js is ${zlib.gzipSync(js.body).length} bytes gzipped`,
        );
        assert.match(js.body, /sendBeacon/);
        const hit = (origin: string, body: unknown, ip = '198.51.100.23') =>
          app.inject({
            method: 'POST',
            url: '/stats/hit',
            remoteAddress: ip,
            headers: { origin, 'content-type': 'text/plain;charset=UTF-8', 'user-agent': FIREFOX },
            payload: JSON.stringify(body),
          });
        const ok = await hit('https://www.library.example', {
          p: '/events?utm_source=x',
          r: 'https://news.example.org/a/b?c=d',
        });
        assert.equal(ok.statusCode, 204);
        assert.equal(ok.headers['access-control-allow-origin'], 'https://www.library.example');
        // The body-less 204 skips the document headers (nothing for them to govern)…
        assert.equal(ok.headers['content-security-policy'], undefined);
        const foreign = await hit('https://evil.example', { p: '/x' });
        assert.equal(foreign.statusCode, 403);
        assert.equal(foreign.headers['access-control-allow-origin'], undefined);
        const bad = await hit('https://www.library.example', 'not json');
        assert.equal(bad.statusCode, 400);
        // …every other answer, from the same route too, keeps them.
        assert.match(String(bad.headers['content-security-policy']), /default-src 'self'/);
        assert.match(String(foreign.headers['content-security-policy']), /default-src 'self'/);
        const gpc = await app.inject({
          method: 'POST',
          url: '/stats/hit',
          headers: { origin: 'https://www.library.example', 'content-type': 'text/plain', 'sec-gpc': '1' },
          payload: JSON.stringify({ p: '/gpc-page' }),
        });
        assert.equal(gpc.statusCode, 204);
        const img = await app.inject({
          method: 'GET',
          url: '/stats/hit.gif?p=/noscript-page',
          headers: { referer: 'https://www.library.example/noscript-page', 'user-agent': FIREFOX },
        });
        assert.equal(img.statusCode, 200);
        assert.equal(img.headers['content-type'], 'image/gif');
        await collector.settle();
        await collector.flush();
        const rows = await hourlyRows(e);
        assert.equal(sumOf(rows, 'page', 'www.library.example/events'), 1);
        assert.equal(sumOf(rows, 'page', 'www.library.example/noscript-page'), 1);
        assert.equal(sumOf(rows, 'referrer', 'https://news.example.org'), 1);
        assert.equal(sumOf(rows, 'source', 'beacon'), 2);
        assert.ok(!rows.some((r) => r.value.includes('gpc-page')), 'GPC: no dimension row');
        assert.ok(!rows.some((r) => r.value.includes('evil')));
      });
    });

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

    test('the leaving notice: signed or allowed links only, exits counted by host, no open redirect', async () => {
      const e = env();
      await withApp(e, async (app, collector) => {
        const target = 'https://ebooks.example.net/title/42?session=abc';
        const href = externalHref(e.config, target);
        const page = await app.inject({ method: 'GET', url: href });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /You are leaving the library/);
        assert.match(page.body, /ebooks\.example\.net/);
        assert.match(page.body, /privacy policy does not apply there/);
        const sig = new URL(href, 'http://x').searchParams.get('sig')!;
        const go = await app.inject({
          method: 'GET',
          url: `/leave/go?${new URLSearchParams({ to: target, sig })}`,
        });
        assert.equal(go.statusCode, 303);
        assert.equal(go.headers.location, target);
        const tampered = await app.inject({
          method: 'GET',
          url: `/leave/go?${new URLSearchParams({ to: 'https://evil.example/', sig })}`,
        });
        assert.equal(tampered.statusCode, 400);
        assert.match(tampered.body, /cannot be followed/);
        assert.equal(
          (await app.inject({ method: 'GET', url: '/leave?to=https://evil.example/' })).statusCode,
          400,
        );
        assert.equal(
          (
            await app.inject({
              method: 'GET',
              url: `/leave?${new URLSearchParams({ to: 'javascript:alert(1)', sig })}`,
            })
          ).statusCode,
          400,
        );
        // A record's online link (MARC 856) goes through the notice, signed.
        const rec = await addRecord(e.ctx, { title: 'An Online Book' });
        await e.ctx.db
          .updateTable('bib_records')
          .set({
            marc: JSON.stringify({
              leader: '00000nam a2200000 a 4500',
              fields: [
                { tag: '245', ind1: '0', ind2: '0', subfields: [{ code: 'a', value: 'An Online Book' }] },
                {
                  tag: '856',
                  ind1: '4',
                  ind2: '0',
                  subfields: [
                    { code: 'u', value: target },
                    { code: 'y', value: 'Read it online' },
                  ],
                },
                {
                  tag: '856',
                  ind1: '4',
                  ind2: '0',
                  subfields: [{ code: 'u', value: 'javascript:alert(1)' }],
                },
              ],
            }),
          })
          .where('id', '=', rec.id)
          .execute();
        const recordPage = await app.inject({ method: 'GET', url: `/catalog/record/${rec.id}` });
        const link = /<a href="(\/leave\?[^"]+)">Read it online<\/a>/.exec(recordPage.body);
        assert.ok(link, 'the 856 link points to the notice');
        assert.ok(!recordPage.body.includes('javascript:'), 'only http(s) links');
        assert.equal(
          (await app.inject({ method: 'GET', url: link[1]!.replace(/&amp;/g, '&') })).statusCode,
          200,
        );
        const allowed = await app.inject({
          method: 'GET',
          url: '/leave?to=https://www.library.example/events',
        });
        assert.equal(allowed.statusCode, 200, 'EXTERNAL_LINK_HOSTS need no signature');
        await collector.flush();
        const rows = await hourlyRows(e);
        assert.equal(sumOf(rows, 'exit', 'ebooks.example.net'), 1);
        assert.ok(
          !rows.some((r) => r.value.includes('session=abc') || r.value.includes('/title/42')),
          'host only',
        );
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
  {
    env: {
      STATS_REVERSE_DNS: 'true',
      STATS_DNS_SERVERS: dns.address,
      STATS_STAFF_NETWORKS: '10.99.0.0/16',
      STATS_LIBRARY_NETWORKS: '10.20.0.0/16',
      STATS_SITE_ORIGINS: 'https://www.library.example',
      EXTERNAL_LINK_HOSTS: 'library.example',
    },
  },
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
