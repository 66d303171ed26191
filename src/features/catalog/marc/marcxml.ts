// Reader of MARCXML (http://www.loc.gov/MARC21/slim): a <collection> of <record>s or a lone
// <record>, with or without a prefix (marc:). A streaming parser (saxes) keeps memory flat on large
// exports and lets a malformed record be reported while the records around it are still read.
// Elements of other namespaces are ignored, so MARC records wrapped in e.g. OAI-PMH responses work.
//
// Uploads come from outside, so the work per element and per record is bounded: namespaces are
// resolved here over at most MAX_DEPTH scopes (saxes' own resolution walks every open element, so
// 50,000 nested elements cost 50,000² steps), anything nested deeper is refused as a problem of its
// record, and a record stops being collected past RECORD_LIMITS. The import reports such a record
// with its number and goes on with the next one.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { MarcField, MarcRecord, ReadResult } from './record.ts';

export const MARCXML_NS = 'http://www.loc.gov/MARC21/slim';

/** Elements nested deeper than this (the document's root is 1; OAI-PMH needs about 7) are refused. */
export const MAX_DEPTH = 64;

/**
 * What one record may hold. An ISO 2709 record is at most 99,999 bytes, so these are far beyond
 * any real record and only stop a hostile one from costing unbounded time and memory.
 */
export const RECORD_LIMITS = { fields: 10_000, subfieldsPerField: 1_000, characters: 1_000_000 };

/** Problems listed per bad record; the rest are counted. */
const MAX_PROBLEMS = 10;

/** Where a record starts in the document (1-based line and column of its <record> tag). */
export interface XmlPosition {
  line: number;
  column: number;
}

interface OpenRecord {
  at: XmlPosition;
  leader?: string;
  fields: MarcField[];
  problems: string[];
  moreProblems: number;
  characters: number;
  /** Set once the record broke a limit: nothing more of it is collected. */
  full: boolean;
}

interface NamespaceScope {
  depth: number;
  bindings: Map<string, string>;
}

const CHUNK = 64 * 1024;
const isSingleChar = (s: string | undefined): s is string => s !== undefined && [...s].length === 1;
const count = (n: number) => n.toLocaleString('en-US');

/** The xmlns and xmlns:p declarations of an element, or undefined when it has none. */
function declarations(attributes: Record<string, string>): Map<string, string> | undefined {
  let bindings: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'xmlns') (bindings ??= new Map()).set('', value);
    else if (name.startsWith('xmlns:')) (bindings ??= new Map()).set(name.slice(6), value);
  }
  return bindings;
}

/** Reads every MARCXML record of `xml`, yielding each one or the reason it could not be read. */
export function* readMarcXml(xml: string | Uint8Array): Generator<ReadResult<XmlPosition>> {
  const text = typeof xml === 'string' ? xml : new TextDecoder('utf-8').decode(xml);
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const queue: ReadResult<XmlPosition>[] = [];
  const scopes: NamespaceScope[] = [];
  let depth = 0; // of the element being opened or closed; the root is 1
  let index = 0;
  let rec: OpenRecord | undefined;
  let field: MarcField | undefined;
  let buffer: string | undefined; // text of the open leader, controlfield or subfield
  let subfieldCode = '';
  let errorOutsideRecords = false;

  const here = (): XmlPosition => ({ line: parser.line, column: parser.column });
  const problem = (reason: string) => {
    if (!rec) return;
    if (rec.problems.length < MAX_PROBLEMS) rec.problems.push(reason);
    else rec.moreProblems++;
  };
  /** Refuses the rest of the open record: it is reported, and nothing more of it is kept. */
  const overLimit = (reason: string) => {
    if (!rec || rec.full) return;
    problem(reason);
    rec.full = true;
    rec.fields = [];
    field = undefined;
    buffer = undefined;
  };
  const resolve = (prefix: string): string | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const uri = scopes[i]!.bindings.get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  };
  /** The local name of a MARC element, or undefined for elements of other namespaces. */
  const marcName = (name: string): string | undefined => {
    const colon = name.indexOf(':');
    const uri = resolve(colon < 0 ? '' : name.slice(0, colon)) ?? '';
    // Documents without a namespace are common (older exports); accept them as MARCXML too.
    return uri === MARCXML_NS || uri === '' ? name.slice(colon + 1) : undefined;
  };

  const finish = (extra?: string) => {
    if (!rec) return;
    const r = rec;
    rec = undefined;
    field = undefined;
    buffer = undefined;
    if (extra) r.problems.push(extra);
    if (r.leader === undefined) r.problems.push('missing <leader>');
    else if (r.leader.length !== 24) r.problems.push(`leader is ${r.leader.length} characters, not 24`);
    if (r.moreProblems) r.problems.push(`and ${count(r.moreProblems)} more problems`);
    const i = index++;
    if (r.problems.length) queue.push({ ok: false, offset: r.at, index: i, reason: r.problems.join('; ') });
    else
      queue.push({
        ok: true,
        record: { leader: r.leader!, fields: r.fields } satisfies MarcRecord,
        offset: r.at,
        index: i,
      });
  };

  const open = (t: SaxesTagPlain) => {
    const bindings = declarations(t.attributes);
    if (bindings) scopes.push({ depth, bindings });
    const name = marcName(t.name);
    if (name === undefined || name === 'collection') return;
    if (name === 'record') {
      if (rec) finish('record not closed before the next <record>');
      rec = { at: here(), fields: [], problems: [], moreProblems: 0, characters: 0, full: false };
      errorOutsideRecords = false;
      return;
    }
    if (!rec || rec.full) return; // MARC elements outside any record carry nothing we could attach
    const attr = (key: string): string | undefined => t.attributes[key];
    if (buffer !== undefined) problem(`unexpected <${t.name}> inside a text element`);
    else if (name === 'leader') buffer = '';
    else if (name === 'controlfield' || name === 'datafield') {
      if (rec.fields.length >= RECORD_LIMITS.fields)
        return overLimit(`more than ${count(RECORD_LIMITS.fields)} fields`);
      const tag = attr('tag');
      if (!tag) problem(`<${name}> without a tag`);
      if (name === 'controlfield') {
        field = { tag: tag ?? '', value: '' };
        buffer = '';
        return;
      }
      const ind1 = attr('ind1') ?? ' ';
      const ind2 = attr('ind2') ?? ' ';
      if (!isSingleChar(ind1) || !isSingleChar(ind2))
        problem(`field ${tag}: indicators must be one character`);
      field = { tag: tag ?? '', ind1, ind2, subfields: [] };
    } else if (name === 'subfield') {
      const code = attr('code');
      if (!field?.subfields) problem('<subfield> outside a <datafield>');
      else if (field.subfields.length >= RECORD_LIMITS.subfieldsPerField)
        return overLimit(`field ${field.tag}: more than ${count(RECORD_LIMITS.subfieldsPerField)} subfields`);
      else if (!isSingleChar(code)) problem(`field ${field.tag}: subfield code must be one character`);
      subfieldCode = code ?? '';
      buffer = '';
    } else problem(`unexpected element <${t.name}>`);
  };

  const close = (t: SaxesTagPlain) => {
    const name = marcName(t.name);
    if (name === undefined || !rec) return;
    if (name === 'record') return finish();
    if (rec.full) return;
    const value = (buffer ?? '').normalize('NFC');
    switch (name) {
      case 'leader':
        rec.leader = value;
        break;
      case 'controlfield':
        if (field) rec.fields.push({ ...field, value });
        field = undefined;
        break;
      case 'datafield':
        if (field) rec.fields.push(field);
        field = undefined;
        break;
      case 'subfield':
        field?.subfields?.push({ code: subfieldCode, value });
        break;
    }
    buffer = undefined;
  };

  parser.on('opentag', (t) => {
    depth++;
    if (depth <= MAX_DEPTH) open(t);
    else if (rec && !rec.full) overLimit(`elements nested more than ${MAX_DEPTH} deep`);
  });

  parser.on('closetag', (t) => {
    if (depth <= MAX_DEPTH) {
      close(t);
      if (scopes.at(-1)?.depth === depth) scopes.pop();
    }
    depth--;
  });

  const addText = (s: string) => {
    if (buffer === undefined || !rec) return;
    rec.characters += s.length;
    if (rec.characters > RECORD_LIMITS.characters)
      overLimit(`more than ${count(RECORD_LIMITS.characters)} characters of text`);
    else buffer += s;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  // Not well-formed XML: blame the record being read, or report the spot if between records.
  parser.on('error', (err) => {
    // Several <record> roots with no <collection> is a common export shape (and the
    // serials_marc21.xml test file's): saxes complains but reads on correctly, so accept it.
    if (err.message.endsWith('documents may contain only one root.')) return;
    // One XML error per record (or per stretch between records): the rest are usually its echoes.
    if (rec) {
      if (!rec.problems.some((p) => p.startsWith('XML error'))) problem(`XML error: ${err.message}`);
    } else if (!errorOutsideRecords) {
      errorOutsideRecords = true;
      queue.push({ ok: false, offset: here(), index: index++, reason: `XML error: ${err.message}` });
    }
  });

  for (let p = 0; p < text.length; p += CHUNK) {
    parser.write(text.slice(p, p + CHUNK));
    yield* queue.splice(0);
  }
  parser.close();
  finish('document ends inside a record');
  yield* queue.splice(0);
}
