// Catalog search on both databases: folding of case and diacritics, phrases, fields, ranking,
// facets, paging, odd input, and an index that follows plain INSERT/UPDATE/DELETE on bib_records.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sql } from 'kysely';
import { describeEachDialect } from '../../../../test/support/env.ts';
import { NotFoundError } from '../../../errors.ts';
import { parseSearch } from './query-parser.ts';
import { postgresSearch } from './search-postgres.repository.ts';
import { sqliteSearch } from './search-sqlite.repository.ts';
import { insertCopy, insertRecord, nastyInputs } from './test-fixtures.ts';
import {
  emptyFilters,
  FACET_CAP,
  getRecord,
  MAX_PAGE,
  searchCatalog,
  type SearchFilters,
  type SearchResult,
} from './search.service.ts';

describeEachDialect('catalog search', (env) => {
  const ids: Record<string, string> = {};
  const search = (q: string, filters: Partial<SearchFilters> = {}, page = 1): Promise<SearchResult> =>
    searchCatalog(env().ctx, { q, page, filters: { ...emptyFilters(), ...filters } });
  const titles = async (q: string, filters: Partial<SearchFilters> = {}) =>
    (await search(q, filters)).results.map((r) => r.title);

  before(async () => {
    const { db } = env().ctx;
    ids.hamlet = await insertRecord(db, {
      title: 'Hamlet, Prince of Denmark',
      author: 'Shakespeare, William',
      year: 1603,
      subjects: ['Princes -- Drama', 'Denmark -- Drama'],
      publisher: 'Folger',
    });
    ids.rusalka = await insertRecord(db, {
      title: 'Rusalka',
      author: 'Dvořák, Antonín',
      format: 'music-recording',
      language: 'cze',
      year: 1901,
      subjects: ['Operas'],
      series: 'Great operas',
    });
    ids.wuthering = await insertRecord(db, {
      title: 'Wuthering Heights',
      author: 'Brontë, Emily',
      year: 1847,
      notes: 'A novel about Heathcliff.',
    });
    ids.jazzHistory = await insertRecord(db, {
      title: 'Jazz: a history',
      author: 'Gioia, Ted',
      year: 1997,
      subjects: ['Jazz -- History and criticism'],
    });
    ids.elsinore = await insertRecord(db, {
      title: 'Elsinore tales',
      author: 'Critic, Ann',
      year: 1999,
      notes: 'Retells the story of Hamlet for children.',
    });
    ids.verne = await insertRecord(db, {
      title: 'Twenty thousand leagues under the sea',
      author: 'Verne, Jules',
      language: 'fre',
      year: 2005,
      isbn: '9780140449136',
      series: 'Penguin classics',
    });
    ids.blueNotes = await insertRecord(db, {
      title: 'Blue notes',
      author: 'Player, Pat',
      year: 2010,
      series: 'Jazz masters',
      notes: 'Club recordings.',
      format: 'music-recording',
    });
    ids.nightMusic = await insertRecord(db, {
      title: 'Night music',
      author: 'Player, Pat',
      year: 2011,
      series: 'Nocturnes',
      notes: 'Late jazz from the club.',
      format: 'music-recording',
    });
    await insertCopy(db, ids.hamlet, 'MAIN', 'available');
    await insertCopy(db, ids.hamlet, 'EAST', 'on_loan');
    await insertCopy(db, ids.rusalka, 'EAST', 'available');
    await insertCopy(db, ids.wuthering, 'MAIN', 'on_loan');
    await insertCopy(db, ids.verne, 'EAST', 'in_transit');
  });

  test('case and diacritics do not matter, in either direction', async () => {
    assert.deepEqual(await titles('dvorak'), ['Rusalka']);
    assert.deepEqual(await titles('DVOŘÁK'), ['Rusalka']);
    assert.deepEqual(await titles('Dvor\u030cák'), ['Rusalka'], 'decomposed input');
    assert.deepEqual(await titles('bronte'), ['Wuthering Heights']);
    assert.deepEqual(await titles('Brontë emily'), ['Wuthering Heights']);
    assert.deepEqual(await titles('ANTONIN'), ['Rusalka']);
  });

  test('title matches rank above matches elsewhere', async () => {
    assert.deepEqual(await titles('hamlet'), ['Hamlet, Prince of Denmark', 'Elsinore tales']);
    const jazz = await titles('jazz');
    assert.equal(jazz[0], 'Jazz: a history', 'title match first');
    assert.deepEqual(jazz.slice(1).sort(), ['Blue notes', 'Night music']);
  });

  test('phrases match words in order only', async () => {
    assert.deepEqual(await titles('"prince of denmark"'), ['Hamlet, Prince of Denmark']);
    assert.deepEqual(await titles('"denmark of prince"'), []);
    assert.deepEqual(
      await titles('"thousand leagues'),
      ['Twenty thousand leagues under the sea'],
      'unclosed quote',
    );
  });

  test('field-qualified words look in that field only', async () => {
    assert.deepEqual(await titles('title:hamlet'), ['Hamlet, Prince of Denmark']);
    assert.deepEqual(await titles('author:verne'), ['Twenty thousand leagues under the sea']);
    assert.deepEqual(await titles('author:hamlet'), []);
    assert.deepEqual(await titles('subject:jazz'), ['Jazz: a history']);
    assert.deepEqual(await titles('series:jazz'), ['Blue notes']);
    assert.deepEqual(await titles('notes:jazz'), ['Night music']);
    assert.deepEqual(await titles('subject:"history and criticism"'), ['Jazz: a history']);
    assert.deepEqual(await titles('isbn:9780140449136'), ['Twenty thousand leagues under the sea']);
    assert.deepEqual(await titles('978-0-14-044913-6'), ['Twenty thousand leagues under the sea']);
    assert.deepEqual(await titles('player -series:jazz'), ['Night music']);
    assert.deepEqual((await titles('series:jazz OR title:rusalka')).sort(), ['Blue notes', 'Rusalka']);
  });

  test('OR, exclusion and prefixes', async () => {
    assert.deepEqual((await titles('rusalka OR heathcliff')).sort(), ['Rusalka', 'Wuthering Heights']);
    assert.deepEqual(await titles('hamlet -prince'), ['Elsinore tales']);
    assert.deepEqual(await titles('hamlet NOT prince'), ['Elsinore tales']);
    assert.deepEqual(await titles('wuther*'), ['Wuthering Heights']);
    assert.deepEqual(await titles('wuther'), [], 'no prefix without the star');
    assert.deepEqual(await titles('-rusalka'), ['Rusalka'], 'a lone exclusion searches for the word');
    assert.deepEqual(await titles('hamlet and prince'), [], '"and" in lower case is a word');
    assert.deepEqual(await titles('hamlet AND prince'), ['Hamlet, Prince of Denmark']);
  });

  test('facets count the matches and narrow the results through filters', async () => {
    const all = await search('');
    assert.equal(all.mode, 'browse');
    assert.equal(all.total, 8);
    assert.equal(all.facetsCapped, false);
    const count = (list: { value: string; count: number }[], v: string) =>
      list.find((x) => x.value === v)?.count;
    assert.equal(count(all.facets.format, 'book'), 5);
    assert.equal(count(all.facets.format, 'music-recording'), 3);
    assert.equal(count(all.facets.branch, 'EAST'), 3);
    assert.equal(count(all.facets.branch, 'MAIN'), 2);
    assert.equal(count(all.facets.language, 'cze'), 1);
    assert.equal(count(all.facets.decade, '1840'), 1);
    assert.equal(count(all.facets.decade, '2010'), 2);
    assert.equal(all.facets.available.count, 2, 'Hamlet and Rusalka have a copy on the shelf');
    assert.equal(all.facets.format.find((f) => f.value === 'music-recording')?.label, 'Music recording');
    assert.equal(all.facets.branch.find((f) => f.value === 'EAST')?.label, 'Eastside Branch');

    assert.deepEqual((await titles('', { availableOnly: true })).sort(), [
      'Hamlet, Prince of Denmark',
      'Rusalka',
    ]);
    assert.deepEqual(await titles('', { availableOnly: true, branches: ['EAST'] }), ['Rusalka']);
    assert.deepEqual(await titles('', { decades: [1840] }), ['Wuthering Heights']);
    assert.deepEqual(
      await titles('player', { formats: ['music-recording'], decades: [2010] }).then((t) => t.sort()),
      ['Blue notes', 'Night music'],
    );
    const filtered = await search('hamlet', { branches: ['EAST'] });
    assert.deepEqual(
      filtered.results.map((r) => r.title),
      ['Hamlet, Prince of Denmark'],
    );
    assert.equal(filtered.facets.branch.find((b) => b.value === 'EAST')?.selected, true);
    const none = await search('hamlet', { formats: ['no-such-format'] });
    assert.equal(none.total, 0);
    assert.deepEqual(none.facets.format, [
      { value: 'no-such-format', label: 'No such format', count: 0, selected: true },
    ]);
  });

  test('results carry an availability summary', async () => {
    const [hamlet] = (await search('title:hamlet')).results;
    assert.deepEqual(hamlet?.copies, { total: 2, available: 1, holdable: 2, availableAt: ['Main Library'] });
    const [jazz] = (await search('title:jazz')).results;
    assert.deepEqual(jazz?.copies, { total: 0, available: 0, holdable: 0, availableAt: [] });
  });

  test('pages of 20; past the end is an empty page; page numbers are clamped', async () => {
    const { db } = env().ctx;
    for (let i = 1; i <= 45; i++) await insertRecord(db, { title: `Pagerword volume ${i}` });
    const p1 = await search('pagerword');
    assert.equal(p1.total, 45);
    assert.equal(p1.totalPages, 3);
    assert.equal(p1.results.length, 20);
    const p3 = await search('pagerword', {}, 3);
    assert.equal(p3.results.length, 5);
    const seen = new Set(
      [...p1.results, ...(await search('pagerword', {}, 2)).results, ...p3.results].map((r) => r.id),
    );
    assert.equal(seen.size, 45, 'pages do not overlap');
    const p4 = await search('pagerword', {}, 4);
    assert.equal(p4.results.length, 0);
    assert.equal(p4.total, 45);
    assert.equal((await search('pagerword', {}, -1)).page, 1);
    assert.equal((await search('pagerword', {}, 0)).page, 1);
    assert.equal((await search('pagerword', {}, 1e12)).page, MAX_PAGE);
    assert.equal((await search('pagerword', {}, Number.NaN)).page, 1);
    assert.ok(FACET_CAP >= 100);
  });

  test('a capped ranking ranks the newest matches, then lists the rest newest first', async () => {
    const { ctx } = env();
    const backend = ctx.database.ops.name === 'postgres' ? postgresSearch : sqliteSearch;
    const pause = () => new Promise((r) => setTimeout(r, 3));
    const oldTitle = await insertRecord(ctx.db, { title: 'Capword', notes: 'old' });
    await pause();
    const middle: string[] = [];
    for (let i = 0; i < 10; i++)
      middle.push(await insertRecord(ctx.db, { title: `Volume ${i}`, notes: `Mentions capword once ${i}` }));
    await pause();
    const newTitle = await insertRecord(ctx.db, { title: 'Capword', notes: 'new' });
    const q = parseSearch('capword');
    assert.ok(q);
    const f = emptyFilters();
    const all = await backend.findRankedIds(ctx.db, q, f, 50, 0, 100);
    assert.deepEqual([all.ranked, all.capped, all.ids.length], [12, false, 12]);
    assert.deepEqual(new Set(all.ids.slice(0, 2)), new Set([oldTitle, newTitle]), 'uncapped: titles first');
    const capped = await backend.findRankedIds(ctx.db, q, f, 50, 0, 5);
    assert.deepEqual([capped.ranked, capped.capped, capped.ids.length], [5, true, 12]);
    assert.equal(capped.ids[0], newTitle, 'the best of the newest five comes first');
    assert.equal(capped.ids[11], oldTitle, 'an old title match falls to the newest-first tail');
    assert.deepEqual(new Set(capped.ids), new Set(all.ids));
    const windows: string[] = [];
    for (let off = 0; off < 14; off += 3)
      windows.push(...(await backend.findRankedIds(ctx.db, q, f, 3, off, 5)).ids);
    assert.deepEqual(windows, capped.ids, 'windows across the cap tile the same list');
    assert.equal((await search('capword')).total, 12);
  });

  test('any input is a search and never an error', async () => {
    const everything = (await search('')).total;
    for (const q of nastyInputs) {
      const r = await search(q).catch((err: unknown) => {
        throw new Error(`${JSON.stringify(q.slice(0, 40))} failed: ${String(err)}`);
      });
      const what = JSON.stringify(q.slice(0, 40));
      assert.ok(Number.isInteger(r.total) && r.total >= 0, `${what}: total ${r.total}`);
      assert.equal(r.results.length, Math.min(r.total, r.pageSize), `${what}: a first page of the matches`);
      if (r.mode === 'nothing') assert.equal(r.total, 0, `${what}: nothing to search for finds nothing`);
      else if (r.mode === 'browse') assert.equal(r.total, everything, `${what}: blank browses everything`);
      else {
        // What the page says it searched for, typed back in, finds the same records.
        assert.ok(r.understood, `${what}: the understood query is shown`);
        const again = await search(r.understood);
        assert.equal(again.understood, r.understood, `${what}: understood as ${r.understood}`);
        assert.deepEqual(
          again.results.map((x) => x.id),
          r.results.map((x) => x.id),
          `${what}: ${r.understood} finds the same records`,
        );
      }
    }
    assert.equal((await search('😀')).mode, 'nothing');
    assert.equal((await search('😀')).total, 0);
    assert.deepEqual(await titles("'; DROP TABLE bib_records; --"), []);
    assert.ok((await search('')).total > 0, 'the table is still there');
  });

  test('random junk never throws', async () => {
    const alphabet = [
      '"',
      '*',
      '(',
      ')',
      ':',
      '-',
      '^',
      '{',
      '}',
      "'",
      '\\',
      ' ',
      'OR',
      'AND',
      'NOT',
      'NEAR',
      'a',
      'é',
      '1',
      'title:',
      '\u0000',
      '😀',
      '&',
      '!',
      '|',
    ];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const q = Array.from({ length: 1 + rand(12) }, () => alphabet[rand(alphabet.length)]).join(
        rand(2) ? ' ' : '',
      );
      await search(q).catch((err: unknown) => {
        throw new Error(`${JSON.stringify(q)} failed: ${String(err)}`);
      });
    }
  });

  test('the index follows INSERT, UPDATE and DELETE on bib_records', async () => {
    const { db } = env().ctx;
    const id = await insertRecord(db, { title: 'Zanzibar chronicle', subjects: ['Islands'] });
    assert.deepEqual(await titles('zanzibar'), ['Zanzibar chronicle']);
    await db.updateTable('bib_records').set({ title: 'Quokka chronicle' }).where('id', '=', id).execute();
    assert.deepEqual(await titles('zanzibar'), []);
    assert.deepEqual(await titles('quokka'), ['Quokka chronicle']);
    await db.updateTable('bib_records').set({ subjects: 'Marsupials' }).where('id', '=', id).execute();
    assert.deepEqual(await titles('subject:islands'), []);
    assert.deepEqual(await titles('subject:marsupials'), ['Quokka chronicle']);
    await db
      .updateTable('bib_records')
      .set({ updated_at: '2026-03-03T00:00:00.000Z' })
      .where('id', '=', id)
      .execute();
    assert.deepEqual(
      await titles('quokka'),
      ['Quokka chronicle'],
      'an update of other columns keeps the entry',
    );
    await db.deleteFrom('bib_records').where('id', '=', id).execute();
    assert.deepEqual(await titles('quokka'), []);
    assert.deepEqual(await titles('chronicle'), []);
  });

  test('the search index is no table of its own in the schema listing, and is consistent', async () => {
    const { ctx } = env();
    const tables = await ctx.database.ops.listTables(ctx.db);
    assert.ok(tables.includes('bib_records'));
    assert.deepEqual(
      tables.filter((t) => t.startsWith('bib_fts')),
      [],
      'FTS5 virtual and shadow tables are derived data, not inventory tables',
    );
    if (ctx.database.ops.name === 'sqlite')
      await sql`INSERT INTO bib_fts(bib_fts, rank) VALUES ('integrity-check', 1)`.execute(ctx.db);
  });

  test('a record shows its description and copies per branch', async () => {
    const r = await getRecord(env().ctx, ids.hamlet as string);
    assert.equal(r.description.title, 'Hamlet, Prince of Denmark');
    const field = (label: string) => r.description.fields.find((f) => f.label === label)?.values;
    assert.deepEqual(field('Author'), ['Shakespeare, William']);
    assert.deepEqual(field('Published'), ['Folger 1603']);
    assert.deepEqual(r.description.subjects, ['Princes -- Drama', 'Denmark -- Drama']);
    assert.deepEqual(
      r.availability.map((b) => [b.branchName, b.available, b.total, b.copies.map((c) => c.statusLabel)]),
      [
        ['Eastside Branch', 0, 1, ['Checked out']],
        ['Main Library', 1, 1, ['Available']],
      ],
    );
    await assert.rejects(getRecord(env().ctx, 'no-such-id'), NotFoundError);
  });
});
