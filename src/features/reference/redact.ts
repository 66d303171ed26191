// PRIVACY R2: when an "Ask a Librarian" question is closed, only the question and answer texts stay,
// without the names, addresses, e-mail addresses, phone and card numbers typed into them. Reference
// answers are full of numbers that must survive (years, call numbers, ISBNs, page ranges, catalog
// links), so digit patterns are narrow and bibliographic identifiers and plain links are protected.
// Every repetition is bounded or anchored, so a 100 KB paste cannot make a pattern backtrack for long.

/** What kind of personal data a finding is. */
export type PersonalDataKind = 'email' | 'phone' | 'card' | 'pin' | 'name' | 'address' | 'link' | 'signature';

/** Personal data the caller already knows about the asker (from the question's reply address). */
export interface KnownPersonalData {
  names?: string[];
  emails?: string[];
}

const PLACEHOLDERS: Record<PersonalDataKind, string> = {
  email: '[e-mail removed]',
  phone: '[phone removed]',
  card: '[card number removed]',
  pin: '[PIN removed]',
  name: '[name removed]',
  address: '[address removed]',
  link: '[link removed]',
  signature: '[signature removed]',
};
// Earlier wins when two detectors claim the same span: "5551234567" is a phone before it is a card.
const ORDER: PersonalDataKind[] = ['signature', 'link', 'email', 'phone', 'pin', 'card', 'address', 'name'];
// Kinds made of digits, which must not be cut out of an ISBN or a kept catalog link.
const NUMERIC = new Set<PersonalDataKind>(['phone', 'card', 'pin', 'address']);

type Span = { start: number; end: number; kind: PersonalDataKind };
type Add = (start: number, end: number, kind: PersonalDataKind) => void;

/** Runs a global regex; when `fn` rejects a match, scanning resumes one character later. */
function scan(re: RegExp, text: string, fn: (m: RegExpExecArray) => boolean | void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    else if (fn(m) === false) re.lastIndex = m.index + 1;
  }
}
const group = (m: RegExpExecArray, i: number): [number, number] | undefined => m.indices?.[i];
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// "thank you" -> "[Tt]hank [Yy]ou": the `i` flag cannot be used where \p{Lu} must mean upper case.
const cap = (phrase: string): string =>
  phrase
    .split(' ')
    .map((w) => `[${w.charAt(0).toUpperCase()}${w.charAt(0)}]${escape(w.slice(1))}`)
    .join('[ \\t]+');

// A capitalized name part or an initial; up to four of them on one line.
const PART = String.raw`(?:\p{Lu}\.|\p{Lu}[\p{L}\p{M}'’-]{0,30})`;
const NAME = String.raw`${PART}(?:[ \t]+${PART}){0,3}`;
const TITLE = String.raw`(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Rev)\.?[ \t]+)?`;
// Capitalized words that follow "I'm", "Dear", "Thanks," etc. without being a person's name.
const NOT_NAMES = new Set(
  `the a an and or but of in on at for from to with by not very so just also still here there this that
  it i me my we our you your he she they looking trying writing researching interested hoping wondering
  working sorry glad happy new sure good great fine ok okay maybe please hi hello dear thanks library
  libraries librarian librarians public branch county city team reference desk staff services service
  department office center centre university college school ask sir madam all everyone friend friends
  patron customer student teacher mom dad monday tuesday wednesday thursday friday saturday sunday january
  february march july september october november december american canadian british english french
  spanish german mexican chinese`.split(/\s+/),
);
// An initial ("A. Patel") is a name part even when the letter is also a word ("a").
const wordsOf = (name: string): string[] =>
  name.split(/[ \t]+/).map((w) => (/^\p{Lu}\.$/u.test(w) ? w : w.replace(/[.'’-]+$/, '')));
const isNameLike = (name: string): boolean => wordsOf(name).every((w) => !NOT_NAMES.has(w.toLowerCase()));
// A display name as mail headers write it: "Jane Doe", "Doe, Jane", "O'Brien, J."
const DISPLAY_NAME = /^[\p{L}\p{M}][\p{L}\p{M}'’. ,-]{0,80}$/u;

/** Adds the display names in a mail header value, skipping addresses, brackets and placeholders. */
function addDisplayNames(value: string, offset: number, add: Add): void {
  const masked = value.replace(/<[^>\n]*>?|\[[^\]\n]*\]?|\([^)\n]*\)?|\S*@\S*|;/g, (s) =>
    '\0'.repeat(s.length),
  );
  for (const run of masked.matchAll(/[^\0]+/g)) {
    const lead = run[0].length - run[0].replace(/^[\s"'*,]+/, '').length;
    const name = run[0].trim().replace(/^["'*,\s]+|["'*,\s]+$/g, '');
    if (name && DISPLAY_NAME.test(name) && /\p{Lu}/u.test(name) && isNameLike(name.replace(/,/g, ' ')))
      add(offset + run.index + lead, offset + run.index + lead + name.length, 'name');
  }
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'\]]{1,2048}/gi;
const SECRET_KEYS =
  /[?&](?:token|access_token|key|api_?key|auth|session|sessionid|sid|code|pass|password|pin|card|cardnumber|barcode|patron|email|user|userid|uid|sig|signature|secret)=/i;
// Base64url tokens mix upper case, lower case and digits; hex tokens are long; patron paths end in ids.
const isToken = (run: string): boolean =>
  (run.length >= 24 && /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run)) ||
  /^[0-9a-f]{32,}$/i.test(run);

/** Links: removed when they carry an address, a secret or a patron id; otherwise protected. */
function findLinks(text: string, add: Add, keep: Add): void {
  scan(URL_RE, text, (m) => {
    let url = m[0].replace(/[.,;:!?]+$/, '');
    if (url.endsWith(')') && !url.includes('(')) url = url.slice(0, -1);
    const secret =
      /@|%40/.test(url) ||
      SECRET_KEYS.test(url) ||
      /\/(?:patrons?|cards?|accounts?|users?|members?)\/\d{5,}/i.test(url) ||
      (url.match(/[A-Za-z0-9_-]{24,}/g) ?? []).some(isToken);
    (secret ? add : keep)(m.index, m.index + url.length, 'link');
  });
}

const PROTECTED: RegExp[] = [
  // Identifiers named as such, possibly a list of them: "ISBN 0-14-118776-1", "OCLC #12345678".
  /\b(?:ISBN|ISSN|LCCN|OCLC)(?:[- ]?1[03])?s?[ \t]*(?:no\.?|number|#)?[ \t]*:?[ \t]*[\dX](?:[ -]?[\dX]){3,16}(?:(?:[ \t]*[,;/]|[ \t]+(?:and|or))[ \t]*[\dX](?:[ -]?[\dX]){3,16}){0,8}/gi,
  // Hyphenated ISBN-13s as printed on books are never card numbers.
  /(?<![\d-])97[89]-\d{1,5}-\d{1,7}-\d{1,7}-[\dX](?![\d-])/g,
];

const EMAIL = /(?<![\w.%+-])[\w.%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}(?![\w-])/gi;
const MAILTO = /\bmailto:[^\s<>"')\]]{1,500}/gi;
// "jane dot doe at example dot com", "jane(at)example.com", "jane [at] gmail [dot] com".
const O_WORD = '[a-z0-9_%+-]{1,64}';
const O_DOT = String.raw`(?:[ \t]*[(\[{][ \t]*dot[ \t]*[)\]}][ \t]*|[ \t]+dot[ \t]+|\.)`;
const O_AT = String.raw`(?:[ \t]*([(\[{<])[ \t]*at[ \t]*[)\]}>][ \t]*|[ \t]+at[ \t]+)`;
const OBFUSCATED = new RegExp(
  String.raw`(?<![\w.%+-])${O_WORD}(?:${O_DOT}${O_WORD}){0,4}${O_AT}(${O_WORD}(?:${O_DOT}${O_WORD}){1,4})(?![\w-])`,
  'gi',
);
const MAIL_HOSTS =
  /^(?:gmail|googlemail|yahoo|hotmail|outlook|live|msn|aol|icloud|me|mac|comcast|proton|protonmail)\./i;

/** E-mail addresses, written out or disguised, and mailto: links. */
function findEmails(text: string, add: Add): void {
  for (const re of [EMAIL, MAILTO]) scan(re, text, (m) => add(m.index, m.index + m[0].length, 'email'));
  scan(OBFUSCATED, text, (m) => {
    const domain = m[2] ?? '';
    if (!/(?:\.|dot[ \t)\]}]*)[a-z]{2,24}$/i.test(domain)) return false;
    // A bare " at " is everyday English ("look at catalog.example.org"), so it needs a spelled-out
    // "dot" or a well-known mail host to count.
    if (!m[1] && !/\bdot\b/i.test(m[0]) && !MAIL_HOSTS.test(domain)) return false;
    add(m.index, m.index + m[0].length, 'email');
  });
}

const EXT = String.raw`(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6}(?!\w))?`;
const NANP = new RegExp(
  String.raw`(?<![\w+.-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}(?![\w-]|\.\d)${EXT}`,
  'gi',
);
const INTERNATIONAL = new RegExp(String.raw`(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,5}${EXT}`, 'gi');
// Seven-digit local numbers only next to a word that says so; alone they look like too many other things.
const LOCAL =
  /\b(?:phone|tel|telephone|cell|mobile|fax|call me|text me|reach me)\b[^\n\d]{0,20}?(\d{3}[ .-]\d{4})(?![\d-])/dgi;
const DIGIT_GROUPS = /(?<![\w.,/-])\d+(?:[ -]\d+){0,5}/g;
const CARD_WORD =
  /\b(?:library[ \t]+)?(?:card|barcode|account|patron)(?:[ \t]*(?:number|num|no\.?|#|id))?[ \t]*(?:is|was|:|#|=)?[ \t]*:?[ \t]*(\d(?:[ -]?\d){4,18})(?!\d)/dgi;
const PIN = /\bpin(?:[ \t]*(?:number|code|#))?[ \t]*(?:is|was|:|=)?[ \t]*(\d{4,8})(?!\d)/dgi;
const isYear = (g: string): boolean => /^(?:1[5-9]|20)\d\d$/.test(g);

/** True for a valid ISBN: 13 digits from 978/979, or 10 digits (as printed, in four hyphenated groups). */
function isIsbn(digits: string, groups: number): boolean {
  let sum = 0;
  if (/^97[89]\d{10}$/.test(digits)) {
    for (let i = 0; i < 13; i++) sum += Number(digits[i]) * (i % 2 ? 3 : 1);
    return sum % 10 === 0;
  }
  if (digits.length !== 10 || groups !== 4) return false;
  for (let i = 0; i < 10; i++) sum += Number(digits[i]) * (10 - i);
  return sum % 11 === 0;
}

/** Phone, card and PIN numbers. */
function findNumbers(text: string, add: Add): void {
  scan(NANP, text, (m) => add(m.index, m.index + m[0].length, 'phone'));
  scan(INTERNATIONAL, text, (m) => {
    const digits = m[0].replace(/(?:x|ext\.?|extension)[ \t]*\d+$/i, '').replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 15 || /\d/.test(text.charAt(m.index + m[0].length)))
      return false;
    add(m.index, m.index + m[0].length, 'phone');
  });
  for (const [re, kind] of [
    [LOCAL, 'phone'],
    [CARD_WORD, 'card'],
    [PIN, 'pin'],
  ] as const)
    scan(re, text, (m) => {
      const g = group(m, 1);
      if (g) add(g[0], g[1], kind);
    });
  scan(DIGIT_GROUPS, text, (m) => {
    const groups = m[0].split(/[ -]/);
    const digits = groups.join('');
    if (digits.length < 10 || isIsbn(digits, groups.length)) return false;
    const first = groups[0] ?? '';
    const trunk = /^0\d{1,4}$/.test(first);
    if (groups.length > 1 && ((first.length > 1 && first.length < 4 && !trunk) || groups.every(isYear)))
      return false;
    // Ten digits shaped like a North American number, or a grouped number with a trunk 0 ("020 7946 0958").
    const phone =
      (groups.length === 1 && /^1?[2-9]\d\d[2-9]\d{6}$/.test(digits)) ||
      (groups.length > 1 && trunk && digits.length <= 11);
    add(m.index, m.index + m[0].length, phone ? 'phone' : 'card');
  });
}

// Abbreviations may carry their own full stop; after a full word the full stop ends the sentence.
const [SUFFIX_WORDS, SUFFIX_ABBREVIATIONS] = [
  'street avenue road boulevard lane drive court place way terrace circle parkway highway square trail row close crescent',
  'st ave rd blvd ln dr ct pl ter cir pkwy hwy sq trl',
].map((list) => list.split(' ').map(cap).join('|'));
const STREET = new RegExp(
  String.raw`(?<![\w.,/-])(\d{1,6})[A-Za-z]?(?:-\d{1,5})?[ \t]+(?:(?:\p{Lu}[\p{L}'’.-]{0,30}|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,4}` +
    String.raw`(?:(?:${SUFFIX_WORDS})(?![\p{L}\d])|(?:${SUFFIX_ABBREVIATIONS})(?![\p{L}\d])\.?)` +
    String.raw`(?:,?[ \t]*(?:Apt|Apartment|Unit|Suite|Ste|Floor|#)\.?[ \t]*#?[ \t]*[\w-]{1,6})?` +
    String.raw`(?:,[ \t]*(?:\p{Lu}[\p{L}.'’-]*[ \t]?){1,3},?[ \t]*\p{Lu}{2}(?:[ \t]+\d{5}(?:-\d{4})?)?(?![\p{L}\d]))?`,
  'gu',
);
const PO_BOX = /\b(?:P\.?[ \t]?O\.?[ \t]*Box|Post[ \t]+Office[ \t]+Box)[ \t]*#?[ \t]*\d{1,6}\b/gi;

/** Street address lines and post office boxes. */
function findAddresses(text: string, add: Add): void {
  scan(STREET, text, (m) => {
    // "In 1863 Lincoln Way was…" is a year, unless the text says "at".
    if (isYear(m[1] ?? '') && !/\bat[ \t]*$/i.test(text.slice(Math.max(0, m.index - 6), m.index)))
      return false;
    add(m.index, m.index + m[0].length, 'address');
  });
  scan(PO_BOX, text, (m) => add(m.index, m.index + m[0].length, 'address'));
}

const GREETING = new RegExp(
  String.raw`^[ \t>]*(?:${['hi', 'hello', 'hey', 'dear', 'greetings', 'good morning', 'good afternoon', 'good evening'].map(cap).join('|')})` +
    String.raw`[ \t]+(${TITLE}(${NAME}))[ \t]*(?=[,!:;.—–-]|$)`,
  'dgmu',
);
const SIGNOFFS =
  `thanks|thank you|many thanks|thanks again|best|best regards|best wishes|regards|kind regards|warm
  regards|warmly|sincerely|cheers|cordially|respectfully|yours|yours truly|all the best|take care|gratefully`
    .split('|')
    .map((s) => cap(s.replace(/\s+/g, ' ').trim()))
    .join('|');
// The name on its own line below the sign-off (one blank line allowed), or after a comma on the same line.
const SIGNOFF_BELOW = new RegExp(
  String.raw`^[ \t>]*(?:${SIGNOFFS})(?:[ \t]+[^\n]{0,60}?)?[ \t]*[,.!]*[ \t]*(?:\n[ \t>]*){1,2}(${TITLE}${NAME})[ \t]*(,[^\n]{1,60})?$`,
  'dgmu',
);
const SIGNOFF_SAME_LINE = new RegExp(
  String.raw`^[ \t>]*(?:${SIGNOFFS})[ \t]*,[ \t]*(${TITLE}${NAME})[ \t]*[.!]?[ \t]*$`,
  'dgmu',
);
const INTRO = new RegExp(
  String.raw`(?<![\p{L}'’])(?:([Mm]y[ \t]+name(?:[ \t]+is|'s|’s)|^[ \t]*(?:[Ff]ull[ \t]+)?[Nn]ame:|[Mm]y[ \t]+(?:son|daughter|child|kid|husband|wife|partner|spouse|grandson|granddaughter),?)|(I'm|I’m|I[ \t]+am|[Tt]his[ \t]+is))[ \t]*(${NAME})`,
  'dgmu',
);
// After "I'm Jane" / "this is Jane" comes punctuation or a word that continues an introduction.
const INTRO_FOLLOWS =
  /^(?:[ \t]*(?:[,.;:!?)(—–-]|\n|$)|[ \t]+(?:from|at|and|with|here|of|in|the|a|an|I|my)\b)/;
const GMAIL = /^[ \t>]*On[ \t]([^\n]{1,200}?(?:\n[ \t>]*[^\n]{1,200}?)?)[ \t]*wrote:[ \t]*$/dgm;
const HEADER = /^[ \t>*]*(?:From|To|Cc|CC|Bcc|Reply-To|Sender)\*?[ \t]*:\*?[ \t]*([^\n]{1,400})$/dgm;
const TIME = /\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?/g;

/** Names in greetings, sign-offs, introductions and the headers of pasted replies. */
function findNames(text: string, add: Add): void {
  for (const re of [GREETING, SIGNOFF_BELOW, SIGNOFF_SAME_LINE])
    scan(re, text, (m) => {
      const g = group(m, 1);
      const name = m[re === GREETING ? 2 : 1] ?? '';
      if (!g || !isNameLike(name) || (m[2] && re === SIGNOFF_BELOW && wordsOf(name).length < 2)) return false;
      add(g[0], g[1], 'name');
    });
  scan(INTRO, text, (m) => {
    const g = group(m, 3);
    if (!g) return false;
    const words = (m[3] ?? '').split(/[ \t]+/);
    const stop = words.findIndex((w) => NOT_NAMES.has(w.replace(/[.'’-]+$/, '').toLowerCase()));
    const kept = words.slice(0, stop < 0 ? words.length : stop).join(' ');
    if (!kept || (m[2] && !INTRO_FOLLOWS.test(text.slice(g[0] + kept.length, g[0] + kept.length + 12))))
      return false;
    add(g[0], g[0] + kept.length, 'name');
  });
  scan(GMAIL, text, (m) => {
    const g = group(m, 1);
    const inner = m[1] ?? '';
    if (!g || !/\d/.test(inner)) return false;
    // The sender follows the time ("at 10:02 AM Jane Doe") or the last comma ("3 Nov 2026, Jane").
    const times = [...inner.matchAll(TIME)];
    const last = times[times.length - 1];
    const from = last ? last.index + last[0].length : inner.replace(/<[^>]*>?/g, '').lastIndexOf(',') + 1;
    if (from > 0) addDisplayNames(inner.slice(from), g[0] + from, add);
  });
  scan(HEADER, text, (m) => {
    const g = group(m, 1);
    if (g) addDisplayNames(m[1] ?? '', g[0], add);
  });
}

const SIG_DELIMITER = /^-- ?[ \t]*$/gm;
// A signature block ends where a quoted reply begins.
const QUOTE_START = /^[ \t]*(?:>|On[ \t][^\n]*wrote:|From:|-{3,}[ \t]*Original Message)/m;

/** Everything after a "-- " line, up to a quoted reply or the end of the text. */
function findSignatures(text: string, add: Add): void {
  SIG_DELIMITER.lastIndex = 0;
  for (let m = SIG_DELIMITER.exec(text); m; m = SIG_DELIMITER.exec(text)) {
    const start = m.index + m[0].length + 1;
    const rest = text.slice(start);
    const q = QUOTE_START.exec(rest);
    const end = start + (q ? q.index : rest.length);
    const block = text.slice(start, end).trimEnd();
    if (block) add(start, start + block.length, 'signature');
    SIG_DELIMITER.lastIndex = Math.max(end, SIG_DELIMITER.lastIndex);
  }
}

/** Exact names and addresses the caller knows; name parts of 3+ letters count when capitalized. */
function findKnown(text: string, known: KnownPersonalData | undefined, add: Add): void {
  const clean = (list: unknown): string[] =>
    (Array.isArray(list) ? list : []).filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  const whole = (alts: string[]) =>
    new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${alts.join('|')})(?![\p{L}\p{N}])`, 'giu');
  const emails = clean(known?.emails).map((e) => escape(e.trim()));
  if (emails.length) scan(whole(emails), text, (m) => add(m.index, m.index + m[0].length, 'email'));
  const names = clean(known?.names).map((n) => n.trim());
  // Spacing inside a known name may differ from how the patron typed it.
  const flexible = (n: string) => escape(n).replace(/\s+/g, '\\s+');
  if (names.length)
    scan(whole(names.map(flexible)), text, (m) => add(m.index, m.index + m[0].length, 'name'));
  const parts = names.flatMap((n) => n.split(/[\s,]+/)).filter((p) => p.replace(/\P{L}/gu, '').length >= 3);
  if (parts.length)
    scan(whole(parts.map(escape)), text, (m) => {
      if (!/^\p{Lu}/u.test(m[0])) return false;
      add(m.index, m.index + m[0].length, 'name');
    });
}

const PLACEHOLDER_RE = /\[(?:e-mail|phone|card number|PIN|name|address|link|signature|text) removed\]/g;

/** The merged spans to remove, in order; never overlapping. */
function detect(text: string, known: KnownPersonalData | undefined): Span[] {
  const found: Span[] = [];
  const kept: Span[] = [];
  const add: Add = (start, end, kind) => void (end > start && found.push({ start, end, kind }));
  const keep: Add = (start, end, kind) => void kept.push({ start, end, kind });
  for (const m of text.matchAll(PLACEHOLDER_RE)) keep(m.index, m.index + m[0].length, 'name');
  const placeholders = kept.length;
  findLinks(text, add, keep);
  for (const re of PROTECTED) scan(re, text, (m) => keep(m.index, m.index + m[0].length, 'card'));
  findSignatures(text, add);
  findEmails(text, add);
  findNumbers(text, add);
  findAddresses(text, add);
  findNames(text, add);
  findKnown(text, known, add);
  // Placeholders are never redacted again (idempotence); protected identifiers lose no digits.
  // Prefix counts of covered characters make each check O(1) however many spans there are.
  const covered = (spans: Span[]): Int32Array => {
    const marks = new Int32Array(text.length + 1);
    for (const k of spans) for (let i = k.start; i < k.end; i++) marks[i + 1] = 1;
    for (let i = 1; i <= text.length; i++) marks[i] = (marks[i] ?? 0) + (marks[i - 1] ?? 0);
    return marks;
  };
  const [fixed, protectedChars] = [covered(kept.slice(0, placeholders)), covered(kept.slice(placeholders))];
  const hits = (c: Int32Array, s: Span) => (c[s.end] ?? 0) - (c[s.start] ?? 0) > 0;
  const live = found.filter((s) => !hits(fixed, s) && !(NUMERIC.has(s.kind) && hits(protectedChars, s)));
  live.sort((a, b) => a.start - b.start || b.end - a.end || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  const merged: Span[] = [];
  for (const s of live) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

const normalize = (text: unknown): string => (typeof text === 'string' ? text.replace(/\r\n?/g, '\n') : '');

/** What redactText would remove from `text` (line endings normalized to \n), in order of appearance. */
export function findPersonalData(
  text: string,
  known?: KnownPersonalData,
): Array<{ kind: PersonalDataKind; match: string }> {
  const t = normalize(text);
  return detect(t, known).map((s) => ({ kind: s.kind, match: t.slice(s.start, s.end) }));
}

/** `text` with personal data replaced by bracketed placeholders such as "[e-mail removed]". */
export function redactText(text: string, known?: KnownPersonalData): string {
  const t = normalize(text);
  try {
    let out = '';
    let at = 0;
    for (const s of detect(t, known)) {
      out += t.slice(at, s.start) + PLACEHOLDERS[s.kind];
      at = s.end;
    }
    return out + t.slice(at);
  } catch {
    // Fail closed: a bug here must not keep personal data that R2 promises to remove.
    return '[text removed]';
  }
}

/** The first three digits of a US ZIP code ("02139-4307" -> "021"); null for anything else. */
export function zip3(zip: string | null | undefined): string | null {
  const m = typeof zip === 'string' ? /^\s*(\d{3})\d{2}(?:[- ]?\d{4})?\s*$/.exec(zip) : null;
  return m?.[1] ?? null;
}
