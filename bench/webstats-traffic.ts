// The traffic model of the webstats benchmark, shared by bench/webstats.ts and its child processes
// (bench/webstats-server.ts), deterministic from a seed: client addresses (each with one to three
// browsers, or a crawler), their PTR names, browser and crawler user agents, the pages of a library
// website with realistic query strings, external referrers.
import { prng, zipf } from './lib.ts';

// ---------------------------------------------------------------------------------------------
// Traffic model

export const pick = <T>(rand: () => number, list: readonly T[]): T =>
  list[Math.floor(rand() * list.length)] as T;
const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

export const SITE_ORIGIN = 'https://www.library.example';
export const SITE_HOST = 'www.library.example';

export interface Client {
  ip: string;
  /** Browsers seen from this address (a household or office NAT has several). */
  uas: string[];
  bot: boolean;
  /** The PTR name served for the address in the DNS run; null: NXDOMAIN. */
  ptr: string | null;
}

export interface Traffic {
  humans: Client[];
  bots: Client[];
  /** Distinct browser user agents. */
  browserUas: string[];
  botUas: string[];
  /** Page paths without query. */
  pages: string[];
  externalReferrers: string[];
  humanClient(): Client;
  botClient(): Client;
  /** A page path, with a query string on about one view in five. */
  page(): string;
  /** document.referrer as a browser reports it: '' (none), a page of the site, or another site. */
  referrer(): string;
  /** A file a page pulls in (stylesheets, scripts, images, fonts). */
  asset(): string;
  /** Something that is not there: scanners' favourites and dead links. */
  missing(): string;
}

const WORDS = (
  'jazz history local authors winter reading club story time homework help genealogy maps ' +
  'archives poetry science fair coding robots language cafe book sale films music garden ' +
  'cooking travel health tax forms job search resume career small business seniors teens ' +
  'kids toddlers crafts chess knitting photography vinyl podcasts ebooks audiobooks newspapers ' +
  'magazines databases research citation writing workshop author talk exhibition lecture'
).split(' ');

const CHROME_BUILDS = [6099, 6167, 6261, 6312, 6367, 6422, 6478, 6533, 6613, 6668, 6723, 6778];

function browserUa(rand: () => number): string {
  const v = int(rand, 118, 131);
  const build = `${v}.0.${pick(rand, CHROME_BUILDS)}.${int(rand, 40, 220)}`;
  const android = `Linux; Android ${int(rand, 10, 14)}; ${pick(rand, ['K', 'SM-S911B', 'SM-A546B', 'Pixel 7', 'Pixel 8 Pro', 'moto g power (2023)'])}`;
  const ios = `${int(rand, 15, 18)}_${int(rand, 0, 6)}`;
  const mac = `10_15_${int(rand, 6, 7)}`;
  switch (Math.floor(rand() * 12)) {
    case 0:
    case 1:
    case 2:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
    case 3:
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X ${mac}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
    case 4:
    case 5:
      return `Mozilla/5.0 (${android}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${build} Mobile Safari/537.36`;
    case 6:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v - 5}.0) Gecko/20100101 Firefox/${v - 5}.0`;
    case 7:
      return `Mozilla/5.0 (${pick(rand, ['X11; Linux x86_64', 'X11; Ubuntu; Linux x86_64', 'Macintosh; Intel Mac OS X 10.15'])}; rv:${v - 5}.0) Gecko/20100101 Firefox/${v - 5}.0`;
    case 8:
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X ${mac}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${int(rand, 15, 18)}.${int(rand, 0, 6)} Safari/605.1.15`;
    case 9:
      return `Mozilla/5.0 (${pick(rand, ['iPhone', 'iPad'])}; CPU ${rand() < 0.8 ? 'iPhone ' : ''}OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.split('_')[0]}.${int(rand, 0, 6)} Mobile/15E148 Safari/604.1`;
    case 10:
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${build}`;
    default:
      return rand() < 0.5
        ? `Mozilla/5.0 (${android}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${int(rand, 20, 26)}.0 Chrome/${v}.0.0.0 Mobile Safari/537.36`
        : `Mozilla/5.0 (X11; CrOS x86_64 ${int(rand, 14000, 16000)}.${int(rand, 0, 99)}.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
  }
}

const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Wget/1.21.4',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
];

// Made-up access networks under real public suffixes, so the PSL reduction has real work to do.
const ISPS = [
  'xcompany.com',
  'fastfibre.net',
  'homeline.co.uk',
  'kabelnetz.de',
  'boxtelecom.fr',
  'ziggonet.nl',
  'metrocable.com.au',
  'mobilecarrier.net',
  'regionaltel.it',
  'cityfiber.ca',
];
const SCHOOLS = ['yourschool.edu', 'cityuni.ac.uk', 'statecollege.edu', 'techhochschule.de'];
const FIRST_OCTETS = [
  2, 5, 24, 31, 37, 46, 62, 67, 71, 73, 77, 81, 82, 86, 88, 90, 92, 98, 109, 151, 176, 185, 188, 212, 217,
];

function ptrName(rand: () => number, ip: string): string | null {
  if (rand() < 0.15) return null; // no PTR record: NXDOMAIN
  const dashed = ip.replaceAll(/[.:]/g, '-');
  const r = rand();
  if (r < 0.7)
    return `${pick(rand, ['host', 'cpe', 'dyn', 'ip'])}-${dashed}.${pick(rand, ['dsl', 'cable', 'fttx', 'res', 'mob'])}.${pick(rand, ISPS)}`;
  if (r < 0.85)
    return `${pick(rand, ['lab', 'ws', 'lib', 'wifi'])}${int(rand, 1, 400)}.${pick(rand, ['cs', 'eduroam', 'staff', 'net'])}.${pick(rand, SCHOOLS)}`;
  if (r < 0.95)
    return `${pick(rand, ['gw', 'fw', 'proxy'])}${int(rand, 1, 9)}.${pick(rand, ['acme-corp.com', 'cityhall.gov', 'hospital.org', 'lawfirm.co.uk'])}`;
  return `ec2-${dashed}.compute-1.amazonaws.com`; // private-section suffix: no domain kept
}

function ipv4(rand: () => number): string {
  return `${pick(rand, FIRST_OCTETS)}.${int(rand, 0, 255)}.${int(rand, 0, 255)}.${int(rand, 1, 254)}`;
}
function ipv6(rand: () => number): string {
  const h = () => int(rand, 0, 0xffff).toString(16);
  return `2a0${int(rand, 1, 9)}:${h()}:${h()}:${h()}::${h()}`;
}

/**
 * The traffic of a mid-sized library website: `clients` addresses (3 % crawlers, 5 % IPv6), about
 * `uas` distinct browser user agents, ~2,000 page paths, ~800 external referrer URLs.
 */
export function buildTraffic(opts: { clients: number; uas: number; seed: number }): Traffic {
  const rand = prng(opts.seed);
  const uaSet = new Set<string>();
  for (let tries = 0; uaSet.size < opts.uas && tries < opts.uas * 50; tries++) uaSet.add(browserUa(rand));
  const browserUas = [...uaSet];
  const uaZipf = zipf(browserUas.length, 0.8, rand);

  const ips = new Set<string>();
  while (ips.size < opts.clients) ips.add(rand() < 0.05 ? ipv6(rand) : ipv4(rand));
  const humans: Client[] = [];
  const bots: Client[] = [];
  const nBots = Math.max(1, Math.round(opts.clients * 0.03));
  let k = 0;
  for (const ip of ips) {
    if (k++ < nBots) {
      bots.push({
        ip,
        uas: [pick(rand, BOT_UAS)],
        bot: true,
        ptr: `crawl-${ip.replaceAll(/[.:]/g, '-')}.${pick(rand, ['googlebot.com', 'search.msn.com', 'crawler.example.net'])}`,
      });
      continue;
    }
    const n = rand() < 0.7 ? 1 : rand() < 0.7 ? 2 : 3;
    const uas = Array.from({ length: n }, () => browserUas[uaZipf()] as string);
    humans.push({ ip, uas: [...new Set(uas)], bot: false, ptr: ptrName(rand, ip) });
  }

  const slug = () => Array.from({ length: int(rand, 2, 5) }, () => pick(rand, WORDS)).join('-');
  const pageSet = new Set<string>([
    '/', '/events', '/news', '/about', '/about/hours', '/about/locations', '/about/board', '/contact',
    '/privacy', '/kids', '/teens', '/research', '/research/databases', '/services/printing',
    '/services/meeting-rooms', '/services/wifi', '/catalog', '/catalog/new', '/account', '/ask',
    '/get-a-card', '/donate', '/volunteer', '/jobs',
  ]); // prettier-ignore
  for (const b of [
    'central',
    'north',
    'riverside',
    'oak-park',
    'hillcrest',
    'east-end',
    'westview',
    'harbor',
  ])
    pageSet.add(`/branches/${b}`);
  while (pageSet.size < 350) pageSet.add(`/news/2026/${String(int(rand, 1, 11)).padStart(2, '0')}/${slug()}`);
  while (pageSet.size < 800)
    pageSet.add(
      `/events/2026-${String(int(rand, 1, 12)).padStart(2, '0')}-${String(int(rand, 1, 28)).padStart(2, '0')}-${slug()}`,
    );
  while (pageSet.size < 1000) pageSet.add(`/guides/${slug()}`);
  // Record pages: collapsed to /catalog/record/:id by the reduction, as in the real catalog.
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  while (pageSet.size < 2000)
    pageSet.add(`/catalog/record/${hex(8)}-${hex(4)}-7${hex(3)}-a${hex(3)}-${hex(12)}`);
  const pages = [...pageSet];
  const pageZipf = zipf(pages.length, 1.0, rand);

  const queries = [
    () =>
      `?utm_source=newsletter&utm_medium=email&utm_campaign=${pick(rand, ['nov-2026', 'winter-reading', 'events-weekly'])}`,
    () =>
      `?fbclid=IwAR${Math.floor(rand() * 2 ** 52).toString(36)}${Math.floor(rand() * 2 ** 52).toString(36)}`,
    () => `?page=${int(rand, 2, 9)}`,
    () => `?q=${pick(rand, WORDS)}+${pick(rand, WORDS)}`,
    () => `?gclid=Cj0KCQiA${Math.floor(rand() * 2 ** 52).toString(36)}`,
    () => `?lang=${pick(rand, ['en', 'es', 'fr'])}`,
  ];

  const extOrigins = [
    'https://www.google.com', 'https://www.google.co.uk', 'https://www.google.de', 'https://www.bing.com',
    'https://duckduckgo.com', 'https://search.yahoo.com', 'https://www.ecosia.org', 'https://l.facebook.com',
    'https://m.facebook.com', 'https://t.co', 'https://www.reddit.com', 'https://en.wikipedia.org',
    'https://www.linkedin.com', 'https://lnkd.in', 'https://www.instagram.com', 'https://news.ycombinator.com',
    'https://yourschool.edu', 'https://www.cityhall.gov', 'https://www.localnews.example', 'https://chatgpt.com',
  ]; // prettier-ignore
  while (extOrigins.length < 80)
    extOrigins.push(
      `https://www.${pick(rand, WORDS)}-${pick(rand, WORDS)}.${pick(rand, ['org', 'com', 'net', 'co.uk'])}`,
    );
  const refSet = new Set<string>();
  while (refSet.size < 800) {
    const o = extOrigins[
      Math.min(extOrigins.length - 1, Math.floor(rand() ** 2 * extOrigins.length))
    ] as string;
    refSet.add(
      o.includes('google') || o.includes('bing') || o.includes('duckduckgo')
        ? rand() < 0.7
          ? `${o}/`
          : `${o}/search?q=${pick(rand, WORDS)}+${pick(rand, WORDS)}+library`
        : `${o}/${slug()}${rand() < 0.3 ? `?id=${int(rand, 1, 99999)}` : ''}`,
    );
  }
  const externalReferrers = [...refSet];
  const refZipf = zipf(externalReferrers.length, 1.0, rand);
  const humanZipf = zipf(humans.length, 0.9, rand);
  const botZipf = zipf(bots.length, 0.7, rand);

  const assets = [
    '/assets/site.css?v=20261101', '/assets/site.js?v=20261101', '/assets/fonts/source-sans-3.woff2',
    '/favicon.ico', '/images/logo.svg', '/images/hero-winter.webp', '/js/vendor/jquery.min.js',
    '/apple-touch-icon.png', '/robots.txt', '/sitemap.xml',
  ]; // prettier-ignore
  for (let i = 0; i < 150; i++)
    assets.push(
      `/wp-content/uploads/2026/${String(int(rand, 1, 11)).padStart(2, '0')}/${slug()}-${int(rand, 300, 1600)}x${int(rand, 200, 900)}.${pick(rand, ['jpg', 'png', 'webp'])}`,
    );
  const missing = [
    '/wp-login.php', '/.env', '/xmlrpc.php', '/admin/config.php', '/.git/config', '/phpmyadmin/',
    '/events/2025-12-24-holiday-hours', '/news/2025/old-post', '/catalog/record/', '/old-site/index.html',
  ]; // prettier-ignore

  return {
    humans,
    bots,
    browserUas,
    botUas: BOT_UAS,
    pages,
    externalReferrers,
    humanClient: () => humans[humanZipf()] as Client,
    botClient: () => bots[botZipf()] as Client,
    page: () => {
      const p = pages[pageZipf()] as string;
      return rand() < 0.2 ? p + (pick(rand, queries) as () => string)() : p;
    },
    referrer: () => {
      const r = rand();
      if (r < 0.4) return '';
      if (r < 0.75) return `${SITE_ORIGIN}${pages[pageZipf()]}`;
      return externalReferrers[refZipf()] as string;
    },
    asset: () => pick(rand, assets),
    missing: () => pick(rand, missing),
  };
}
