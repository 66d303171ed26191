// The catalog's search syntax, parsed into a small AST that each database compiles on its own
// (fts5-query.ts, tsquery.ts). Any input is a search, never an error: what is not syntax is
// words, and words are runs of letters and digits only — so nothing a patron types ever reaches a
// database query language unquoted. docs/catalog-search.md describes the syntax for patrons.

/** Fields a term can be limited to with `field:word` or `field:"a phrase"`. */
export const searchFields = ['title', 'author', 'subjects', 'series', 'notes', 'isbn', 'issn'] as const;
export type SearchField = (typeof searchFields)[number];

/** What patrons may type before the colon (lower-cased), and the field it means. */
const fieldNames: Record<string, SearchField> = {
  title: 'title',
  ti: 'title',
  author: 'author',
  au: 'author',
  by: 'author',
  subject: 'subjects',
  subjects: 'subjects',
  su: 'subjects',
  series: 'series',
  note: 'notes',
  notes: 'notes',
  isbn: 'isbn',
  issn: 'issn',
};

/** One word (prefix: matches words starting with it) or a phrase (words in this order). */
export interface Clause {
  words: string[];
  phrase: boolean;
  prefix: boolean;
  field: SearchField | null;
}

/** Every group must match (AND); a group matches when any of its clauses does (OR). */
export interface SearchQuery {
  all: Clause[][];
  /** Clauses that must not match. Only present when there is at least one group in `all`. */
  none: Clause[];
}

/** Longest input looked at; the rest of a pasted page is ignored. */
export const MAX_INPUT_CHARS = 1000;
/** Most words used from one search, counting every word of every phrase. */
export const MAX_WORDS = 16;
/** A prefix search needs at least this many letters, or it would match half the catalog. */
const MIN_PREFIX = 2;

const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

/** Splits text into search words: letters, digits and combining marks; all else separates. */
export function wordsOf(text: string): string[] {
  // A lone combining mark is no word: both databases' tokenizers would drop it.
  return (text.match(wordPattern) ?? []).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** An ISBN typed with hyphens (10 or 13 digits) is one word, as the catalog stores ISBNs. */
function isHyphenatedIsbn(text: string): boolean {
  if (!/^[0-9][0-9-]{7,20}[0-9Xx]$/.test(text) || !text.includes('-')) return false;
  const digits = text.replace(/-/g, '').length;
  return digits === 10 || digits === 13;
}

type Token =
  | { kind: 'text'; text: string; field: SearchField | null; negated: boolean }
  | { kind: 'phrase'; text: string; field: SearchField | null; negated: boolean }
  | { kind: 'or' }
  | { kind: 'and' }
  | { kind: 'not' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    const ch = input[i] as string;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    let negated = false;
    let j = i;
    if (input[j] === '-' && j + 1 < n && !/\s/u.test(input[j + 1] as string)) {
      negated = true;
      j++;
    }
    // field:...
    let field: SearchField | null = null;
    const m = /^([A-Za-z]+):/.exec(input.slice(j, j + 12));
    if (m?.[1]) {
      const f = fieldNames[m[1].toLowerCase()];
      if (f) {
        field = f;
        j += m[0].length;
      }
    }
    if (input[j] === '"') {
      const end = input.indexOf('"', j + 1);
      const stop = end === -1 ? n : end;
      tokens.push({ kind: 'phrase', text: input.slice(j + 1, stop), field, negated });
      i = end === -1 ? n : end + 1;
      continue;
    }
    let k = j;
    while (k < n && !/\s/u.test(input[k] as string) && input[k] !== '"') k++;
    const text = input.slice(j, k);
    i = k === j ? j + 1 : k;
    if (!field && !negated && (text === 'OR' || text === '|' || text === '||')) tokens.push({ kind: 'or' });
    else if (!field && !negated && (text === 'AND' || text === '&' || text === '&&'))
      tokens.push({ kind: 'and' });
    else if (!field && !negated && text === 'NOT') tokens.push({ kind: 'not' });
    else if (text) tokens.push({ kind: 'text', text, field, negated });
  }
  return tokens;
}

/** Turns one text token into clauses: usually one word; `jean-paul` gives two words. */
function clausesOf(text: string, field: SearchField | null): Clause[] {
  if (isHyphenatedIsbn(text))
    return [{ words: [text.replace(/-/g, '')], phrase: false, prefix: false, field }];
  const words = wordsOf(text);
  const prefix = /[\p{L}\p{N}\p{M}]\*+[^\p{L}\p{N}\p{M}]*$/u.test(text);
  return words.map((w, idx) => ({
    words: [w],
    phrase: false,
    prefix: prefix && idx === words.length - 1 && [...w].length >= MIN_PREFIX,
    field,
  }));
}

/**
 * Parses what a patron typed. Never throws. Returns null when nothing searchable is left (empty
 * input, only punctuation or emoji): the caller shows the search form instead of results.
 */
export function parseSearch(raw: string): SearchQuery | null {
  // Control characters separate words like spaces do; NFC so "e" + combining acute is "é".
  const input = raw
    .slice(0, MAX_INPUT_CHARS)
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const tokens = tokenize(input);
  const all: Clause[][] = [];
  const none: Clause[] = [];
  let budget = MAX_WORDS;
  let pendingOr = false;
  let pendingNot = false;
  const take = (c: Clause): Clause | null => {
    if (budget <= 0) return null;
    if (c.words.length > budget) c = { ...c, words: c.words.slice(0, budget) };
    budget -= c.words.length;
    return c;
  };
  for (const t of tokens) {
    if (t.kind === 'or') {
      pendingOr = all.length > 0;
      continue;
    }
    if (t.kind === 'and') continue;
    if (t.kind === 'not') {
      pendingNot = true;
      continue;
    }
    let clauses: Clause[];
    if (t.kind === 'phrase') {
      const words = wordsOf(t.text);
      clauses = words.length ? [{ words, phrase: words.length > 1, prefix: false, field: t.field }] : [];
    } else clauses = clausesOf(t.text, t.field);
    if (clauses.length === 0) continue;
    const negated = t.negated || pendingNot;
    pendingNot = false;
    for (const c0 of clauses) {
      const c = take(c0);
      if (!c) break;
      if (negated) none.push(c);
      else if (pendingOr) (all[all.length - 1] as Clause[]).push(c);
      else all.push([c]);
      pendingOr = false;
    }
  }
  // "-jazz" alone cannot be searched for (nothing to subtract from): search for the words instead.
  if (all.length === 0) {
    if (none.length === 0) return null;
    return { all: none.map((c) => [c]), none: [] };
  }
  return { all, none };
}

/** The query as words for people, e.g. to show what was searched for ("title:hamlet"). */
export function describeQuery(q: SearchQuery): string {
  const one = (c: Clause) => {
    const body = c.phrase ? `"${c.words.join(' ')}"` : `${c.words.join(' ')}${c.prefix ? '*' : ''}`;
    return c.field ? `${c.field}:${body}` : body;
  };
  const groups = q.all.map((g) => g.map(one).join(' OR '));
  return [...groups, ...q.none.map((c) => `-${one(c)}`)].join(' ');
}
