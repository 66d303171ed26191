// Holds on both databases: placing, queue order (first come; local first where configured),
// trapping at check-in, transit, pickup, suspension, cancellation, shelf expiry — and the C4
// proofs: the hold row is gone after each ending, and the shelf list never shows a name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, HOUR } from '../../clock.ts';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord, deskActor } from '../../../test/support/circulation-fixtures.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import type { PatronActor } from '../patrons/patron-actor.ts';
import { checkIn, checkOut } from './circulation.service.ts';
import { parseInput } from '../../validation.ts';
import {
  cancelHold,
  expireShelfHolds,
  getHolds,
  getShelf,
  holdMaterialType,
  placeHold,
  resumeHold,
  suspendHold,
} from './holds.service.ts';
import { SUSPEND_SUMMARY, suspendHoldForm } from './circulation.schemas.ts';

const desk = deskActor;
const staff = { kind: 'staff', actor: desk } as const;
const me = (id: string) =>
  ({
    kind: 'patron',
    patron: {
      kind: 'patron',
      id,
      name: 'x',
      sessionId: 's',
      publicTerminal: false,
      mustChangePin: false,
    } as PatronActor,
  }) as const;

const purge = (env: TestEnv) =>
  runPurge(
    {
      db: env.ctx.db,
      ops: env.ctx.database.ops,
      clock: env.clock,
      inventory: env.ctx.inventory,
      logger: env.ctx.logger,
    },
    { dryRun: false, trigger: 'manual', batchSize: 1000 },
  );

async function onlyInPatrons(env: TestEnv, patronId: string): Promise<void> {
  await purge(env);
  const where = (await findValueEverywhere(env.ctx, patronId))
    .map((s) => s.where)
    .filter((w) => !w.startsWith('file '));
  assert.deepEqual(where, ['patrons.id']);
}

describeEachDialect('holds', (env) => {
  test('first come, first served: queue positions, trap at check-in, pickup code, pickup deletes the hold (C4)', async () => {
    const { ctx, clock } = env();
    const rec = await addRecord(ctx);
    const copy = await addItem(ctx, rec.id, { branch: 'MAIN' });
    const [borrower, first, second] = [
      await addPatron(ctx),
      await addPatron(ctx, { name: 'Ada Firstqueue' }),
      await addPatron(ctx),
    ];
    await checkOut(ctx, desk, { patronId: borrower.id, barcode: copy.barcode, branch: 'MAIN' });
    const h1 = await placeHold(ctx, me(first.id), {
      patronId: first.id,
      bibId: rec.id,
      pickupBranch: 'MAIN',
    });
    clock.advance(HOUR);
    await placeHold(ctx, staff, { patronId: second.id, bibId: rec.id, pickupBranch: 'MAIN' });
    assert.equal((await getHolds(ctx, me(first.id), first.id))[0]!.position, 1);
    assert.equal((await getHolds(ctx, me(second.id), second.id))[0]!.position, 2);
    await assert.rejects(getHolds(ctx, me(second.id), first.id), /your own holds/);
    await assert.rejects(
      placeHold(ctx, me(first.id), { patronId: first.id, bibId: rec.id, pickupBranch: 'MAIN' }),
      /already a hold/,
    );

    const back = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    assert.equal(back.route.to, 'hold_shelf');
    const code = back.route.to === 'hold_shelf' ? back.route.pickupCode : '';
    assert.match(code, /^[A-Z0-9]{5}$/);
    const mine = (await getHolds(ctx, me(first.id), first.id))[0]!;
    assert.equal(mine.status, 'ready');
    assert.equal(mine.pickupCode, code);
    assert.equal(mine.position, null);
    assert.equal((await getHolds(ctx, me(second.id), second.id))[0]!.position, 1);

    // The shelf shows code, title and expiry — no name, no card, no patron id.
    const shelf = await getShelf(ctx, staff, 'MAIN');
    assert.equal(shelf.ready.length, 1);
    assert.equal(shelf.ready[0]!.pickupCode, code);
    const shelfText = JSON.stringify(shelf);
    for (const secret of [first.name, first.cardNumber, first.id]) assert.ok(!shelfText.includes(secret));
    await assert.rejects(getShelf(ctx, me(first.id), 'MAIN'), /Only circulation staff/);

    // Someone else cannot take it; the patron picks it up.
    await assert.rejects(
      checkOut(ctx, desk, { patronId: second.id, barcode: copy.barcode, branch: 'MAIN' }),
      /another patron/,
    );
    const out = await checkOut(ctx, desk, { patronId: first.id, barcode: copy.barcode, branch: 'MAIN' });
    assert.equal(out.pickedUpHold, true);
    assert.equal(
      (await ctx.db.selectFrom('holds').selectAll().where('id', '=', h1.holdId).execute()).length,
      0,
    );
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' }); // goes to the second hold
    await checkOut(ctx, desk, { patronId: second.id, barcode: copy.barcode, branch: 'MAIN' });
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    await onlyInPatrons(env(), first.id);
    await onlyInPatrons(env(), second.id);
    const picked = await ctx.db
      .selectFrom('circulation_counts')
      .select('count')
      .where('action', '=', 'hold_picked_up')
      .execute();
    assert.equal(
      picked.reduce((s, r) => s + Number(r.count), 0),
      2,
    );
  });

  test('a copy returned elsewhere travels to the pickup branch and waits there', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const copy = await addItem(ctx, rec.id, { branch: 'MAIN' });
    const p = await addPatron(ctx, { home: 'EAST' });
    await placeHold(ctx, me(p.id), { patronId: p.id, bibId: rec.id, pickupBranch: 'EAST' });
    // Pull list at MAIN shows the copy to fetch, with no patron.
    const pull = await getShelf(ctx, staff, 'MAIN');
    assert.deepEqual(
      pull.toPull.map((x) => x.barcode),
      [copy.barcode],
    );
    const r1 = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    assert.deepEqual(r1.route, { to: 'transit', branch: 'EAST', forHold: true });
    assert.equal((await getHolds(ctx, me(p.id), p.id))[0]!.status, 'in_transit');
    const r2 = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'EAST' });
    assert.equal(r2.route.to, 'hold_shelf');
    await cancelHold(ctx, me(p.id), (await getHolds(ctx, me(p.id), p.id))[0]!.id);
    // Cancelled while on the shelf: listed to clear, and a check-in sends it home.
    assert.deepEqual(
      (await getShelf(ctx, staff, 'EAST')).toClear.map((x) => x.barcode),
      [copy.barcode],
    );
    const r3 = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'EAST' });
    assert.deepEqual(r3.route, { to: 'transit', branch: 'MAIN', forHold: false });
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    await onlyInPatrons(env(), p.id);
  });

  test('local-first branches serve their own pickups before older holds elsewhere', async () => {
    const { ctx, clock } = env();
    const rec = await addRecord(ctx);
    const copy = await addItem(ctx, rec.id, { branch: 'EAST' });
    const early = await addPatron(ctx);
    const local = await addPatron(ctx, { home: 'EAST' });
    await placeHold(ctx, me(early.id), { patronId: early.id, bibId: rec.id, pickupBranch: 'MAIN' });
    clock.advance(DAY);
    await placeHold(ctx, me(local.id), { patronId: local.id, bibId: rec.id, pickupBranch: 'EAST' });
    // EAST is configured local-first in config/library.json.
    const r = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'EAST' });
    assert.equal(r.route.to, 'hold_shelf');
    assert.equal((await getHolds(ctx, me(local.id), local.id))[0]!.status, 'ready');
    assert.equal((await getHolds(ctx, me(early.id), early.id))[0]!.status, 'waiting');
    for (const p of [early, local])
      for (const h of await getHolds(ctx, me(p.id), p.id)) await cancelHold(ctx, me(p.id), h.id);
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'EAST' });
  });

  test('suspended holds are skipped but keep their place; a pause with a date ends by itself', async () => {
    const { ctx, clock } = env();
    const rec = await addRecord(ctx);
    const copy = await addItem(ctx, rec.id);
    const a = await addPatron(ctx);
    const b = await addPatron(ctx);
    const ha = await placeHold(ctx, me(a.id), { patronId: a.id, bibId: rec.id, pickupBranch: 'MAIN' });
    clock.advance(HOUR);
    await placeHold(ctx, me(b.id), { patronId: b.id, bibId: rec.id, pickupBranch: 'MAIN' });
    // The day's form is checked at the edge, by the schema every caller parses with.
    const until = (raw: string) => parseInput(suspendHoldForm, { until: raw }, SUSPEND_SUMMARY).until;
    await assert.rejects(
      async () => suspendHold(ctx, me(a.id), ha.holdId, until('2026-13-45')),
      /YYYY-MM-DD/,
    );
    await assert.rejects(suspendHold(ctx, me(a.id), ha.holdId, '2020-01-01'), /future/);
    await assert.rejects(suspendHold(ctx, me(b.id), ha.holdId, ''), /your own holds/);
    const hb = (await getHolds(ctx, me(b.id), b.id))[0]!;
    await suspendHold(ctx, me(b.id), hb.id, '');
    assert.equal((await getHolds(ctx, me(b.id), b.id))[0]!.status, 'suspended');
    await resumeHold(ctx, me(b.id), hb.id);
    assert.equal((await getHolds(ctx, me(b.id), b.id))[0]!.status, 'waiting');
    await suspendHold(ctx, me(a.id), ha.holdId, '2026-03-10');
    const r = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    assert.equal(r.route.to, 'hold_shelf');
    assert.equal((await getHolds(ctx, me(b.id), b.id))[0]!.status, 'ready');
    assert.equal((await getHolds(ctx, me(a.id), a.id))[0]!.position, 1, 'a paused hold keeps its place');
    await checkOut(ctx, desk, { patronId: b.id, barcode: copy.barcode, branch: 'MAIN' });
    // After the pause date the hold is served again without anyone resuming it.
    clock.set('2026-03-10T12:00:00.000Z');
    const r2 = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    assert.equal(r2.route.to, 'hold_shelf');
    await cancelHold(ctx, me(a.id), ha.holdId);
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
  });

  test('shelf expiry deletes the hold after the configured days and counts it (C4)', async () => {
    const { ctx, clock } = env();
    const rec = await addRecord(ctx);
    const copy = await addItem(ctx, rec.id);
    const p = await addPatron(ctx);
    await placeHold(ctx, me(p.id), { patronId: p.id, bibId: rec.id, pickupBranch: 'MAIN' });
    const r = await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
    assert.equal(r.route.to, 'hold_shelf');
    clock.advance(6 * DAY);
    assert.equal(await expireShelfHolds(ctx), 0, 'still within the 7 shelf days');
    clock.advance(2 * DAY);
    assert.equal(await expireShelfHolds(ctx), 1);
    assert.equal(await expireShelfHolds(ctx), 0, 'idempotent');
    const expired = await ctx.db
      .selectFrom('circulation_counts')
      .select('count')
      .where('action', '=', 'hold_expired')
      .execute();
    assert.equal(
      expired.reduce((s, x) => s + Number(x.count), 0),
      1,
    );
    await onlyInPatrons(env(), p.id);
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
  });

  test('bad requests: no pickup branch, unknown title, blocked card, already borrowed, foreign copy', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const other = await addRecord(ctx);
    const copy = await addItem(ctx, rec.id);
    const otherCopy = await addItem(ctx, other.id);
    const p = await addPatron(ctx);
    await assert.rejects(
      placeHold(ctx, me(p.id), { patronId: p.id, bibId: rec.id, pickupBranch: '' }),
      /pick it up/,
    );
    await assert.rejects(
      placeHold(ctx, me(p.id), { patronId: p.id, bibId: 'nope', pickupBranch: 'MAIN' }),
      /not in the catalog/,
    );
    await assert.rejects(
      placeHold(ctx, me(p.id), { patronId: p.id, bibId: rec.id, itemId: otherCopy.id, pickupBranch: 'MAIN' }),
      /does not belong/,
    );
    const blocked = await addPatron(ctx, { blockReason: 'Address unknown' });
    await assert.rejects(
      placeHold(ctx, me(blocked.id), { patronId: blocked.id, bibId: rec.id, pickupBranch: 'MAIN' }),
      /blocked/,
    );
    await checkOut(ctx, desk, { patronId: p.id, barcode: copy.barcode, branch: 'MAIN' });
    await assert.rejects(
      placeHold(ctx, me(p.id), { patronId: p.id, bibId: rec.id, pickupBranch: 'MAIN' }),
      /checked out already/,
    );
    assert.equal((await ctx.db.selectFrom('holds').selectAll().execute()).length, 0);
    await checkIn(ctx, desk, { barcode: copy.barcode, branch: 'MAIN' });
  });

  test('every event of one DVD is counted under one material type, holds included (issue 12 item 18, C2)', async () => {
    const { ctx, clock } = env();
    const started = clock.now().toISOString();
    // A day of its own, so the counts of the other tests stay out of the way.
    clock.set('2026-05-04T15:00:00.000Z');
    try {
      const rec = await addRecord(ctx, { format: 'video' });
      const [one, two] = [
        await addItem(ctx, rec.id, { materialType: 'dvd' }),
        await addItem(ctx, rec.id, { materialType: 'dvd' }),
      ];
      const [a, b, c, d] = [
        await addPatron(ctx),
        await addPatron(ctx),
        await addPatron(ctx),
        await addPatron(ctx),
      ];
      await checkOut(ctx, desk, { patronId: a.id, barcode: one.barcode, branch: 'MAIN' });
      await checkOut(ctx, desk, { patronId: c.id, barcode: two.barcode, branch: 'MAIN' });
      await placeHold(ctx, me(b.id), { patronId: b.id, bibId: rec.id, pickupBranch: 'MAIN' });
      const cancelled = await placeHold(ctx, staff, {
        patronId: d.id,
        bibId: rec.id,
        itemId: two.id,
        pickupBranch: 'MAIN',
      });
      await cancelHold(ctx, staff, cancelled.holdId);
      await checkIn(ctx, desk, { barcode: one.barcode, branch: 'MAIN' });
      clock.advance(30 * DAY);
      await expireShelfHolds(ctx);
      await checkIn(ctx, desk, { barcode: two.barcode, branch: 'MAIN' });
      const rows = await ctx.db
        .selectFrom('circulation_counts')
        .select(['material_type', 'action'])
        .where('day', '>=', '2026-05-04')
        .execute();
      const actions = new Set(rows.map((r) => r.action));
      for (const action of [
        'checkout',
        'checkin',
        'hold_placed',
        'hold_cancelled',
        'hold_trapped',
        'hold_expired',
      ])
        assert.ok(actions.has(action as never), `${action} was counted`);
      assert.deepEqual([...new Set(rows.map((r) => r.material_type))], ['dvd']);
    } finally {
      clock.set(started);
    }
    // Copies that disagree fall back to the type the record's format gives new copies.
    assert.equal(
      holdMaterialType(undefined, [{ material_type: 'dvd', status: 'available' }], 'video'),
      'dvd',
    );
    assert.equal(
      holdMaterialType(
        undefined,
        [
          { material_type: 'dvd', status: 'available' },
          { material_type: 'dvd-mature', status: 'on_loan' },
        ],
        'video',
      ),
      'dvd',
    );
    assert.equal(holdMaterialType(undefined, [], 'music-recording'), 'music-cd');
    assert.equal(holdMaterialType({ material_type: 'dvd-mature' }, [], 'video'), 'dvd-mature');
  });
});
