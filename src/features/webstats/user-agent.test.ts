// User-Agent reduction (W2) and bot exclusion (issue 5 item 1) on real-world strings, plus a guard
// against gross slow-downs of the per-view reducers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registrableDomain } from './domains.ts';
import { parseCidrList } from './networks.ts';
import { normalizePath, referrerOrigin } from './paths.ts';
import { Lru, parseUserAgent } from './user-agent.ts';

const win = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)';
// One browser a line: browser family | major version ('-' for none) | OS family | the full UA.
const browserTable = `
Chrome | 131 | Windows | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36
Chrome | 124 | macOS | Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36
Chrome | 120 | Linux | Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36
Chrome | 133 | Android | Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Mobile Safari/537.36
Chrome | 131 | Android | Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36
Chrome | 123 | iOS | Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1
Chrome | 109 | Windows | Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36
Chrome | 122 | Android | Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36
Chrome | 126 | ChromeOS | Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36
Firefox | 128 | Windows | Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0
Firefox | 133 | macOS | Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0
Firefox | 121 | Linux | Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0
Firefox | 130 | Linux | Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0
Firefox | 115 | Linux | Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0
Firefox | 125 | Android | Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0
Firefox | 121 | iOS | Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15
Safari | 17 | macOS | Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15
Safari | 18 | macOS | Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15
Safari | 18 | iOS | Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1
Safari | 16 | iOS | Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1
Edge | 131 | Windows | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0
Edge | 124 | Android | Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.0.0
Opera | 115 | Windows | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0
Opera | 79 | Android | Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 OPR/79.0.0.0
Samsung Internet | 25 | Android | Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36
Yandex | 24 | Windows | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 YaBrowser/24.4.0.0 Safari/537.36
Vivaldi | 6 | Windows | Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Vivaldi/6.6.3271.45
DuckDuckGo | 5 | Android | Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 DuckDuckGo/5
UC Browser | 13 | Android | Mozilla/5.0 (Linux; U; Android 10; en-US; RMX2185 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36
Instagram app | 309 | Android | Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram 309.1.0.41.113 Android
MIUI Browser | 14 | Android | Mozilla/5.0 (Linux; Android 14; 2201116SG) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.230 Mobile Safari/537.36 XiaoMi/MiuiBrowser/14.9.1-gn
Internet Explorer | 11 | Windows | Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko
Other | - | Android | Mozilla/5.0 (Linux; U; Android 13; zh-CN; V2227A Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 Quark/6.9.1.451 Mobile Safari/537.36
Other | - | iOS | Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.36.105]
Safari | 13 | Other | Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15
Samsung Internet | 4 | Other | Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36
`;
// Unlisted families (Quark, the Facebook iOS in-app view) fold into 'Other' without a version but
// keep their OS; consoles and TVs keep their browser but have OS 'Other'.
const browsers = browserTable
  .trim()
  .split('\n')
  .map((line) => {
    const [browser = '', major = '', os = '', ...ua] = line.split(' | ');
    return {
      ua: ua.join(' | '),
      expected: { browser, browserMajor: major === '-' ? null : major, os, isBot: false },
    };
  });

const bots = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/131.0.6778.204 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)',
  'Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ClaudeBot/1.0; +claudebot@anthropic.com)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
  `${win} Chrome/120.0.0.0 Safari/537.36 PTST/240101.000000`,
  'curl/8.5.0',
  'Wget/1.21.4',
  'python-requests/2.31.0',
  'Go-http-client/2.0',
  'Java/17.0.2',
  'libwww-perl/6.72',
  'Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.18', // no "Mozilla/": a museum piece or a fake
  '',
  '   ',
  'garbage \u0000\u00ff ☃',
  `Mozilla/5.0 (${'A'.repeat(10_000)})`,
];

test('browser and OS families with major versions of real 2023–2026 browsers', () => {
  assert.ok(browsers.length + bots.length >= 40);
  assert.equal(browsers.length, 36);
  for (const { ua, expected } of browsers) assert.deepEqual(parseUserAgent(ua), expected, ua);
});

test('crawlers, HTTP libraries, headless tools, empty, garbage and huge strings are bots', () => {
  for (const ua of [...bots, undefined]) {
    assert.deepEqual(
      parseUserAgent(ua),
      { browser: 'Other', browserMajor: null, os: 'Other', isBot: true },
      ua,
    );
  }
});

test('cached results are shared and cannot be changed by a caller', () => {
  const ua = browsers[0]!.ua;
  const a = parseUserAgent(ua);
  assert.equal(parseUserAgent(` ${ua} `), a);
  assert.throws(() => Object.assign(a, { browser: 'x' }), TypeError);
});

test('Lru evicts the least recently used entry', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1); // 'b' is now the oldest
  lru.set('c', 3);
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.get('c'), 3);
  assert.equal(lru.size, 2);
});

test('all four reducers together stay fast per view (guard against gross regressions)', () => {
  // A realistic mix: a few hundred distinct UAs that repeat (the cache's case), varied paths, PTR
  // names, referrers, IPv4 and IPv6 clients checked against staff and branch networks.
  const uas = Array.from({ length: 300 }, (_, i) => `${browsers[i % browsers.length]!.ua} Build/${i % 97}`);
  const staff = parseCidrList('10.0.0.0/8\n192.168.0.0/16\n2001:db8::/32').list;
  const branch = parseCidrList('172.16.0.0/12\n2001:db8:1::/48').list;
  const opts = { allowedQueryKeys: ['page', 'lang'] };
  const own = ['library.example.org'];
  const view = (i: number) => {
    parseUserAgent(uas[(i * 7919) % uas.length]);
    registrableDomain(`host-${i % 500}.dsl.isp${i % 40}.co.uk`);
    normalizePath(`/catalog/record/${(i * 2654435761) % 1e9}?q=secret&page=${i % 9}`, opts);
    referrerOrigin(i % 3 ? `https://www.google.com/search?q=${i}` : 'https://library.example.org/x', own);
    const ip = i % 3 ? `203.0.113.${i % 256}` : `2a02:1:${i % 256}::1`;
    staff.matches(ip);
    branch.matches(ip);
  };
  for (let i = 0; i < 2000; i++) view(i); // warm-up: JIT and the UA cache
  // Batches, judged by their median, so a burst of load from other test files cannot fail this.
  const batches: number[] = [];
  for (let b = 0, i = 0; b < 10; b++) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < 2000; k++) view(i++);
    batches.push(Number(process.hrtime.bigint() - started) / 1000 / 2000);
  }
  batches.sort((a, b) => a - b);
  const median = batches[5]!;
  console.log(
    `webstats reducers: ${median.toFixed(2)} µs per view (median batch; best ${batches[0]!.toFixed(2)})`,
  );
  assert.ok(median < 200, `${median} µs per view`);
});
