// Address ranges of a SIP2 account: a list of IPv4/IPv6 addresses or CIDR ranges, and whether a
// connecting address lies in one. node:net's BlockList does the matching for both families.
import net from 'node:net';
import { isAddressOrCidr } from '../../config/setting.ts';

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.5, as a dual-stack socket reports it) as IPv4. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** The entries that are not an address or a range, for a message at the edge. */
export const badNetworks = (entries: readonly string[]): string[] =>
  entries.filter((e) => !isAddressOrCidr(e));

/** Whether `address` lies in any of `entries` (already checked with badNetworks). */
export function inNetworks(address: string, entries: readonly string[]): boolean {
  const addr = plainAddress(address);
  const family = net.isIP(addr);
  if (family === 0) return false;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [base = '', bits] = entry.split('/');
    const type = net.isIP(base) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(plainAddress(base), type);
    else list.addSubnet(base, Number(bits), type);
  }
  return list.check(addr, family === 6 ? 'ipv6' : 'ipv4');
}
