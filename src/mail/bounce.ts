// Bounces that arrive after the relay accepted a notice (RFC 3464 delivery reports): each notice
// leaves with an envelope sender that names its patron in a signed token (VERP), e.g.
// ask+bounce-<token>@library.org, so a failure report flags that patron's address without Carrel
// keeping any record of who was sent what. Only when inbound mail is on (someone reads them).
import crypto from 'node:crypto';
import type { Config } from '../config.ts';

const PREFIX = 'bounce-';

const mac = (secret: string, id: Buffer) =>
  crypto
    .createHmac('sha256', secret)
    .update('bounce:')
    .update(id)
    .digest()
    .subarray(0, 9)
    .toString('base64url');

/** The token for a patron: their id (16 bytes) and a MAC, 41 characters of [A-Za-z0-9_-]. */
export function bounceToken(secret: string, patronId: string): string {
  const id = Buffer.from(patronId.replace(/-/g, ''), 'hex');
  return `${PREFIX}${id.toString('base64url')}${mac(secret, id)}`;
}

/** The patron id a bounce token names, or null when it is not one or was forged. */
export function verifyBounceToken(secret: string, token: string): string | null {
  if (!token.startsWith(PREFIX) || token.length !== PREFIX.length + 22 + 12) return null;
  const id = Buffer.from(token.slice(PREFIX.length, PREFIX.length + 22), 'base64url');
  if (id.length !== 16) return null;
  const given = Buffer.from(token.slice(PREFIX.length + 22));
  const expected = Buffer.from(mac(secret, id));
  if (!crypto.timingSafeEqual(given, expected)) return null;
  const h = id.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isBounceToken = (token: string | null): boolean => token?.startsWith(PREFIX) ?? false;

/** The envelope sender for a notice to this patron, or null to use MAIL_FROM (inbound mail off). */
export function bounceAddress(config: Config, patronId: string): string | null {
  if (config.reference.inbound === 'off') return null;
  const [local, domain] = config.reference.address.split('@') as [string, string];
  return `${local}+${bounceToken(config.secret, patronId)}@${domain}`;
}
