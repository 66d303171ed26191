// The MARC import against real databases (SQLite and PostgreSQL): good and bad records, re-imports,
// copies from 852/949, branches, and the encoding rules for records whose leader says MARC-8.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { describeEachDialect } from '../../../../test/support/env.ts';
import { book, iso2709, marcxml } from '../../../../test/support/marc.ts';
import { marcDataDir } from '../../../../test/support/marc-data.ts';
import { ForbiddenError, ValidationError } from '../../../errors.ts';
import { parseInput } from '../../../validation.ts';
import { importOptionsSchema } from '../catalog.schemas.ts';
import { importCatalog } from './import.service.ts';
import { bufferSource, encodingFor, fileSource } from './sources.ts';

const dataDir = marcDataDir;
const system = { kind: 'system' } as const;
/** Import options as an edge hands them over: checked by the schema. */
const opts = (raw: Record<string, unknown> = {}) => parseInput(importOptionsSchema, raw);

test('encodingFor: leader/09, and UTF-8 recognised behind a blank leader/09', () => {
  const utf8 = iso2709(book('e1', 'Dvořák'), { scheme: ' ' });
  assert.equal(encodingFor(utf8, 'auto'), 'utf-8');
  const ascii = iso2709(book('e2', 'Plain'), { scheme: ' ' });
  assert.equal(encodingFor(ascii, 'auto'), 'marc-8');
  // ANSEL: combining acute (0xE2) before the e — not valid UTF-8, so MARC-8.
  const ansel = iso2709(
    book('e3', 'x', [{ tag: '500', ind: '  ', sub: [['a', Buffer.from([0x43, 0x61, 0x66, 0xe2, 0x65])]] }]),
    { scheme: ' ' },
  );
  assert.equal(encodingFor(ansel, 'auto'), 'marc-8');
  // An escape sequence means MARC-8 even if the rest were valid UTF-8.
  const esc = iso2709(
    book('e4', 'x', [
      {
        tag: '500',
        ind: '  ',
        sub: [['a', Buffer.concat([Buffer.from([0x1b, 0x28, 0x4e]), Buffer.from('Ж')])]],
      },
    ]),
    { scheme: ' ' },
  );
  assert.equal(encodingFor(esc, 'auto'), 'marc-8');
  assert.equal(encodingFor(iso2709(book('e5', 'x')), 'auto'), 'leader');
  assert.equal(encodingFor(utf8, 'marc-8'), 'marc-8');
});

describeEachDialect('catalog import', (env) => {
  // Async, so that the schema's refusal is a rejection as the service's used to be.
  const run = async (data: Buffer | string, options: Record<string, unknown> = {}, batchSize?: number) =>
    importCatalog(
      env().ctx,
      system,
      [bufferSource('test.mrc', Buffer.from(data))],
      opts(options),
      batchSize ? { batchSize } : {},
    );
  const bib = (cn: string) =>
    env().ctx.db.selectFrom('bib_records').selectAll().where('control_number', '=', cn).executeTakeFirst();
  const items = (cn: string) =>
    env()
      .ctx.db.selectFrom('items')
      .innerJoin('bib_records', 'bib_records.id', 'items.bib_id')
      .select([
        'items.id',
        'barcode',
        'call_number',
        'branch_code',
        'location',
        'material_type',
        'status',
        'items.updated_at',
      ])
      .where('control_number', '=', cn)
      .orderBy('barcode')
      .execute();

  test('jazz_1k.mrc with --items: 1,000 records, 1,238 copies; unknown library code needs --branch', async () => {
    const without = await importCatalog(
      env().ctx,
      system,
      [fileSource(path.join(dataDir, 'jazz_1k.mrc'))],
      opts({
        items: true,
      }),
    );
    assert.equal(without.read, 1000);
    assert.equal(without.imported, 1000);
    assert.equal(without.items.created, 0);
    assert.equal(without.items.skipped, 1238);
    assert.match(
      without.problems[0]!.reason,
      /copy 30007007467409: branch "HUNTINGTON" is not one of this library's branches \(MAIN, EAST\)/,
    );
    assert.equal(without.problems[0]!.position, 'byte 0');

    const s = await importCatalog(
      env().ctx,
      system,
      [fileSource(path.join(dataDir, 'jazz_1k.mrc'))],
      opts({
        items: true,
        branch: 'EAST',
      }),
    );
    assert.deepEqual([s.read, s.imported, s.updated], [1000, 0, 1000]);
    assert.deepEqual(s.items, { created: 1238, updated: 0, skipped: 0 });
    const copies = await items('03-0018137');
    assert.deepEqual(
      copies.map((c) => [c.barcode, c.call_number, c.branch_code, c.location, c.material_type, c.status]),
      [['30007007467409', '5490', 'EAST', 'HUNT-AUDIO', 'music-cd', 'available']],
    );
    const lulCount = await env()
      .ctx.db.selectFrom('bib_records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    assert.equal(Number(lulCount?.n), 1000);
  });

  test('authority records are counted as skipped; MARCXML is recognised by its content', async () => {
    const s = await importCatalog(
      env().ctx,
      system,
      [
        fileSource(path.join(dataDir, 'auth-subset100.mrc')),
        fileSource(path.join(dataDir, 'serials_marc21.xml')),
      ],
      opts(),
    );
    assert.equal(s.read, 24);
    assert.deepEqual(s.skipped, { 'authority record': 17, 'no control number': 1 });
    assert.equal(s.imported, 6);
    const p = s.problems.find((x) => x.reason === 'no control number');
    assert.match(p!.source, /serials_marc21\.xml$/);
    assert.equal(p!.record, 3);
    assert.match(p!.position, /^line \d+, column \d+$/);
  });

  test('FSL.marc (UTF-8, blank leader/09) and map_data.mrc (852 copies) import as UTF-8', async () => {
    const s = await importCatalog(
      env().ctx,
      system,
      [fileSource(path.join(dataDir, 'FSL.marc')), fileSource(path.join(dataDir, 'map_data.mrc'))],
      opts({ items: true, branch: 'MAIN' }),
    );
    assert.equal(s.imported, 55);
    assert.deepEqual(s.skipped, {});
    assert.equal(s.items.created, 3);
    const map = await items('13683783');
    assert.deepEqual(
      map.map((c) => [c.barcode, c.call_number, c.branch_code, c.location, c.material_type]),
      [['11223344', 'G4362.C6C5 s250.C37', 'MAIN', 'Stacks', 'map']],
    );
  });

  test('bad records are reported with position and reason and skipped; the rest import', async () => {
    const good1 = iso2709(book('bad-1', 'Before the damage'));
    const wrongLength = Buffer.from(iso2709(book('bad-2', 'Wrong length')));
    wrongLength.write('00999', 0, 'latin1');
    const brokenLeader = Buffer.from(iso2709(book('bad-3', 'Broken leader')));
    brokenLeader.write('xx', 12, 'latin1');
    const invalidUtf8 = iso2709(
      book('bad-4', 'x', [{ tag: '500', ind: '  ', sub: [['a', Buffer.from([0xff, 0xfe, 0x41])]] }]),
    );
    const good2 = iso2709(book('bad-5', 'After the damage'));
    const truncated = iso2709(book('bad-6', 'Cut off')).subarray(0, 50);
    const data = Buffer.concat([good1, wrongLength, brokenLeader, invalidUtf8, good2, truncated]);
    const s = await run(data);
    assert.equal(s.read, 6);
    assert.equal(s.imported, 2);
    assert.deepEqual(s.skipped, { 'unreadable record': 4 });
    const at = (n: number) => s.problems.find((p) => p.record === n);
    assert.match(at(2)!.reason, /^wrong record length: leader says 999 bytes/);
    assert.equal(at(2)!.position, `byte ${good1.length}`);
    assert.match(at(3)!.reason, /^broken leader: base address/);
    assert.match(at(4)!.reason, /^undecodable bytes: field 500/);
    assert.match(at(6)!.reason, /missing record terminator/);
    assert.equal(at(6)!.position, `byte ${data.length - 50}`);
    assert.ok(await bib('bad-1'));
    assert.ok(await bib('bad-5'));
    for (const cn of ['bad-2', 'bad-3', 'bad-4', 'bad-6']) assert.equal(await bib(cn), undefined, cn);
  });

  test('reading in a worker thread (as the CLI does) gives the same result, problems in order', async () => {
    const bad = Buffer.from(iso2709(book('par-2', 'Broken')));
    bad.write('0000x', 0, 'latin1');
    const data = Buffer.concat([
      ...Array.from({ length: 1200 }, (_, i) => iso2709(book(`par-${i + 10}`, `Parallel ${i}`))),
      bad,
      iso2709(book('par-1', 'Dvořák'), { scheme: ' ' }),
    ]);
    const s = await importCatalog(env().ctx, system, [bufferSource('par.mrc', data)], opts(), {
      parallel: true,
      batchSize: 100,
    });
    assert.deepEqual([s.read, s.imported, s.updated], [1202, 1201, 0]);
    assert.deepEqual(s.skipped, { 'unreadable record': 1 });
    assert.equal(s.problems[0]!.record, 1201);
    assert.equal((await bib('par-1'))!.title, 'Dvořák');
    // A source that fails midway fails the import, in the worker too; whole batches stay written.
    await assert.rejects(
      importCatalog(
        env().ctx,
        system,
        [
          {
            name: 'crash.mrc',
            async *chunks() {
              yield iso2709(book('par-crash', 'Written before the failure'));
              throw new Error('disk unplugged');
            },
          },
        ],
        opts(),
        { parallel: true, batchSize: 1 },
      ),
      /disk unplugged/,
    );
  });

  test('blank leader/09 with UTF-8 bytes: auto reads UTF-8, --encoding utf-8 forces it, marc-8 refuses', async () => {
    const rec = iso2709(book('enc-1', 'Dvořák: Symphonie Nr. 9 – Brontë'), { scheme: ' ' });
    const s = await run(rec);
    assert.equal(s.imported, 1);
    assert.equal((await bib('enc-1'))!.title, 'Dvořák: Symphonie Nr. 9 – Brontë');
    const forced = await run(rec, { encoding: 'marc-8' });
    assert.equal(forced.skipped['unreadable record'], 1);
    const again = await run(rec, { encoding: 'utf-8' });
    assert.equal(again.updated, 1);
    await assert.rejects(run(rec, { encoding: 'latin-1' }), ValidationError);
  });

  test('re-import of the same control number updates the record: same id, new updated_at, no duplicate', async () => {
    await run(iso2709(book('re-1', 'First title')));
    const before = (await bib('re-1'))!;
    env().clock.advance(60_000);
    const s = await run(iso2709(book('re-1', 'Second title')));
    assert.deepEqual([s.imported, s.updated], [0, 1]);
    const after = (await bib('re-1'))!;
    assert.equal(after.id, before.id);
    assert.equal(after.title, 'Second title');
    assert.equal(after.created_at, before.created_at);
    assert.notEqual(after.updated_at, before.updated_at);
    // Twice in one file (one batch): one row, the later record wins.
    const twice = await run(Buffer.concat([iso2709(book('re-2', 'Early')), iso2709(book('re-2', 'Late'))]));
    assert.deepEqual([twice.imported, twice.updated], [1, 1]);
    assert.equal((await bib('re-2'))!.title, 'Late');
  });

  test('copies from 852 and 949: branch from the field when configured, else --branch; barcode updates', async () => {
    const holdings = [
      {
        tag: '852',
        ind: '4 ',
        sub: [
          ['a', 'CPL'],
          ['b', 'east'],
          ['c', 'Adult fiction'],
          ['h', 'PR4167'],
          ['i', '.J3 2006'],
          ['p', '30001000000001'],
        ],
      },
      {
        tag: '949',
        ind: '  ',
        sub: [
          ['a', 'FIC BRO'],
          ['i', '30001000000002'],
          ['m', 'MAIN'],
          ['l', 'Stacks'],
          ['t', 'DVD'],
        ],
      },
      {
        tag: '949',
        ind: '  ',
        sub: [
          ['a', 'FIC BRO'],
          ['i', '30001000000003'],
          ['m', 'ELSEWHERE'],
        ],
      },
      {
        tag: '852',
        ind: '  ',
        sub: [
          ['b', 'MAIN'],
          ['h', 'No barcode'],
        ],
      },
    ] as const;
    const rec = iso2709(
      book(
        'it-1',
        'Jane Eyre',
        holdings.map((h) => ({
          tag: h.tag,
          ind: h.ind,
          sub: h.sub.map(([c, v]) => [c, v] as [string, string]),
        })),
      ),
    );
    const s = await run(rec, { items: true });
    assert.deepEqual(s.items, { created: 2, updated: 0, skipped: 2 });
    assert.deepEqual(
      s.problems.map((p) => p.reason),
      [
        '852 without a barcode ($p): copy not added',
        `copy 30001000000003: branch "ELSEWHERE" is not one of this library's branches (MAIN, EAST); import with a default branch (--branch) to add it`,
      ],
    );
    assert.deepEqual(
      (await items('it-1')).map((c) => [
        c.barcode,
        c.branch_code,
        c.location,
        c.call_number,
        c.material_type,
      ]),
      [
        ['30001000000001', 'EAST', 'Adult fiction', 'PR4167 .J3 2006', 'book'],
        ['30001000000002', 'MAIN', 'Stacks', 'FIC BRO', 'dvd'],
      ],
    );
    // A copy on loan stays on loan when a re-import updates it.
    const copy = (await items('it-1'))[0]!;
    await env().ctx.db.updateTable('items').set({ status: 'on_loan' }).where('id', '=', copy.id).execute();
    const again = await run(rec, { items: true, branch: 'MAIN' });
    assert.deepEqual(again.items, { created: 1, updated: 2, skipped: 1 });
    const after = await items('it-1');
    assert.equal(after.length, 3);
    assert.equal(after[0]!.id, copy.id);
    assert.equal(after[0]!.status, 'on_loan');
    assert.equal(after[2]!.branch_code, 'MAIN');
    // Without --items, holdings fields are ignored.
    const plain = await run(rec);
    assert.deepEqual(plain.items, { created: 0, updated: 0, skipped: 0 });
  });

  test('a crash mid-import leaves whole batches: nothing half-written', async () => {
    const recs = Array.from({ length: 7 }, (_, i) => iso2709(book(`tx-${i}`, `Batch ${i}`)));
    // The source fails after 4 records (say, a disk unplugged): the first two batches of two are
    // committed whole, nothing of what follows is written.
    let calls = 0;
    await assert.rejects(
      importCatalog(
        env().ctx,
        system,
        [
          {
            name: 'crash.mrc',
            async *chunks() {
              yield Buffer.concat(recs.slice(0, 4));
              calls++;
              throw new Error('disk unplugged');
            },
          },
        ],
        opts(),
        { batchSize: 2 },
      ),
      /disk unplugged/,
    );
    assert.equal(calls, 1);
    for (let i = 0; i < 4; i++) assert.ok(await bib(`tx-${i}`), `tx-${i} written in a whole batch`);
    for (let i = 4; i < 7; i++) assert.equal(await bib(`tx-${i}`), undefined);
  });

  test('MARCXML upload with a malformed record in the middle', async () => {
    const xml = marcxml([
      { fields: book('x-1', 'Les Misérables') },
      { leader: 'short', fields: book('x-2', 'Bad leader') },
      { fields: book('x-3', 'Don Quijote de la Mancha') },
    ]);
    const s = await run(xml);
    assert.equal(s.imported, 2);
    assert.match(s.problems[0]!.reason, /leader is 5 characters/);
    assert.equal(s.problems[0]!.record, 2);
    assert.equal((await bib('x-1'))!.title, 'Les Misérables');
  });

  test('only administrators import; an unknown branch is refused before anything is read', async () => {
    const circ = {
      kind: 'staff',
      id: 'x',
      username: 'c',
      displayName: 'C',
      roles: ['circulation'],
      mustChangePassword: false,
    } as const;
    await assert.rejects(
      importCatalog(env().ctx, circ, [bufferSource('a', iso2709(book('p-1', 'T')))], opts()),
      ForbiddenError,
    );
    await assert.rejects(run(iso2709(book('p-2', 'T')), { branch: 'WEST' }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.fields.branch, 'There is no branch WEST; choose one of MAIN, EAST.');
      return true;
    });
    assert.equal(await bib('p-1'), undefined);
    assert.equal(await bib('p-2'), undefined);
  });
});
