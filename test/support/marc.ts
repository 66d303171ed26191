// Builds MARC 21 records for tests: ISO 2709 bytes (UTF-8 or raw MARC-8 bytes per subfield) and
// MARCXML text, so a test states exactly the record it feeds the importer.
export type TestField =
  | { tag: string; value: string | Uint8Array }
  | { tag: string; ind?: string; sub: Array<[code: string, value: string | Uint8Array]> };

const bytes = (v: string | Uint8Array): Buffer =>
  typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);

/** One ISO 2709 record; `leader` gives positions 5–11 and 17–23 (lengths are computed). */
export function iso2709(
  fields: TestField[],
  opts: { type?: string; scheme?: ' ' | 'a'; level?: string } = {},
): Buffer {
  const data: Buffer[] = [];
  const dir: string[] = [];
  let offset = 0;
  for (const f of fields) {
    const body =
      'value' in f
        ? Buffer.concat([bytes(f.value), Buffer.from([0x1e])])
        : Buffer.concat([
            Buffer.from(f.ind ?? '  ', 'latin1'),
            ...f.sub.map(([c, v]) =>
              Buffer.concat([Buffer.from([0x1f]), Buffer.from(c, 'latin1'), bytes(v)]),
            ),
            Buffer.from([0x1e]),
          ]);
    dir.push(`${f.tag}${String(body.length).padStart(4, '0')}${String(offset).padStart(5, '0')}`);
    data.push(body);
    offset += body.length;
  }
  const directory = Buffer.from(`${dir.join('')}\x1e`, 'latin1');
  const base = 24 + directory.length;
  const length = base + offset + 1;
  const leader = `${String(length).padStart(5, '0')}n${opts.type ?? 'a'}${opts.level ?? 'm'} ${opts.scheme ?? 'a'}22${String(base).padStart(5, '0')} a 4500`;
  return Buffer.concat([Buffer.from(leader, 'latin1'), directory, ...data, Buffer.from([0x1d])]);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A MARCXML collection of records given as leader + string fields. */
export function marcxml(records: Array<{ leader?: string; fields: TestField[] }>): string {
  const body = records
    .map((r) => {
      const fields = r.fields
        .map((f) =>
          'value' in f
            ? `<controlfield tag="${f.tag}">${esc(String(f.value))}</controlfield>`
            : `<datafield tag="${f.tag}" ind1="${(f.ind ?? '  ')[0]}" ind2="${(f.ind ?? '  ')[1]}">${f.sub
                .map(([c, v]) => `<subfield code="${c}">${esc(String(v))}</subfield>`)
                .join('')}</datafield>`,
        )
        .join('\n');
      return `<record><leader>${r.leader ?? '00000nam a2200000 a 4500'}</leader>\n${fields}</record>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n${body}\n</collection>\n`;
}

/** A plain book record with a control number and a title, plus any extra fields. */
export const book = (id: string, title: string, extra: TestField[] = []): TestField[] => [
  { tag: '001', value: id },
  { tag: '008', value: '240101s2020    xxu           000 1 eng d' },
  {
    tag: '245',
    ind: '10',
    sub: [
      ['a', `${title} /`],
      ['c', 'Someone.'],
    ],
  },
  ...extra,
];
