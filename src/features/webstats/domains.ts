// Reduces a reverse-DNS (PTR) name to the visitor network's registrable domain, the "Internet
// domain" of the privacy policy (PRIVACY.md W2, issue 5 item 4): `host-7.dsl.xcompany.com` →
// `xcompany.com`. The host part is dropped because it often encodes the subscriber or the IP.
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse } from 'tldts';

// After IDNA processing a name is lower-case ASCII: letters, digits, inner hyphens, and
// underscores (seen in real PTR data), in dot-separated labels.
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?'; // at most 63 characters
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

const URL_SYNTAX = /[\s/\\?#@:%[\]]/;

// A label that spells an IPv4 address (`10-0-0-1`, `10.0.0.1`-style pieces) would put the address
// back into the statistics, so such a "domain" is refused rather than kept.
const ADDRESS_IN_LABEL = /\d{1,3}[-_x]\d{1,3}[-_x]\d{1,3}[-_x]\d{1,3}/;

/**
 * The registrable domain ("eTLD+1") of `hostname` per the ICANN section of the Public Suffix List,
 * in ASCII (punycode) form, or null for IP literals, single-label and internal names (localhost,
 * `.lan`, `.internal`), bare public suffixes and anything malformed. Never throws.
 */
export function registrableDomain(hostname: string): string | null {
  if (typeof hostname !== 'string') return null;
  let name = hostname.trim();
  // PTR answers are fully qualified and may keep the root's trailing dot.
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || name.length > 253) return null;
  if (name.startsWith('[') || isIP(name) !== 0) return null;
  // domainToASCII parses like a URL host and would quietly cut `evil.com/x` or decode `%41`.
  if (URL_SYNTAX.test(name)) return null;
  // Lower-cases and turns Unicode labels into punycode; '' when the name is not a valid host.
  const ascii = domainToASCII(name);
  if (ascii === '' || !DNS_NAME.test(ascii)) return null;
  // Private-section suffixes (e.g. `compute-1.amazonaws.com`) are ignored on purpose: under them
  // the "registrable domain" is the customer's own host name, often built from the IP address.
  const parsed = parse(ascii, { allowPrivateDomains: false, extractHostname: false, validateHostname: true });
  // isIcann is false when only the implicit `*` rule matched, i.e. an unknown top-level domain.
  if (parsed.isIp || parsed.isIcann !== true || !parsed.domain) return null;
  if (parsed.domainWithoutSuffix && ADDRESS_IN_LABEL.test(parsed.domainWithoutSuffix)) return null;
  return parsed.domain;
}

/**
 * A stored (punycode) domain as a reader expects it on the dashboard: `xn--bcherei-n2a.de` →
 * `bücherei.de`. Stored values stay ASCII so equal domains always group together.
 */
export function domainForDisplay(domain: string): string {
  return domainToUnicode(domain) || domain;
}
