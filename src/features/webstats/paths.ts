// Reduces a requested path and a Referer header to what PRIVACY.md W2 lets statistics keep: the
// page path without its query string (except operator-allowed keys) and with record ids and
// secret tokens collapsed, and the referring site's origin only (issue 5 item 4).
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type PathOptions = { readonly allowedQueryKeys: readonly string[] };

const MAX_INPUT = 8192; // bounds the work on hostile input before anything is parsed
const MAX_PATH = 512;
const MAX_VALUE = 100;
const MAX_PAIRS = 64; // query pairs looked at; real pages have a handful
// Scheme and authority (at most 512 characters, so a huge header is not scanned) of an http(s)
// URL; `\\` ends the authority as it does in browsers.
const REFERRER_HEAD = /^https?:\/\/[^/?#\\]{0,512}(?=[/?#\\]|$)/i;

const CONTROL = /[\u0000-\u001f\u007f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_NUMBER = /^\d{6,}$/;
// Eight digits in a row are a barcode, card or phone number far more often than a page name;
// collapsing them keeps card numbers out of the statistics (G4) even inside a longer segment.
const DIGIT_RUN = /\d{8}/;
const TOKEN = /^[A-Za-z0-9_+=-]{16,}$/;
const EMAIL = /[^@]@[^@]+\.[^@]/;
const SEGMENT_SAFE = /%(?:3A|40|24|26|2B|2C|3B|3D)/g; // : @ $ & + , ; = are literal in a segment

// Routes whose next segment is a record id or a secret (unsubscribe, delete and PIN-reset links
// must never be kept: the token is a credential), whatever it looks like.
const ROUTES: ReadonlyArray<readonly [readonly string[], string]> = [
  [['catalog', 'record'], ':id'],
  [['unsubscribe'], ':token'],
  [['ask', 'delete'], ':token'],
  [['account', 'pin-reset'], ':token'],
];

// A long [A-Za-z0-9_-] segment with letters and digits is a generated id unless it reads like a
// hyphenated slug ("annual-report-2024", "covid19-resources"): random tokens switch between
// letters and digits often, words and years do not.
function looksGenerated(segment: string): boolean {
  if (segment.length < 6) return false; // shorter than any rule below (an e-mail is a@b.cd)
  if (UUID.test(segment) || LONG_NUMBER.test(segment) || DIGIT_RUN.test(segment)) return true;
  if (EMAIL.test(segment)) return true;
  if (!TOKEN.test(segment)) return false;
  let letters = false;
  let digits = false;
  let separators = false;
  let switches = 0;
  let prev = 0; // 0 separator/start, 1 letter, 2 digit
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    const cls = c >= 48 && c <= 57 ? 2 : (c | 32) >= 97 && (c | 32) <= 122 ? 1 : 0;
    if (cls === 1) letters = true;
    else if (cls === 2) digits = true;
    else separators = true;
    if (cls !== 0 && prev !== 0 && cls !== prev) switches++;
    prev = cls;
  }
  return letters && digits && (!separators || switches >= 3);
}

// null for malformed percent-encoding or invalid UTF-8, which no real browser sends.
function decode(text: string, plusIsSpace: boolean): string | null {
  const s = plusIsSpace ? text.replaceAll('+', ' ') : text;
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

const PLAIN_SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@-]*$/; // most segments: nothing to encode
function encodeSegment(segment: string): string {
  if (PLAIN_SEGMENT.test(segment)) return segment;
  return encodeURIComponent(segment).replace(SEGMENT_SAFE, (m) => decodeURIComponent(m));
}

function capValue(value: string): string {
  if (value.length <= MAX_VALUE) return value;
  const cut = value.slice(0, MAX_VALUE);
  // Never leave half a surrogate pair: encodeURIComponent would throw on it.
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

const allowedSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function allowedSet(keys: readonly string[]): ReadonlySet<string> {
  let set = allowedSets.get(keys);
  if (!set) allowedSets.set(keys, (set = new Set(keys)));
  return set;
}

function keptQuery(query: string, allowed: ReadonlySet<string>): string {
  if (allowed.size === 0 || query === '') return '';
  const pairs = new Set<string>();
  for (const part of query.split('&', MAX_PAIRS)) {
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq), true);
    if (key === null || !allowed.has(key)) continue;
    const value = decode(eq === -1 ? '' : part.slice(eq + 1), true);
    if (value === null || CONTROL.test(value)) continue;
    pairs.add(`${encodeURIComponent(key)}=${encodeURIComponent(capValue(value))}`);
  }
  return pairs.size === 0 ? '' : `?${[...pairs].sort().join('&')}`;
}

function normalize(raw: string, opts: PathOptions): string | null {
  let target = raw;
  // Absolute-form request targets (proxies, some logs): keep only the path and what follows.
  const scheme = /^https?:\/\/[^/?#]*/i.exec(target);
  if (scheme) {
    target = target.slice(scheme[0].length);
    if (!target.startsWith('/')) target = `/${target}`;
  }
  if (!target.startsWith('/')) return null;
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (path.length > MAX_PATH) return null;
  const segments: string[] = [];
  const rawSegments = path.split('/');
  let trailingSlash = false;
  for (let i = 1; i < rawSegments.length; i++) {
    const last = i === rawSegments.length - 1;
    if (rawSegments[i] === '') {
      trailingSlash = last; // empty segments collapse: '//a' is '/a'
      continue;
    }
    const decoded = decode(rawSegments[i] ?? '', false);
    if (decoded === null || CONTROL.test(decoded)) return null;
    // Dot segments resolve as browsers do (also when percent-encoded); above the root stays root.
    if (decoded === '.' || decoded === '..') {
      if (decoded === '..') segments.pop();
      trailingSlash = last;
    } else {
      segments.push(decoded);
      trailingSlash = false;
    }
  }
  const kept = segments.map((s) => (looksGenerated(s) ? ':id' : encodeSegment(s)));
  for (const [prefix, name] of ROUTES) {
    if (kept.length > prefix.length && prefix.every((p, i) => kept[i] === p)) kept[prefix.length] = name;
  }
  let out = kept.length === 0 ? '' : `/${kept.join('/')}`;
  if (out === '' || trailingSlash) out += '/';
  if (out.length > MAX_PATH) return null;
  const query = q === -1 ? '' : keptQuery(target.slice(q + 1), allowedSet(opts.allowedQueryKeys));
  // An over-long kept query is dropped rather than the view: the page itself is still worth counting.
  return out.length + query.length > MAX_PATH ? out : out + query;
}

/**
 * The page path as statistics may keep it, e.g. `/catalog/record/8f14…?q=x&lang=fr` →
 * `/catalog/record/:id?lang=fr` when only `lang` is allowed; null for garbage. Never throws.
 */
export function normalizePath(rawPathWithQuery: string, opts: PathOptions): string | null {
  if (typeof rawPathWithQuery !== 'string' || rawPathWithQuery.length > MAX_INPUT) return null;
  try {
    return normalize(rawPathWithQuery, opts);
  } catch {
    return null; // e.g. lone surrogates in a string that did not come from the wire
  }
}

const ownHostSets = new WeakMap<readonly string[], readonly string[]>();
function ownHostList(hosts: readonly string[]): readonly string[] {
  let list = ownHostSets.get(hosts);
  if (!list) {
    list = hosts.map((h) => domainToASCII(h.trim().replace(/:\d+$/, '').replace(/\.$/, ''))).filter(Boolean);
    ownHostSets.set(hosts, list);
  }
  return list;
}

/**
 * The referring site's origin (`https://www.google.com`), or null when there is none to keep:
 * no or malformed referrer, a non-http(s) scheme, an IP-literal host (it names a machine, not a
 * site), or the library's own site (a host equal to or under one of `ownHosts`).
 */
export function referrerOrigin(referrer: string | undefined, ownHosts: readonly string[]): string | null {
  if (typeof referrer !== 'string') return null;
  // Only scheme and authority are parsed: the path and query are never needed (nor kept), and a
  // long tracking-laden referrer costs no more than a short one.
  const head = REFERRER_HEAD.exec(referrer.trimStart());
  if (!head) return null;
  let url: URL;
  try {
    url = new URL(head[0]);
  } catch {
    return null;
  }
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (host === '' || host.startsWith('[') || isIP(host) !== 0) return null;
  for (const own of ownHostList(ownHosts)) {
    if (host === own || host.endsWith(`.${own}`)) return null;
  }
  return url.origin;
}
