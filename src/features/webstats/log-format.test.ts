// The combined-format parser (issue 5 item 3): nginx and Apache variants of the same line, their
// two escaping styles, IPv6, time-zone offsets, and every kind of line that must count as malformed
// rather than be half-read into the statistics. isPageRequest: only public pages count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPageRequest, parseCombinedLine, type LogLine } from './log-format.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const line = (o: { ip?: string; time?: string; req?: string; tail?: string } = {}): string =>
  `${o.ip ?? '203.0.113.7'} - - [${o.time ?? '28/Nov/2026:10:15:32 +0100'}] "${o.req ?? 'GET / HTTP/1.1'}" ` +
  (o.tail ?? `200 5120 "https://www.google.com/" "${UA}"`);
const parse = (l: string): LogLine => {
  const r = parseCombinedLine(l);
  assert.ok(r, `should parse: ${l}`);
  return r;
};
const iso = (time: string): string => parse(line({ time })).at.toISOString();

test('an nginx combined line, every field', () => {
  const l = parse(
    '203.0.113.7 - - [28/Nov/2026:10:15:32 +0100] "GET /catalog?q=dvorak HTTP/1.1" 200 5120 ' +
      `"https://www.google.com/" "${UA}"`,
  );
  assert.deepEqual(l, {
    ip: '203.0.113.7',
    at: new Date('2026-11-28T09:15:32.000Z'),
    method: 'GET',
    target: '/catalog?q=dvorak',
    status: 200,
    referrer: 'https://www.google.com/',
    userAgent: UA,
  });
});

test('Apache variants: "-" bytes, a remote user, HTTP/1.0, "-" referrer and agent', () => {
  const l = parse('192.0.2.1 - alice [05/Mar/2027:08:00:00 +0000] "HEAD /about HTTP/1.0" 304 - "-" "-"');
  assert.equal(l.method, 'HEAD');
  assert.equal(l.status, 304);
  assert.equal(l.referrer, undefined);
  assert.equal(l.userAgent, undefined);
  assert.equal(parse(line({ tail: '200 0 "" ""' })).referrer, undefined);
  assert.equal(parse(line({ req: 'GET /x HTTP/2.0' })).target, '/x');
  assert.equal(parse(line({ req: 'GET /x HTTP/2' })).target, '/x');
  assert.equal(parse(line({ tail: `200 12 "-" "${UA}"  ` })).userAgent, UA, 'trailing blanks are allowed');
});

test('a request without a protocol (HTTP/0.9 form)', () => {
  const l = parse(line({ req: 'GET /' }));
  assert.equal(l.method, 'GET');
  assert.equal(l.target, '/');
});

test('IPv6 and IPv4-mapped addresses', () => {
  assert.equal(parse(line({ ip: '2001:db8::1' })).ip, '2001:db8::1');
  assert.equal(parse(line({ ip: '::ffff:203.0.113.7' })).ip, '::ffff:203.0.113.7');
  assert.equal(parse(line({ ip: '2001:0db8:85a3:0000:0000:8a2e:0370:7334' })).status, 200);
});

test('time-zone offsets become the right instant', () => {
  assert.equal(iso('28/Nov/2026:10:15:32 +0100'), '2026-11-28T09:15:32.000Z');
  assert.equal(iso('28/Nov/2026:23:59:59 -0500'), '2026-11-29T04:59:59.000Z');
  assert.equal(iso('01/Jan/2027:00:10:00 +0530'), '2026-12-31T18:40:00.000Z');
  assert.equal(iso('15/Jul/2026:12:00:00 +0000'), '2026-07-15T12:00:00.000Z');
  assert.equal(iso('29/Feb/2028:06:30:00 -0930'), '2028-02-29T16:00:00.000Z');
  // The parser caches the last day and zone; a change of either alone must not reuse it.
  assert.equal(iso('28/Nov/2026:10:15:32 -0500'), '2026-11-28T15:15:32.000Z');
  assert.equal(iso('27/Nov/2026:10:15:32 -0500'), '2026-11-27T15:15:32.000Z');
  assert.equal(parseCombinedLine(line({ time: '27/Nov/2026:24:00:00 -0500' })), null);
  assert.equal(parseCombinedLine(line({ time: '27/Nov/2026:10:15:32 -05O0' })), null);
});

test('Apache escapes: \\" inside the agent and referrer, \\\\ before the closing quote', () => {
  const l = parse(line({ tail: '200 1 "https://ex.org/?q=\\"a b\\"" "Agent \\"quoted\\" 1.0"' }));
  assert.equal(l.referrer, 'https://ex.org/?q="a b"');
  assert.equal(l.userAgent, 'Agent "quoted" 1.0');
  assert.equal(parse(line({ tail: '200 1 "-" "ends with \\\\"' })).userAgent, 'ends with \\');
  assert.equal(parse(line({ tail: '200 1 "-" "tab\\there"' })).userAgent, 'tab\there');
});

test('nginx escapes: \\x22 for quotes and \\xhh runs for UTF-8 bytes', () => {
  const l = parse(line({ req: 'GET /search?q=caf\\xC3\\xA9 HTTP/1.1', tail: '200 1 "-" "A \\x22B\\x22 C"' }));
  assert.equal(l.target, '/search?q=café');
  assert.equal(l.userAgent, 'A "B" C');
  assert.equal(parse(line({ tail: '200 1 "-" "back\\x5Cslash"' })).userAgent, 'back\\slash');
});

test('malformed lines are null', () => {
  const bad: Array<[string, string]> = [
    ['empty', ''],
    [
      'common format (no referrer, agent)',
      '203.0.113.7 - - [28/Nov/2026:10:15:32 +0100] "GET / HTTP/1.1" 200 5',
    ],
    ['an extra field', line() + ' "10.0.0.1"'],
    ['no ident and user', '203.0.113.7 [28/Nov/2026:10:15:32 +0100] "GET / HTTP/1.1" 200 1 "-" "-"'],
    ['a host name for the address', line({ ip: 'host-7.dsl.example.com' })],
    ['day 32', line({ time: '32/Nov/2026:10:15:32 +0100' })],
    ['31 April', line({ time: '31/Apr/2026:10:15:32 +0100' })],
    ['29 Feb of a common year', line({ time: '29/Feb/2027:10:15:32 +0100' })],
    ['an unknown month', line({ time: '28/Foo/2026:10:15:32 +0100' })],
    ['hour 25', line({ time: '28/Nov/2026:25:15:32 +0100' })],
    ['no offset', line({ time: '28/Nov/2026:10:15:32' })],
    ['an ISO time', line({ time: '2026-11-28T10:15:32+01:00' })],
    ['status 99', line({ tail: '99 1 "-" "-"' })],
    ['status 600', line({ tail: '600 1 "-" "-"' })],
    ['status text', line({ tail: 'OK 1 "-" "-"' })],
    ['two-digit status', line({ tail: '20 1 "-" "-"' })],
    ['bytes not a number', line({ tail: '200 12k "-" "-"' })],
    ['request "-"', line({ req: '-' })],
    ['method only', line({ req: 'GET' })],
    ['lower-case method', line({ req: 'get / HTTP/1.1' })],
    ['a space in the target', line({ req: 'GET /a b HTTP/1.1' })],
    ['not HTTP', line({ req: 'GET / FTP/1.0' })],
    ['TLS bytes sent to port 80', line({ req: '\\x16\\x03\\x01\\x00\\xA5\\x01' })],
    ['an unterminated agent', line({ tail: '200 1 "-" "Mozilla' })],
    ['an unterminated request', '203.0.113.7 - - [28/Nov/2026:10:15:32 +0100] "GET / HTTP/1.1 200 1 "-" "-'],
  ];
  for (const [why, l] of bad) assert.equal(parseCombinedLine(l), null, why);
});

test('lines over 16 KiB are refused; just under is fine', () => {
  const pad = (n: number): string => line({ tail: `200 1 "-" "${'a'.repeat(n)}"` });
  const base = pad(0).length;
  assert.equal(pad(16 * 1024 - base).length, 16 * 1024);
  assert.ok(parseCombinedLine(pad(16 * 1024 - base)));
  assert.equal(parseCombinedLine(pad(16 * 1024 - base + 1)), null);
});

test('isPageRequest: successful GET/HEAD of public pages only', () => {
  const page = (target: string, method = 'GET', status = 200): boolean =>
    isPageRequest({ ...parse(line()), target, method, status });
  for (const t of ['/', '/catalog?q=a.css', '/catalog/record/42', '/privacy', '/apidocs', '/docs/v1.2/'])
    assert.equal(page(t), true, t);
  assert.equal(page('/contact', 'HEAD', 304), true);
  assert.equal(page('/contact', 'GET', 204), true);
  for (const t of ['/assets/app.css', '/favicon.ico', '/robots.txt', '/sitemap.xml', '/files/Report.PDF'])
    assert.equal(page(t), false, t);
  for (const t of ['/api', '/api/items', '/staff/', '/staff', '/stats/hit?p=/', '/STAFF/x', '*'])
    assert.equal(page(t), false, t);
  assert.equal(page('/', 'POST'), false);
  for (const s of [301, 302, 404, 500]) assert.equal(page('/', 'GET', s), false, String(s));
});
