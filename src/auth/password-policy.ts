// Which staff passwords to refuse, after NIST SP 800-63B §5.1.1.2 (issue 12 item 10): no
// composition rules, but no password that is on a list of common and breached passwords (also
// with digits and symbols stripped: "password1234" is "password"), none built from the user's
// or the library's name, none made of very few different characters, and no control characters.
// Every refusal says why, in words for the person choosing.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The list (common-passwords.LICENSE.txt says where it comes from), loaded once, on first use. */
const LIST_FILE = path.join(import.meta.dirname, 'common-passwords.txt.gz');
let common: Set<string> | null = null;

function commonPasswords(): Set<string> {
  common ??= new Set(
    zlib.gunzipSync(fs.readFileSync(LIST_FILE)).toString('utf8').split('\n').filter(Boolean),
  );
  return common;
}

/** The letters of a text, lower-cased, with digits, punctuation, symbols and spaces removed. */
const lettersOf = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');

/** Names a password must not be built from: the user name, the person's name, the library's name. */
export interface PasswordContext {
  username?: string;
  displayName?: string;
  libraryName?: string;
}

/** The name pieces worth refusing: whole names and their words of three letters or more, longest first. */
function namePieces(ctx: PasswordContext): string[] {
  const pieces = new Set<string>();
  for (const name of [ctx.username, ctx.displayName, ctx.libraryName]) {
    if (!name) continue;
    pieces.add(lettersOf(name));
    for (const word of name.split(/[^\p{L}]+/u)) pieces.add(lettersOf(word));
  }
  return [...pieces].filter((p) => p.length >= 3).sort((a, b) => b.length - a.length);
}

export const COMMON_PASSWORD =
  'That password is on a list of common or breached passwords (adding digits or symbols to a common word does not help). A few unrelated words make a strong one.';
export const NAME_PASSWORD =
  'That password is built from your user name, your name or the library’s name. Choose something unrelated.';

/** Why this password must not be used, or null when it may. Length is checked by the schema. */
export function passwordProblem(password: string, ctx: PasswordContext = {}): string | null {
  if (/\p{Cc}/u.test(password))
    return 'A password cannot contain control characters (such as tab, line break or NUL).';
  if (password.trim() === '') return 'A password cannot be only spaces.';
  if (new Set(password.toLowerCase()).size < 5)
    return 'That password repeats too few different characters. A few unrelated words make a strong one.';
  const list = commonPasswords();
  const letters = lettersOf(password);
  if (list.has(password.toLowerCase()) || list.has(letters)) return COMMON_PASSWORD;
  // "passwordpassword", "dragon-dragon-1": a common word repeated.
  const repeated = /^(.+?)\1+$/u.exec(letters)?.[1];
  if (repeated && list.has(repeated)) return COMMON_PASSWORD;
  let rest = letters;
  let usedName = false;
  for (const piece of namePieces(ctx)) {
    if (rest.includes(piece)) {
      rest = rest.split(piece).join('');
      usedName = true;
    }
  }
  // The names, with digits, symbols and at most three other letters: "jsmith-lib-2024!".
  if (usedName && rest.length <= 3) return NAME_PASSWORD;
  return null;
}
