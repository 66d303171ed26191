// Page paths and referrers as statistics may keep them (W2): no query strings but allowed keys,
// ids and secret tokens collapsed, referrer origins only, own-site referrers dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePath, referrerOrigin } from './paths.ts';

const none = { allowedQueryKeys: [] };
const some = { allowedQueryKeys: ['page', 'lang', 'format'] };

test('query strings are removed except allowed keys, sorted, values capped', () => {
  assert.equal(normalizePath('/catalog?q=harry+potter&page=2', none), '/catalog');
  assert.equal(normalizePath('/catalog?q=harry+potter&page=2&lang=fr', some), '/catalog?lang=fr&page=2');
  assert.equal(
    normalizePath('/catalog?format=dvd&format=book&format=dvd', some),
    '/catalog?format=book&format=dvd',
  );
  assert.equal(normalizePath('/catalog?lang=caf%C3%A9+au+lait', some), '/catalog?lang=caf%C3%A9%20au%20lait');
  assert.equal(normalizePath('/catalog?page', some), '/catalog?page=');
  assert.equal(normalizePath('/catalog?', some), '/catalog');
  // Only the first 64 pairs are looked at: a flood of parameters costs no more than that.
  assert.equal(normalizePath(`/catalog?${'q=1&'.repeat(63)}page=1`, some), '/catalog?page=1');
  assert.equal(normalizePath(`/catalog?${'q=1&'.repeat(64)}page=1`, some), '/catalog');
  assert.equal(normalizePath(`/catalog?lang=${'x'.repeat(500)}`, some), `/catalog?lang=${'x'.repeat(100)}`);
  // The cap never leaves half a surrogate pair behind.
  assert.equal(normalizePath(`/catalog?lang=${'a'.repeat(99)}😀`, some), `/catalog?lang=${'a'.repeat(99)}`);
  assert.equal(normalizePath('/catalog?lang=😀', some), '/catalog?lang=%F0%9F%98%80');
  // A kept query that would make the path too long is dropped, the page still counts.
  const long = `format=${'f'.repeat(100)}&lang=${'l'.repeat(100)}&page=${'😀'.repeat(50)}`;
  assert.equal(normalizePath(`/catalog?${long}`, some), '/catalog');
  // A bad pair is dropped on its own; control characters never survive.
  assert.equal(normalizePath('/catalog?lang=%E0%A4%A&page=3&format=a%0Ab', some), '/catalog?page=3');
});

test('fragments go, paths are decoded to one canonical form, dot segments resolve', () => {
  assert.equal(normalizePath('/', none), '/');
  assert.equal(normalizePath('/privacy#cookies', none), '/privacy');
  assert.equal(normalizePath('/privacy?x=1#frag?page=2', some), '/privacy');
  assert.equal(normalizePath('/catalog/', none), '/catalog/');
  assert.equal(normalizePath('//catalog///help', none), '/catalog/help');
  assert.equal(normalizePath('/a/./b/../c', none), '/a/c');
  assert.equal(normalizePath('/a/b/..', none), '/a/');
  assert.equal(normalizePath('/../../../etc/passwd', none), '/etc/passwd');
  assert.equal(normalizePath('/%2e%2e/%2E%2E/x', none), '/x');
  assert.equal(normalizePath('/news/café', none), '/news/caf%C3%A9');
  assert.equal(normalizePath('/news/caf%c3%a9', none), '/news/caf%C3%A9');
  assert.equal(normalizePath('/a%2Fb/c:d@e', none), '/a%2Fb/c:d@e');
  assert.equal(normalizePath('/About/Us', none), '/About/Us'); // case is kept
  assert.equal(normalizePath('https://library.example.org/catalog?q=x', none), '/catalog');
  assert.equal(normalizePath('http://library.example.org', none), '/');
  assert.equal(normalizePath('http://library.example.org?page=2', some), '/?page=2');
});

test('record ids, long numbers, tokens, e-mail addresses and secret links collapse', () => {
  const cases: Array<[string, string]> = [
    ['/catalog/record/42', '/catalog/record/:id'],
    ['/catalog/record/8f14e45f-ceea-467f-a0e6-2c3b1a2d9e11', '/catalog/record/:id'],
    ['/catalog/record/abc?q=x', '/catalog/record/:id'],
    ['/catalog/record/42/marc', '/catalog/record/:id/marc'],
    ['/unsubscribe/c2VjcmV0LXRva2Vu', '/unsubscribe/:token'],
    ['/ask/delete/short', '/ask/delete/:token'],
    ['/account/pin-reset/Zm9vYmFy.sig', '/account/pin-reset/:token'],
    ['/things/8F14E45F-CEEA-467F-A0E6-2C3B1A2D9E11/edit', '/things/:id/edit'],
    ['/items/123456', '/items/:id'],
    ['/items/12345', '/items/12345'],
    ['/s/3f9a0c7d1e2b4a6f', '/s/:id'],
    ['/s/aZ3xQ9kLmP2vT8wR', '/s/:id'],
    ['/s/a1b2-c3d4-e5f6-g7h8', '/s/:id'],
    ['/card/patron-21234000123456', '/card/:id'],
    ['/to/jane.doe%40example.com', '/to/:id'],
    // Readable slugs and short tokens stay.
    ['/news/annual-report-2024', '/news/annual-report-2024'],
    ['/news/covid19-resources-for-patrons', '/news/covid19-resources-for-patrons'],
    ['/events/2024/05/storytime', '/events/2024/05/storytime'],
    ['/harry-potter-and-the-philosophers-stone', '/harry-potter-and-the-philosophers-stone'],
    ['/page/2', '/page/2'],
    ['/unsubscribe', '/unsubscribe'],
  ];
  for (const [raw, kept] of cases) assert.equal(normalizePath(raw, some), kept, raw);
});

test('hostile and garbage input gives null and never throws', () => {
  const nulls = [
    '',
    'catalog',
    '*',
    'javascript:alert(1)',
    '/bad%',
    '/bad%zz',
    '/bad%E0%A4%A',
    '/nul%00byte',
    '/new%0Aline',
    '/tab\there',
    '/lone\ud800surrogate',
    `/${'a'.repeat(512)}`,
    `/${'%41'.repeat(200)}`,
    `/x?${'a=1&'.repeat(10_000)}`,
  ];
  for (const raw of nulls) assert.equal(normalizePath(raw, some), null, raw.slice(0, 40));
  assert.equal(normalizePath(undefined as unknown as string, some), null);
  assert.equal(normalizePath(`/${'a'.repeat(510)}`, none)?.length, 511);
});

test('referrers keep only the origin of other sites', () => {
  const own = ['library.example.org', 'Catalog.Example.net:8443'];
  const cases: Array<[string | undefined, string | null]> = [
    ['https://www.google.com/search?q=library+card&hl=en', 'https://www.google.com'],
    ['https://WWW.Bing.COM:443/search?q=x', 'https://www.bing.com'],
    ['http://news.example.com:8080/a/b#c', 'http://news.example.com:8080'],
    ['https://user:pass@forum.example.com/t/1', 'https://forum.example.com'],
    ['https://bücherei.example/x', 'https://xn--bcherei-n2a.example'],
    ['https://example.org/', 'https://example.org'], // the parent domain is another site
    ['https://library.example.org/catalog?q=x', null],
    ['https://events.library.example.org/x', null],
    ['http://LIBRARY.example.org./', null],
    ['https://catalog.example.net/', null],
    ['https://notlibrary.example.org/', 'https://notlibrary.example.org'],
    ['android-app://com.google.android.gm/', null],
    ['file:///C:/Users/jane/bookmarks.html', null],
    ['data:text/html,hi', null],
    ['www.google.com', null],
    ['https://', null],
    ['https://exa mple.com/', null],
    ['http://192.168.1.20:8080/', null],
    ['http://[2001:db8::1]/', null],
    ['', null],
    [undefined, null],
    [`https://example.com/${'a'.repeat(50_000)}?q=1`, 'https://example.com'],
    [`https://${'a'.repeat(600)}.com/`, null],
    [`https://${'a'.repeat(100_000)}`, null],
  ];
  for (const [ref, origin] of cases) assert.equal(referrerOrigin(ref, own), origin, String(ref));
});
