// The external-link notice (W4): links from Carrel's pages to other sites go through /leave, which
// says where the link goes and that the library's privacy policy stops there. It is not an open
// redirect: the target must carry the server's HMAC signature or be on EXTERNAL_LINK_HOSTS.
import crypto from 'node:crypto';
import type { Config } from '../../config.ts';

const sign = (secret: string, url: string) =>
  crypto.createHmac('sha256', secret).update(`leave:${url}`).digest('base64url').slice(0, 27);

/** The href to use in a page for a link to another site. */
export function externalHref(config: Config, url: string): string {
  return `/leave?${new URLSearchParams({ to: url, sig: sign(config.secret, url) }).toString()}`;
}

/** The target when it is an http(s) URL that is signed or allowed; null otherwise (tampered). */
export function verifiedTarget(config: Config, to: string | undefined, sig: string | undefined): URL | null {
  if (!to || to.length > 2000) return null;
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  if (sig) {
    const expected = Buffer.from(sign(config.secret, to));
    const given = Buffer.from(sig);
    if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) return url;
    return null;
  }
  const host = url.hostname.toLowerCase();
  return config.webstats.exitHosts.some((h) => host === h || host.endsWith(`.${h}`)) ? url : null;
}
