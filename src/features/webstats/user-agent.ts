// Reduces a User-Agent header to the coarse families that PRIVACY.md W2 allows us to keep
// (browser family + major version, OS family) and decides whether the view is a bot (issue 5
// item 1). The full string is never returned, so nothing downstream can store it by accident.
import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';

export type ParsedUserAgent = {
  readonly browser: string;
  readonly browserMajor: string | null;
  readonly os: string;
  readonly isBot: boolean;
};

// A tiny LRU on top of Map's insertion order: a hit is re-inserted so it becomes the newest, and
// the oldest key is evicted when full. Good enough for one hot cache; no extra dependency.
export class Lru<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }
}

// Real browser UAs stay well under 1 KB; anything longer is a scanner or garbage, and capping the
// length also bounds what the cache can hold (5,000 × 1 KB at worst).
const MAX_UA_LENGTH = 1024;
const CACHE_SIZE = 5000;

// Clients the bot list may not know, or that we want excluded even where it hesitates (page-speed
// tools, headless automation, HTTP libraries).
const NON_BROWSER =
  /curl\/|wget\/|python-requests|python-urllib|aiohttp|httpx|go-http-client|java\/|okhttp|libwww|headlesschrome|lighthouse|ptst\/|phantomjs|node-fetch|axios\//i;

// Only these families are kept; everything else is 'Other'. A closed list keeps the dimension's
// cardinality small (rare names help single out a visitor, and the dashboard stays readable).
// Maps, not object literals: a name taken from the UA such as 'constructor' must not hit a prototype.
const BROWSERS = new Map<string, string>(
  Object.entries({
    Chrome: 'Chrome',
    'Mobile Chrome': 'Chrome',
    'Chrome WebView': 'Chrome',
    Chromium: 'Chromium',
    Firefox: 'Firefox',
    'Mobile Firefox': 'Firefox',
    'Firefox Focus': 'Firefox',
    Safari: 'Safari',
    'Mobile Safari': 'Safari',
    Edge: 'Edge',
    Opera: 'Opera',
    'Opera Mobi': 'Opera',
    'Opera Mini': 'Opera',
    'Opera Touch': 'Opera',
    'Opera GX': 'Opera',
    'Samsung Internet': 'Samsung Internet',
    Yandex: 'Yandex',
    Vivaldi: 'Vivaldi',
    Brave: 'Brave',
    DuckDuckGo: 'DuckDuckGo',
    UCBrowser: 'UC Browser',
    'MIUI Browser': 'MIUI Browser',
    'Huawei Browser': 'Huawei Browser',
    'Android Browser': 'Android Browser',
    Silk: 'Silk',
    IE: 'Internet Explorer',
    IEMobile: 'Internet Explorer',
    Facebook: 'Facebook app',
    Instagram: 'Instagram app',
  }),
);

const OSES = new Map<string, string>(
  Object.entries({
    Windows: 'Windows',
    'Mac OS': 'macOS',
    macOS: 'macOS',
    iOS: 'iOS',
    iPadOS: 'iOS',
    Android: 'Android',
    'Android-x86': 'Android',
    'Chromium OS': 'ChromeOS',
    'Chrome OS': 'ChromeOS',
    Linux: 'Linux',
  }),
);
// ua-parser-js names Linux distributions individually; they are all 'Linux' for us.
const LINUX_DISTRO =
  /^(?:[kxl]?ubuntu|debian|suse|opensuse|gentoo|arch|slackware|fedora|mandriva|centos|pclinuxos|red ?hat|zenwalk|linpus|raspbian|deepin|manjaro|elementary os|sabayon|linspire|mint)$/i;

const BOT: ParsedUserAgent = Object.freeze({
  browser: 'Other',
  browserMajor: null,
  os: 'Other',
  isBot: true,
});

const cache = new Lru<string, ParsedUserAgent>(CACHE_SIZE);

function family(ua: string): ParsedUserAgent {
  // Cheap checks first: they settle most non-browser traffic without running the big regexes.
  if (!ua.includes('Mozilla/')) return BOT;
  if (NON_BROWSER.test(ua) || isbot(ua)) return BOT;
  // Only the two parts we keep are parsed; getResult() would also run the device/engine/CPU rules.
  const parser = new UAParser(ua);
  const b = parser.getBrowser();
  const o = parser.getOS();
  const browser = (b.name && BROWSERS.get(b.name)) || 'Other';
  const major = browser !== 'Other' && b.major && /^\d{1,4}$/.test(b.major) ? b.major : null;
  let os = (o.name && OSES.get(o.name)) || 'Other';
  if (os === 'Other' && o.name && LINUX_DISTRO.test(o.name)) os = 'Linux';
  return Object.freeze({ browser, browserMajor: major, os, isBot: false });
}

export function parseUserAgent(ua: string | undefined): ParsedUserAgent {
  if (typeof ua !== 'string') return BOT;
  const trimmed = ua.trim();
  if (trimmed === '' || trimmed.length > MAX_UA_LENGTH) return BOT;
  const hit = cache.get(trimmed);
  if (hit) return hit;
  const parsed = family(trimmed);
  cache.set(trimmed, parsed);
  return parsed;
}
