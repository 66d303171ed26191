// Website statistics (issue 5, W1, W3): the beacon counts hits only from the configured sites and
// obeys DNT/GPC; the leaving notice follows signed or allowed links only, counts exits by host and
// is no open redirect. Both databases, real HTTP, a real DNS server on loopback.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addRecord } from '../../../test/support/circulation-fixtures.ts';
import { externalHref } from './leave.ts';
import { FIREFOX, hourlyRows, startStatsDns, statsEnv, sumOf, withApp } from './webstats.test-support.ts';

const dns = await startStatsDns();

describeEachDialect(
  'website statistics: beacon and leaving notice',
  (env) => {
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
  },
  { env: statsEnv(dns) },
);
