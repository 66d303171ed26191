// `carrel pcs libki-ini` and `carrel pcs status` (issue 14 item 1) on both databases, in-process,
// and once through the real `carrel` command.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { carrel } from '../../../test/support/cli.ts';
import { ValidationError } from '../../errors.ts';
import { identifyStation } from './pcs-stations.service.ts';
import { startSession } from './pcs.service.ts';
import { makeCard } from './pcs.test-support.ts';
import { runLibkiIni, runPcsStatus } from './pcs.cli.ts';
import * as repo from './pcs.repository.ts';

function capture() {
  const text = { stdout: '', stderr: '' };
  const sink = (k: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _enc, cb) {
        text[k] += String(chunk);
        cb();
      },
    });
  return { text, out: { stdout: sink('stdout'), stderr: sink('stderr') } };
}

const keyOf = (ini: string) => /^customHeaderValue="([^"]+)"$/m.exec(ini)?.[1];

describeEachDialect('carrel pcs', (env) => {
  test('libki-ini makes the station and the group "Internet", and prints a complete INI', async () => {
    const { ctx, clock } = env();
    clock.set('2026-03-02T16:00:00.000Z');
    const { text, out } = capture();
    await runLibkiIni(ctx, { station: 'PC-01', branch: 'MAIN' }, out);
    const ini = text.stdout;
    for (const line of [
      '[server]',
      'customHeaderName="X-Carrel-Station-Key"',
      '[node]',
      'name="PC-01"',
      'location="MAIN"',
      '[logging]',
      'level="warning"',
      'showTimeRemainingInSplash=0',
      '[labels]',
      'TOO_MANY_ATTEMPTS="Too many failed attempts. Please wait a few minutes, or ask staff."',
    ])
      assert.ok(ini.split('\n').includes(line), `missing ${line}`);
    const url = ctx.config.publicUrl;
    assert.match(ini, new RegExp(`^host="${url.hostname}"$`, 'm'));
    assert.match(ini, /^port=\d+$/m);
    assert.match(ini, /^scheme="https?"$/m);
    assert.doesNotMatch(ini, /\[printers\]/, 'no printing');
    const node = ini.slice(ini.indexOf('[node]'), ini.indexOf('[logging]'));
    assert.doesNotMatch(node, /^password=/m, 'no exit back door');
    assert.match(text.stderr, /created PC-01 at MAIN in group "Internet"/);
    const key = keyOf(ini);
    assert.ok(key);
    const id = await identifyStation(ctx, { branch: 'MAIN', name: 'PC-01', stationKey: key });
    assert.ok(id.ok, 'the printed key identifies the station');
    const groups = await repo.findGroups(ctx.db, 'MAIN');
    assert.deepEqual(
      groups.map((g) => g.name),
      ['Internet'],
    );
  });

  test('run again, it issues a new key (said on stderr) and the old one stops working', async () => {
    const { ctx } = env();
    const first = capture();
    await runLibkiIni(ctx, { station: 'PC-02', branch: 'MAIN' }, first.out);
    const again = capture();
    await runLibkiIni(ctx, { station: 'PC-02', branch: 'MAIN' }, again.out);
    assert.match(again.text.stderr, /already existed: it has a NEW station key; the old key no longer works/);
    const [oldKey, newKey] = [keyOf(first.text.stdout), keyOf(again.text.stdout)];
    assert.notEqual(oldKey, newKey);
    assert.equal(
      (await identifyStation(ctx, { branch: 'MAIN', name: 'PC-02', stationKey: oldKey! })).ok,
      false,
    );
    assert.equal(
      (await identifyStation(ctx, { branch: 'MAIN', name: 'PC-02', stationKey: newKey! })).ok,
      true,
    );
    assert.equal((await repo.findGroups(ctx.db, 'MAIN')).length, 1, 'the same group');
  });

  test('a computer of another branch keeps its branch unless --move is given', async () => {
    const { ctx } = env();
    const first = capture();
    await runLibkiIni(ctx, { station: 'PC-MOVE', branch: 'MAIN' }, first.out);
    const before = await repo.findStationByName(ctx.db, 'MAIN', 'PC-MOVE');
    assert.ok(before);
    const { out } = capture();
    await assert.rejects(
      runLibkiIni(ctx, { station: 'PC-MOVE', branch: 'EAST' }, out),
      (e: ValidationError) =>
        /^PC-MOVE is a computer of MAIN: give --move to move it to EAST\.$/.test(
          Object.values(e.fields)[0] ?? '',
        ),
    );
    assert.equal(await repo.findStationByName(ctx.db, 'EAST', 'PC-MOVE'), undefined, 'nothing made at EAST');
    assert.ok(
      (await identifyStation(ctx, { branch: 'MAIN', name: 'PC-MOVE', stationKey: keyOf(first.text.stdout)! }))
        .ok,
    );
    const moved = capture();
    await runLibkiIni(ctx, { station: 'PC-MOVE', branch: 'EAST', move: true }, moved.out);
    assert.match(
      moved.text.stderr,
      /moved PC-MOVE from MAIN to EAST, group "Internet": it has a NEW station key/,
    );
    const after = await repo.findStationByName(ctx.db, 'EAST', 'PC-MOVE');
    assert.equal(after?.id, before.id, 'the same computer, moved');
    assert.equal(await repo.findStationByName(ctx.db, 'MAIN', 'PC-MOVE'), undefined);
    const group = await repo.findGroup(ctx.db, after.group_id!);
    assert.equal(group?.branch, 'EAST');
    assert.ok(
      (await identifyStation(ctx, { branch: 'EAST', name: 'PC-MOVE', stationKey: keyOf(moved.text.stdout)! }))
        .ok,
    );
  });

  test('bad flags get one clear message', async () => {
    const { ctx } = env();
    const { out } = capture();
    await assert.rejects(runLibkiIni(ctx, { station: 'PC/1', branch: 'MAIN' }, out), (e: ValidationError) =>
      /--station: use 1–64 letters/.test(Object.values(e.fields)[0] ?? ''),
    );
    await assert.rejects(runLibkiIni(ctx, { station: 'PC-9', branch: 'NOPE' }, out), /no branch NOPE/);
  });

  test('status lists every station with its state, never who', async () => {
    const { ctx } = env();
    const card = await makeCard(ctx);
    const st = await repo.findStationByName(ctx.db, 'MAIN', 'PC-01');
    const s = await startSession(ctx, { stationId: st!.id, credentials: card.credentials });
    assert.ok(s.ok);
    const { text, out } = capture();
    await runPcsStatus(ctx, {}, out);
    assert.match(text.stdout, /^MAIN\s+PC-01\s+in use, 60 min left$/m);
    assert.match(text.stdout, /^MAIN\s+PC-02\s+free$/m, 'seen a moment ago (identified by its key)');
    assert.ok(!text.stdout.includes(card.cardNumber));
    const patron = await ctx.db
      .selectFrom('patrons')
      .select('name')
      .where('id', '=', card.patronId)
      .executeTakeFirst();
    assert.ok(!text.stdout.includes(patron!.name), 'no name');
    await assert.rejects(runPcsStatus(ctx, { branch: 'NOPE' }, out), /no branch NOPE/);
  });
});

test('the real `carrel pcs libki-ini` and `carrel pcs status` commands (SQLite)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-cli-'));
  const env = { DATA_DIR: dir, LOG_LEVEL: 'warn' };
  try {
    const made = await carrel(['pcs', 'libki-ini', '--station', 'PC-7', '--branch', 'MAIN'], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^\[server\]$/m);
    assert.match(made.stderr, /created PC-7/);
    const bad = await carrel(['pcs', 'libki-ini', '--station', 'PC-7', '--branch', 'NOPE'], env);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim(), 'carrel: There is no branch NOPE in the library file.');
    const elsewhere = await carrel(['pcs', 'libki-ini', '--station', 'PC-7', '--branch', 'EAST'], env);
    assert.equal(elsewhere.code, 2);
    assert.equal(
      elsewhere.stderr.trim(),
      'carrel: PC-7 is a computer of MAIN: give --move to move it to EAST.',
    );
    const status = await carrel(['pcs', 'status'], env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /PC-7\s+offline/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
