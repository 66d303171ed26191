// Reader of MARCXML (http://www.loc.gov/MARC21/slim): a <collection> of <record>s or a lone
// <record>, with or without a prefix (marc:). A streaming parser (saxes) keeps memory flat on large
// exports and lets a malformed record be reported while the records around it are still read.
// Elements of other namespaces are ignored, so MARC records wrapped in e.g. OAI-PMH responses work.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { MarcField, MarcRecord, ReadResult } from './record.ts';

export const MARCXML_NS = 'http://www.loc.gov/MARC21/slim';

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
}

const CHUNK = 64 * 1024;
const isSingleChar = (s: string | undefined): s is string => s !== undefined && [...s].length === 1;

/** Reads every MARCXML record of `xml`, yielding each one or the reason it could not be read. */
export function* readMarcXml(xml: string | Uint8Array): Generator<ReadResult<XmlPosition>> {
  const text = typeof xml === 'string' ? xml : new TextDecoder('utf-8').decode(xml);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const queue: ReadResult<XmlPosition>[] = [];
  let index = 0;
  let rec: OpenRecord | undefined;
  let field: MarcField | undefined;
  let buffer: string | undefined; // text of the open leader, controlfield or subfield
  let subfieldCode = '';

  const here = (): XmlPosition => ({ line: parser.line, column: parser.column });
  const problem = (reason: string) => rec?.problems.push(reason);
  // Documents without a namespace are common (older exports); accept them as MARCXML too.
  const isMarc = (t: { uri: string }) => t.uri === MARCXML_NS || t.uri === '';
  const attr = (t: SaxesTagNS, name: string) => t.attributes[name]?.value;

  const finish = (extra?: string) => {
    if (!rec) return;
    const r = rec;
    rec = undefined;
    field = undefined;
    buffer = undefined;
    if (extra) r.problems.push(extra);
    if (r.leader === undefined) r.problems.push('missing <leader>');
    else if (r.leader.length !== 24) r.problems.push(`leader is ${r.leader.length} characters, not 24`);
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

  parser.on('opentag', (t) => {
    if (!isMarc(t)) return;
    const name = t.local;
    if (name === 'collection') return;
    if (name === 'record') {
      if (rec) finish('record not closed before the next <record>');
      rec = { at: here(), fields: [], problems: [] };
      return;
    }
    if (!rec) return; // MARC elements outside any record carry nothing we could attach
    if (buffer !== undefined) problem(`unexpected <${t.name}> inside a text element`);
    else if (name === 'leader') buffer = '';
    else if (name === 'controlfield') {
      const tag = attr(t, 'tag');
      if (!tag) problem('<controlfield> without a tag');
      field = { tag: tag ?? '', value: '' };
      buffer = '';
    } else if (name === 'datafield') {
      const tag = attr(t, 'tag');
      const ind1 = attr(t, 'ind1') ?? ' ';
      const ind2 = attr(t, 'ind2') ?? ' ';
      if (!tag) problem('<datafield> without a tag');
      if (!isSingleChar(ind1) || !isSingleChar(ind2))
        problem(`field ${tag}: indicators must be one character`);
      field = { tag: tag ?? '', ind1, ind2, subfields: [] };
    } else if (name === 'subfield') {
      const code = attr(t, 'code');
      if (!field?.subfields) problem('<subfield> outside a <datafield>');
      else if (!isSingleChar(code)) problem(`field ${field.tag}: subfield code must be one character`);
      subfieldCode = code ?? '';
      buffer = '';
    } else problem(`unexpected element <${t.name}>`);
  });

  parser.on('text', (s) => {
    if (buffer !== undefined) buffer += s;
  });
  parser.on('cdata', (s) => {
    if (buffer !== undefined) buffer += s;
  });

  parser.on('closetag', (t) => {
    if (!isMarc(t) || !rec) return;
    const value = (buffer ?? '').normalize('NFC');
    switch (t.local) {
      case 'record':
        finish();
        return;
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
  });

  // Not well-formed XML: blame the record being read, or report the spot if between records.
  parser.on('error', (err) => {
    // Several <record> roots with no <collection> is a common export shape (and the
    // serials_marc21.xml test file's): saxes complains but reads on correctly, so accept it.
    if (err.message.endsWith('documents may contain only one root.')) return;
    // One XML error per record: after the first, the rest are usually its echoes.
    if (rec) {
      if (!rec.problems.some((p) => p.startsWith('XML error'))) problem(`XML error: ${err.message}`);
    } else queue.push({ ok: false, offset: here(), index: index++, reason: `XML error: ${err.message}` });
  });

  for (let p = 0; p < text.length; p += CHUNK) {
    parser.write(text.slice(p, p + CHUNK));
    yield* queue.splice(0);
  }
  parser.close();
  finish('document ends inside a record');
  yield* queue.splice(0);
}
