// Operator-configured network lists for the statistics (issue 5 item 1): staff networks whose
// views are not counted, and in-branch networks whose views are labelled "in library". The IP is
// only tested here in memory and never leaves this module (PRIVACY.md W2, G4).
import { BlockList, isIP, isIPv4 } from 'node:net';

export type CidrMatcher = {
  /** True when `ip` (IPv4, IPv6 or IPv4-mapped IPv6) is inside one of the listed networks. */
  matches(ip: string): boolean;
  /** How many entries were accepted. */
  readonly size: number;
};

export type ParsedCidrList = { readonly list: CidrMatcher; readonly problems: string[] };

const MAPPED_V4 = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

// Brings a client address into the form the matchers expect: no brackets (`[::1]` from a Host-style
// value), no zone index (`fe80::1%eth0`), and IPv4-mapped IPv6 (how a dual-stack socket reports an
// IPv4 client) as plain IPv4, so an IPv4 rule matches it whatever the Node version does itself.
function clientAddress(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  let address = ip.trim();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  const mapped = MAPPED_V4.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return { address: mapped[1], family: 'ipv4' };
  const version = isIP(address);
  if (version === 4) return { address, family: 'ipv4' };
  if (version === 6) return { address, family: 'ipv6' };
  return null;
}

// BlockList.check builds a SocketAddress per call (about 5 µs), too slow to run twice per view.
// IPv4, most traffic, is therefore matched on 32-bit integers against the same entries; IPv6
// goes to BlockList. A test compares both paths on random addresses.
type V4Range = { readonly network: number; readonly mask: number };

function v4ToInt(address: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function v4Range(address: string, prefix: number): V4Range {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (v4ToInt(address) & mask) >>> 0, mask };
}

function addEntry(blocks: BlockList, v4: V4Range[], entry: string): string | null {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return 'is not an IP address or CIDR range';
  const max = version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return `has a prefix length outside 0–${max}`;
  // Host bits after the prefix are ignored, as BlockList does: 10.0.0.5/8 means 10.0.0.0/8.
  blocks.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
  if (version === 4) v4.push(v4Range(address, prefix));
  // An IPv4-mapped IPv6 range also covers the plain IPv4 clients it maps.
  const mapped = MAPPED_V4.exec(address);
  if (version === 6 && mapped?.[1] && isIPv4(mapped[1]) && prefix >= 96)
    v4.push(v4Range(mapped[1], prefix - 96));
  return null;
}

/**
 * Parses a list of networks as an operator writes it in configuration: IPv4/IPv6 addresses and
 * CIDR ranges separated by newlines, commas or spaces, with `#` comments. Bad entries are skipped
 * and reported (with their line) in `problems`, so one typo does not disable the whole list.
 */
export function parseCidrList(text: string): ParsedCidrList {
  const blocks = new BlockList();
  const v4: V4Range[] = [];
  const problems: string[] = [];
  let size = 0;
  const lines = (text ?? '').split(/\r?\n/);
  lines.forEach((line, index) => {
    const content = line.replace(/#.*/, '');
    for (const entry of content.split(/[\s,]+/)) {
      if (entry === '') continue;
      const problem = addEntry(blocks, v4, entry);
      if (problem) problems.push(`line ${index + 1}: "${entry}" ${problem}`);
      else size++;
    }
  });
  const list: CidrMatcher = {
    size,
    matches(ip: string): boolean {
      if (size === 0 || typeof ip !== 'string') return false;
      const client = clientAddress(ip);
      if (client === null) return false;
      if (client.family === 'ipv6') return blocks.check(client.address, 'ipv6');
      const n = v4ToInt(client.address);
      for (const r of v4) if ((n & r.mask) >>> 0 === r.network) return true;
      return false;
    },
  };
  return { list, problems };
}
