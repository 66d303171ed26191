// A synthetic catalog for bench/search.ts: `records` bibliographic records (default 1,000,000) with
// about two copies each, written straight into a migrated Carrel database in large batches.
//
// Words follow a Zipf distribution (the k-th most common word appears ~1/k as often) over a
// vocabulary of 60,000 made-up words, about 6 % of them with diacritics (é, ř, ö, ñ...), so
// searches hit the same skew a real catalog has: a few words in a large share of records, most in
// a handful. Titles (2–8 words), authors (Zipf over 8,000 surnames), subjects (1–3 of 3,000
// headings), series (a fifth of records), notes (half of them, 5–30 words), ISBNs, formats,
// languages and years are drawn with fixed seeds, so every run builds the same catalog.
//
// How the search index is filled, and why: on SQLite the rows go in through plain INSERTs and the
// FTS5 triggers of migration 0003 index each one, as the MARC import does. On PostgreSQL the
// stored search_doc column is computed on insert; its GIN index is dropped first and re-created
// from its own definition after loading (a bulk build, minutes faster than a million index
// insertions); that is what an operator would also do for a first import.
//
//   node --import tsx bench/catalog-gen.ts [--records=1000000] --out=FILE.db   (SQLite)
import Database from 'better-sqlite3';
import pg from 'pg';
import { newId } from '../src/ids.ts';
import { prng, zipf } from './lib.ts';

const syllables =
  'ka lo mi ne ra su ti vo ba de fi gu ha je ku la mo na pe ri sa to ul ve wa xe yo za an el in or st tr pr gr br ch sh th'.split(
    ' ',
  );
const accented: Record<string, string> = { a: 'á', e: 'é', o: 'ö', r: 'ř', n: 'ñ', u: 'ü', i: 'í', s: 'š' };

/** The vocabulary: word k is the k-th most common. Deterministic. */
export function vocabulary(size: number, seed = 7): string[] {
  const rand = prng(seed);
  const words = new Set<string>();
  while (words.size < size) {
    const n = 1 + Math.floor(rand() * 3) + (words.size > 200 ? 1 : 0);
    let w = '';
    for (let i = 0; i < n; i++) w += syllables[Math.floor(rand() * syllables.length)];
    if (rand() < 0.06) {
      const i = Math.floor(rand() * w.length);
      const ch = w[i] as string;
      if (accented[ch]) w = w.slice(0, i) + accented[ch] + w.slice(i + 1);
    }
    words.add(w);
  }
  return [...words];
}

/**
 * Bump when the generated catalog changes (data, schema it needs, or how it is finished), so that
 * bench/search.ts does not reuse a cached database built by an older generator.
 * 2: FTS5 'optimize' after loading.
 */
export const GENERATOR_VERSION = 2;

export const VOCABULARY = 60_000;
const SURNAMES = 8_000;
const SUBJECTS = 3_000;
const SERIES = 600;
const formats: [string, number][] = [
  ['book', 0.72],
  ['large-print', 0.05],
  ['audio-book', 0.05],
  ['music-recording', 0.07],
  ['video', 0.08],
  ['serial', 0.03],
];
const languages: [string, number][] = [
  ['eng', 0.8],
  ['spa', 0.07],
  ['fre', 0.04],
  ['ger', 0.03],
  ['cze', 0.02],
  ['chi', 0.02],
  ['rus', 0.02],
];
const statuses: [string, number][] = [
  ['available', 0.72],
  ['on_loan', 0.2],
  ['in_transit', 0.03],
  ['on_hold_shelf', 0.02],
  ['missing', 0.02],
  ['damaged', 0.01],
];
const pick = (table: [string, number][], r: number): string => {
  let acc = 0;
  for (const [v, p] of table) {
    acc += p;
    if (r < acc) return v;
  }
  return (table[table.length - 1] as [string, number])[0];
};
const cap = (w: string) => (w[0] as string).toUpperCase() + w.slice(1);

export interface GenRecord {
  id: string;
  control_number: string;
  title: string;
  author: string | null;
  format: string;
  language: string;
  pub_year: number;
  publisher: string;
  isbn: string | null;
  issn: null;
  subjects: string;
  series: string | null;
  notes: string | null;
  marc: string;
  created_at: string;
  updated_at: string;
}

export interface GenItem {
  id: string;
  bib_id: string;
  barcode: string;
  call_number: string;
  branch_code: string;
  location: string;
  material_type: string;
  status: string;
  transit_to: null;
  created_at: string;
  updated_at: string;
}

/** Yields batches of records with their copies. */
export function* generate(records: number, batch: number, branches: string[]) {
  const rand = prng(2026);
  const vocab = vocabulary(VOCABULARY);
  const word = zipf(VOCABULARY, 1.0, rand);
  const surnameRank = zipf(SURNAMES, 0.9, rand);
  const subjectRank = zipf(SUBJECTS, 1.0, rand);
  const seriesRank = zipf(SERIES, 0.8, rand);
  const words = (n: number) => Array.from({ length: n }, () => vocab[word()] as string);
  // Names and headings are words of the same vocabulary, from other ranks: a surname can be a word.
  const surname = () => cap(vocab[(surnameRank() * 7 + 13) % VOCABULARY] as string);
  const subject = () => {
    const k = subjectRank();
    return `${cap(vocab[(k * 11 + 5) % VOCABULARY] as string)} ${vocab[(k * 17 + 3) % VOCABULARY]} -- ${cap(vocab[(k * 3 + 1) % 400] as string)}`;
  };
  const now = '2026-11-28T00:00:00.000Z';
  let n = 0;
  let itemNo = 0;
  while (n < records) {
    const recs: GenRecord[] = [];
    const items: GenItem[] = [];
    for (let i = 0; i < batch && n < records; i++, n++) {
      const id = newId();
      const title = cap(words(2 + Math.floor(rand() * 7)).join(' '));
      const author =
        rand() < 0.92 ? `${surname()}, ${cap(vocab[(word() * 5 + 29) % VOCABULARY] as string)}` : null;
      const subjects = Array.from({ length: 1 + Math.floor(rand() * 3) }, subject).join('\n');
      const series =
        rand() < 0.2 ? `${cap(vocab[(seriesRank() * 19 + 7) % VOCABULARY] as string)} series` : null;
      const notes = rand() < 0.5 ? cap(words(5 + Math.floor(rand() * 26)).join(' ')) : null;
      const isbn = rand() < 0.8 ? `978${String(Math.floor(rand() * 1e10)).padStart(10, '0')}` : null;
      const year = 2025 - Math.floor(Math.abs(rand() + rand() - 1) * 125);
      const marc = JSON.stringify({
        leader: '00000nam a2200000 i 4500',
        fields: [
          { tag: '001', value: `gen${n}` },
          ...(author
            ? [{ tag: '100', ind1: '1', ind2: ' ', subfields: [{ code: 'a', value: author }] }]
            : []),
          { tag: '245', ind1: '1', ind2: '0', subfields: [{ code: 'a', value: title }] },
        ],
      });
      recs.push({
        id,
        control_number: `gen${n}`,
        title,
        author,
        format: pick(formats, rand()),
        language: pick(languages, rand()),
        pub_year: year,
        publisher: `${cap(vocab[(n * 31) % 500] as string)} Press`,
        isbn,
        issn: null,
        subjects,
        series,
        notes,
        marc,
        created_at: now,
        updated_at: now,
      });
      // 0–4 copies, two on average.
      const copies = Math.floor(rand() * 5);
      for (let c = 0; c < copies; c++) {
        itemNo++;
        items.push({
          id: newId(),
          bib_id: id,
          barcode: `3${String(itemNo).padStart(12, '0')}`,
          call_number: `${Math.floor(rand() * 1000)}.${Math.floor(rand() * 100)}`,
          branch_code: branches[Math.floor(rand() * branches.length)] as string,
          location: rand() < 0.5 ? 'Adult non-fiction' : 'Adult fiction',
          material_type: 'book',
          status: pick(statuses, rand()),
          transit_to: null,
          created_at: now,
          updated_at: now,
        });
      }
    }
    yield { recs, items, done: n };
  }
}

const recordColumns = [
  'id',
  'control_number',
  'title',
  'author',
  'format',
  'language',
  'pub_year',
  'publisher',
  'isbn',
  'issn',
  'subjects',
  'series',
  'notes',
  'marc',
  'created_at',
  'updated_at',
] as const;
const itemColumns = [
  'id',
  'bib_id',
  'barcode',
  'call_number',
  'branch_code',
  'location',
  'material_type',
  'status',
  'transit_to',
  'created_at',
  'updated_at',
] as const;

export interface GenStats {
  records: number;
  items: number;
  seconds: number;
  recordsPerSecond: number;
}

const progress = (done: number, total: number, t0: number) => {
  if (done % 100_000 === 0 || done === total)
    console.log(
      `  ${done.toLocaleString('en-US')} records, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
};

/** Fills a migrated SQLite database file; the FTS5 triggers index every row as it goes in. */
export function generateSqlite(file: string, records: number, branches: string[]): GenStats {
  const t0 = performance.now();
  const conn = new Database(file, { fileMustExist: true });
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = OFF');
  conn.pragma('cache_size = -262144');
  const insRec = conn.prepare(
    `INSERT INTO bib_records (${recordColumns.join(', ')}) VALUES (${recordColumns.map((c) => `@${c}`).join(', ')})`,
  );
  const insItem = conn.prepare(
    `INSERT INTO items (${itemColumns.join(', ')}) VALUES (${itemColumns.map((c) => `@${c}`).join(', ')})`,
  );
  let items = 0;
  const load = conn.transaction((recs: GenRecord[], its: GenItem[]) => {
    for (const r of recs) insRec.run(r);
    for (const it of its) insItem.run(it);
  });
  for (const b of generate(records, 10_000, branches)) {
    load(b.recs, b.items);
    items += b.items.length;
    progress(b.done, records, t0);
  }
  // Merge the FTS5 index's segment b-trees into one, as a large import should end: each search
  // then reads one doclist per word instead of one per segment (bench/README.md, "search").
  const tOpt = performance.now();
  conn.exec(`INSERT INTO bib_fts(bib_fts) VALUES ('optimize')`);
  console.log(`  FTS5 optimize in ${((performance.now() - tOpt) / 1000).toFixed(0)} s`);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.exec('ANALYZE');
  conn.close();
  const seconds = (performance.now() - t0) / 1000;
  return { records, items, seconds, recordsPerSecond: records / seconds };
}

/** Fills a migrated PostgreSQL database: batches through unnest(), the GIN index rebuilt after. */
export async function generatePostgres(url: string, records: number, branches: string[]): Promise<GenStats> {
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const def = await client.query<{ def: string }>(
      `SELECT pg_get_indexdef('bib_records_search_idx'::regclass) AS def`,
    );
    const indexDef = def.rows[0]?.def;
    if (!indexDef) throw new Error('bib_records_search_idx is missing: is the database migrated?');
    await client.query('DROP INDEX bib_records_search_idx');
    let items = 0;
    const insert = async (table: string, cols: readonly string[], types: string[], rows: object[]) => {
      if (rows.length === 0) return;
      const arrays = cols.map((c) => rows.map((r) => (r as Record<string, unknown>)[c] ?? null));
      const params = cols.map((_, i) => `$${i + 1}::${types[i]}[]`).join(', ');
      await client.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${params})`, arrays);
    };
    const recTypes = recordColumns.map((c) => (c === 'pub_year' ? 'int' : 'text'));
    const itemTypes = itemColumns.map(() => 'text');
    for (const b of generate(records, 5_000, branches)) {
      await client.query('BEGIN');
      await insert('bib_records', recordColumns, recTypes, b.recs);
      await insert('items', itemColumns, itemTypes, b.items);
      await client.query('COMMIT');
      items += b.items.length;
      progress(b.done, records, t0);
    }
    const tIndex = performance.now();
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(indexDef);
    console.log(`  search index built in ${((performance.now() - tIndex) / 1000).toFixed(0)} s`);
    await client.query('VACUUM ANALYZE bib_records');
    await client.query('VACUUM ANALYZE items');
    const seconds = (performance.now() - t0) / 1000;
    return { records, items, seconds, recordsPerSecond: records / seconds };
  } finally {
    await client.end();
  }
}
