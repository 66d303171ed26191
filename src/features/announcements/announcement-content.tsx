// What an announcement may say and how it is written out (N1, N2): a content rule that refuses
// links to hosts outside the operator's allow-list (a guard against commercial content), the
// signed one-click unsubscribe token (RFC 8058), and the text and HTML parts of one message.
import crypto from 'node:crypto';
import { renderToString } from 'preact-render-to-string';
import type { LibraryIdentity } from '../../library.ts';

// Explicit URLs, www. hosts, and bare domains under common top-level domains ("shop.example.com").
const URL_RE = /\bhttps?:\/\/([^\s/?#<>"'()[\]]+)[^\s<>"']*/gi;
const WWW_RE = /\b(www\.[a-z0-9.-]+\.[a-z]{2,})\b/gi;
const BARE_RE =
  /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|edu|gov|info|biz|io|co|us|uk|ca|de|fr|me|tv|ly|app|shop|store|online|site|xyz))\b(?![.-]?[a-z0-9])/gi;
const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+/g;

/** Hosts the text links to, lower-cased, without a port or trailing dot. */
export function linkedHosts(text: string): string[] {
  const hosts = new Set<string>();
  const withoutEmails = text.replace(EMAIL_RE, ' ');
  for (const m of withoutEmails.matchAll(URL_RE)) {
    const hostPart = m[1]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
    hosts.add(hostPart.toLowerCase().replace(/\.$/, ''));
  }
  const noUrls = withoutEmails.replace(URL_RE, ' ');
  for (const m of noUrls.matchAll(WWW_RE)) hosts.add(m[1]!.toLowerCase());
  for (const m of noUrls.replace(WWW_RE, ' ').matchAll(BARE_RE)) hosts.add(m[1]!.toLowerCase());
  return [...hosts];
}

/** Linked hosts that are neither an allowed host nor a subdomain of one. */
export function disallowedHosts(text: string, allowed: readonly string[]): string[] {
  return linkedHosts(text).filter((h) => !allowed.some((a) => h === a || h.endsWith(`.${a}`)));
}

const mac = (secret: string, patronId: string) =>
  crypto.createHmac('sha256', secret).update(`unsubscribe:${patronId}`).digest('base64url').slice(0, 32);

/** A token that unsubscribes one patron; it names the patron by random id only and cannot be forged. */
export const unsubscribeToken = (secret: string, patronId: string): string =>
  `${patronId}.${mac(secret, patronId)}`;

/** The patron id a token was made for, or null when it was tampered with. */
export function verifyUnsubscribeToken(secret: string, token: string): string | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return null;
  const expected = Buffer.from(mac(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? m[1]! : null;
}

export interface AnnouncementMessage {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const paragraphs = (body: string) =>
  body
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);

/** Splits a paragraph into text and links, so links are clickable but written exactly as typed (N2). */
function withLinks(p: string) {
  const parts: Array<string | { href: string }> = [];
  let last = 0;
  for (const m of p.matchAll(/\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g)) {
    parts.push(p.slice(last, m.index));
    parts.push({ href: m[0] });
    last = m.index + m[0].length;
  }
  parts.push(p.slice(last));
  return parts.map((x, i) =>
    typeof x === 'string' ? (
      x.split('\n').flatMap((line, j) => (j === 0 ? [line] : [<br key={`${i}-${j}`} />, line]))
    ) : (
      <a href={x.href}>{x.href}</a>
    ),
  );
}

/** One announcement message for one subscriber, with the headers and link to unsubscribe. */
export function renderAnnouncement(
  library: LibraryIdentity,
  a: { subject: string; body: string },
  unsubscribeUrl: string,
): AnnouncementMessage {
  const why = `You receive this because you subscribed to announcements from ${library.name}.`;
  const stop = 'To stop them, open this link (no sign-in needed):';
  const text = [
    ...paragraphs(a.body).flatMap((p) => [p, '']),
    '-- ',
    library.name,
    why,
    stop,
    unsubscribeUrl,
    '',
  ].join('\n');
  const html = `<!doctype html>\n${renderToString(
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <title>{a.subject}</title>
      </head>
      <body>
        {paragraphs(a.body).map((p) => (
          <p>{withLinks(p)}</p>
        ))}
        <hr />
        <p>{library.name}</p>
        <p>
          {why} {stop}
          <br />
          <a href={unsubscribeUrl}>{unsubscribeUrl}</a>
        </p>
      </body>
    </html>,
  )}`;
  return {
    subject: a.subject,
    text,
    html,
    headers: {
      // RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs to this URL.
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      Precedence: 'bulk',
    },
  };
}
