// The Libki client's query string, decoded as the client encodes it (QUrlQuery in networkclient.cpp
// of the vendored client, test/fixtures/libki-client/): QUrlQuery leaves `+` literal, so a `+` is
// a plus, never a space. A standard form decoder would turn a PIN or pass code with `+` into one
// that never matches.
import { z } from 'zod';

/** Decodes one part with %-escapes only; a malformed escape leaves the part as sent. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The raw query string of a URL split on `&` and `=`; the first value of a name wins. */
export function parseRawQuery(url: string): Record<string, string> {
  const q = url.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decodePart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodePart(pair.slice(eq + 1));
    if (!(name in out)) out[name] = value;
  }
  return out;
}

const text = (max: number) => z.string().max(max).catch('').default('');

/** What Carrel reads of a client request (everything else the client sends is ignored). */
export const libkiRequest = z.object({
  /** The action, e.g. "register_node". */
  action: text(40),
  /** The station's name (`[node] name`). */
  node: text(64),
  /** The branch code (`[node] location`). */
  location: text(32),
  /** Card number or guest-pass code, as typed. */
  username: text(64),
  /** PIN (ignored for a guest pass). */
  password: text(128),
  /** The ticket the station shows, sent back by acknowledge_reservation. */
  reserved_for: text(32),
});
export type LibkiRequest = z.infer<typeof libkiRequest>;
