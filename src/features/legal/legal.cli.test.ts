// `carrel cases verify` and `carrel cases rekey` through the real command (issue 15 item 6; L6), on
// both databases: a sound log passes with a one-line summary; an edited field, a removed event,
// two swapped events and a case row whose state was changed by hand each fail, named by case and
// sequence number; rekey, then verify, passes and only the new key reads the case file.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { carrel } from '../../../test/support/cli.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { readCaseFile } from './legal.service.ts';
import { caseWithEvents, staffActor, VISITOR } from './legal.test-support.ts';

const cliEnv = (e: TestEnv, extra: Record<string, string> = {}) => ({
  DATA_DIR: e.dataDir,
  CARREL_SECRET: 'test-secret-test-secret-test-secret-0123',
  LOG_LEVEL: 'warn',
  ...(e.dialect === 'postgres' ? { DATABASE_URL: e.config.database.location } : {}),
  ...extra,
});

describeEachDialect('carrel cases verify and rekey', (env) => {
  test('a sound log passes; each kind of tampering is named by case and event', async () => {
    const e = env();
    const desk = await staffActor(e, ['circulation']);
    const [sound, edited, removed, swapped, restated] = [
      await caseWithEvents(e, desk, 2),
      await caseWithEvents(e, desk, 2),
      await caseWithEvents(e, desk, 2),
      await caseWithEvents(e, desk, 2),
      await caseWithEvents(e, desk, 1),
    ];
    const ok = await carrel(['cases', 'verify'], cliEnv(e));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'Case log sound: 5 cases, 14 events, every chain intact.\n');

    const events = e.ctx.db.updateTable('legal_case_events');
    await events
      .set({ at: '2020-01-01T00:00:00.000Z' })
      .where('case_id', '=', edited)
      .where('seq', '=', 2)
      .execute();
    await e.ctx.db
      .deleteFrom('legal_case_events')
      .where('case_id', '=', removed)
      .where('seq', '=', 2)
      .execute();
    // Swap sequence numbers 2 and 3 through a free number, as a hand-edit would.
    const swap = (from: number, to: number) =>
      e.ctx.db
        .updateTable('legal_case_events')
        .set({ seq: to })
        .where('case_id', '=', swapped)
        .where('seq', '=', from)
        .execute();
    await swap(2, 99);
    await swap(3, 2);
    await swap(99, 3);
    await e.ctx.db.updateTable('legal_cases').set({ state: 'closed' }).where('id', '=', restated).execute();

    const bad = await carrel(['cases', 'verify'], cliEnv(e));
    assert.equal(bad.code, 1, bad.stdout);
    assert.equal(bad.stdout, '');
    const lines = bad.stderr.trim().split('\n');
    assert.ok(
      lines.includes(`carrel: case ${edited} event 2: its fields do not match its hash (edited)`),
      bad.stderr,
    );
    assert.ok(
      lines.includes(
        `carrel: case ${removed} event 3: expected sequence number 2 (an event is missing or moved)`,
      ),
      bad.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`carrel: case ${swapped} event 2:`)),
      bad.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`carrel: case ${swapped} event 3:`)),
      bad.stderr,
    );
    assert.ok(
      lines.includes(
        `carrel: case ${restated} event 2: the case says "closed" but its last event says "triage"`,
      ),
      bad.stderr,
    );
    assert.ok(!bad.stderr.includes(sound), 'the sound case is not named');
    assert.equal(lines.at(-1), 'carrel: case log verification failed.');

    // Removing the last event is caught by the case row's last hash.
    await e.ctx.db
      .deleteFrom('legal_cases')
      .where('id', 'in', [edited, removed, swapped, restated])
      .execute();
    await e.ctx.db
      .deleteFrom('legal_case_events')
      .where('case_id', '=', sound)
      .where('seq', '=', 3)
      .execute();
    const tail = await carrel(['cases', 'verify'], cliEnv(e));
    assert.equal(tail.code, 1);
    assert.match(tail.stderr, new RegExp(`case ${sound} event 2: is not the last event the case recorded`));
    await e.ctx.db.deleteFrom('legal_cases').where('id', '=', sound).execute();
  });

  test('rekey then verify: sound, and only the new key reads the case file', async () => {
    const e = env();
    const desk = await staffActor(e, ['reference']);
    const id = await caseWithEvents(e, desk, 2);
    const newKey = path.join(e.dataDir, 'legal-2024.key');
    const r = await carrel(['cases', 'rekey', '--new-key-file', newKey], cliEnv(e));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Re-encrypted 1 case, 3 events and 1 attachment from key [0-9a-f]{8} to key [0-9a-f]{8}\.$/m,
    );
    assert.match(r.stdout, new RegExp(`Now set LEGAL_KEY_FILE=${newKey} and restart Carrel`));
    const old = await carrel(['cases', 'verify'], cliEnv(e));
    assert.equal(old.code, 0, 'the chain needs no key');
    const verified = await carrel(['cases', 'verify'], cliEnv(e, { LEGAL_KEY_FILE: newKey }));
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /^Case log sound: 1 case, 3 events, every chain intact\.\n$/);
    const officer = await staffActor(e, ['counsel']);
    await assert.rejects(readCaseFile(e.ctx, officer, id), /encrypted with key/);
    const moved = {
      ...e.ctx,
      config: { ...e.ctx.config, legal: { ...e.ctx.config.legal, keyFile: newKey } },
    };
    assert.equal((await readCaseFile(moved, officer, id)).details.visitorName, VISITOR);
    const again = await carrel(
      ['cases', 'rekey', '--new-key-file', newKey],
      cliEnv(e, { LEGAL_KEY_FILE: newKey }),
    );
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr.trim(),
      `carrel: ${newKey} holds the current key ${/to key ([0-9a-f]{8})/.exec(r.stdout)![1]}; give a new key file.`,
    );
    const usage = await carrel(['cases', 'rekey'], cliEnv(e));
    assert.equal(usage.code, 2);
  });
});

test('`carrel cases verify` on a database without cases', async () => {
  const { createTestEnv } = await import('../../../test/support/env.ts');
  const e = await createTestEnv('sqlite');
  try {
    const r = await carrel(['cases', 'verify'], cliEnv(e));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Case log sound: 0 cases, 0 events, every chain intact.\n');
  } finally {
    await e.cleanup();
  }
});
