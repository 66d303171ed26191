// The full description of a record for people: labelled fields read from the stored MARC record
// (bib_records.marc, the MarcRecord shape of marc/record.ts), with the record's columns as a
// fallback when the MARC text is missing or unreadable.
import type { MarcField, MarcRecord } from '../marc/record.ts';
import type { RecordRow } from './search.repository.ts';

export interface DescriptionField {
  label: string;
  values: string[];
}

export interface RecordDescription {
  title: string;
  /** Labelled fields in display order, subjects and identifiers excluded. */
  fields: DescriptionField[];
  subjects: string[];
  isbns: string[];
  issns: string[];
  /** Online versions and related resources (MARC 856 $u), http(s) only, with their labels. */
  links: Array<{ url: string; label: string }>;
}

function parseMarc(text: string): MarcRecord | null {
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || !('fields' in v) || !Array.isArray(v.fields)) return null;
    const fields: MarcField[] = [];
    for (const f of v.fields as unknown[]) {
      if (!f || typeof f !== 'object' || !('tag' in f) || typeof f.tag !== 'string') continue;
      const subfields = 'subfields' in f && Array.isArray(f.subfields) ? (f.subfields as unknown[]) : [];
      fields.push({
        tag: f.tag,
        ind1: 'ind1' in f && typeof f.ind1 === 'string' ? f.ind1 : ' ',
        ind2: 'ind2' in f && typeof f.ind2 === 'string' ? f.ind2 : ' ',
        subfields: subfields.flatMap((s) =>
          s &&
          typeof s === 'object' &&
          'code' in s &&
          'value' in s &&
          typeof s.code === 'string' &&
          typeof s.value === 'string'
            ? [{ code: s.code, value: s.value }]
            : [],
        ),
      });
    }
    return { leader: 'leader' in v && typeof v.leader === 'string' ? v.leader : '', fields };
  } catch {
    return null;
  }
}

/** Strips the ISBD punctuation MARC leaves at the end of subfields ("Hamlet /" → "Hamlet"). */
const tidy = (s: string): string =>
  s
    .replace(/\s*[/:;,=]\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();

function joined(f: MarcField, codes: string, sep = ' '): string {
  return tidy(
    (f.subfields ?? [])
      .filter((s) => codes.includes(s.code))
      .map((s) => tidy(s.value))
      .filter(Boolean)
      .join(sep),
  );
}

function values(record: MarcRecord, tags: string[], codes: string, sep = ' '): string[] {
  return record.fields
    .filter((f) => tags.includes(f.tag))
    .map((f) => joined(f, codes, sep))
    .filter(Boolean);
}

const lines = (text: string | null): string[] =>
  (text ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

export function describeRecord(
  row: RecordRow,
  languageName: string | null,
  formatName: string,
): RecordDescription {
  const marc = parseMarc(row.marc);
  const out: DescriptionField[] = [];
  const add = (label: string, vals: string[]) => {
    const unique = [...new Set(vals.filter(Boolean))];
    if (unique.length) out.push({ label, values: unique });
  };
  if (!marc) {
    add('Author', row.author ? [row.author] : []);
    add(
      'Published',
      [row.publisher, row.pub_year ? String(row.pub_year) : null].filter((v): v is string => !!v),
    );
    add('Series', row.series ? [row.series] : []);
    add('Notes', lines(row.notes));
    add('Format', [formatName]);
    add('Language', languageName ? [languageName] : []);
    return {
      title: row.title,
      fields: out,
      subjects: lines(row.subjects),
      isbns: (row.isbn ?? '').split(/\s+/).filter(Boolean),
      issns: (row.issn ?? '').split(/\s+/).filter(Boolean),
      links: [],
    };
  }
  const title = values(marc, ['245'], 'abnp')[0] ?? row.title;
  add('Statement of responsibility', values(marc, ['245'], 'c'));
  add('Author', values(marc, ['100', '110', '111'], 'abcdq'));
  add('Other authors', values(marc, ['700', '710', '711'], 'abcdq'));
  add('Uniform title', values(marc, ['130', '240'], 'anp'));
  add('Edition', values(marc, ['250'], 'ab'));
  add('Published', values(marc, ['264', '260'], 'abc'));
  add('Description', values(marc, ['300'], 'abce'));
  add('Series', [...values(marc, ['490'], 'av', ' ; '), ...values(marc, ['800', '810', '830'], 'atv', ' ')]);
  add('Notes', values(marc, ['500', '501', '504', '508', '511', '518', '546'], 'a'));
  add('Contents', values(marc, ['505'], 'agrt', ' '));
  add('Summary', values(marc, ['520'], 'ab'));
  add('Format', [formatName]);
  add('Language', languageName ? [languageName] : []);
  const subjects = values(marc, ['600', '610', '611', '630', '648', '650', '651', '655'], 'abcdvxyz', ' -- ');
  return {
    title,
    fields: out,
    subjects: subjects.length ? [...new Set(subjects)] : lines(row.subjects),
    isbns: values(marc, ['020'], 'a').map((v) => v.split(' ')[0] ?? v),
    issns: values(marc, ['022'], 'a'),
    links: onlineLinks(marc),
  };
}

/** 856 $u addresses (http and https only; anything else is not a link we offer), labelled by $y, $3 or $z. */
function onlineLinks(record: MarcRecord): RecordDescription['links'] {
  const out: RecordDescription['links'] = [];
  for (const f of record.fields) {
    if (f.tag !== '856') continue;
    const label = joined(f, 'y') || joined(f, '3') || joined(f, 'z') || 'Online resource';
    for (const s of f.subfields ?? [])
      if (s.code === 'u' && /^https?:\/\/[^\s]+$/i.test(s.value.trim()) && out.length < 20)
        out.push({ url: s.value.trim(), label });
  }
  return out;
}
