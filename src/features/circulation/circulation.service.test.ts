// Circulation on both databases: check-out, check-in, renewals, limits, overrides, lost items,
// reading history, and the privacy proofs of C1–C3 (the link is gone, counts remain).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, endOfLocalDay, iso } from '../../clock.ts';
import { formatDate } from '../../http/form-parts.tsx';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord, deskActor } from '../../../test/support/circulation-fixtures.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import type { PatronActor } from '../patrons/patron-actor.ts';
import { checkIn, checkOut, getLoans, LoanRuleError, markLost, renewLoan } from './circulation.service.ts';
import { checkOutSchema, parseCirculation } from './circulation.schemas.ts';
import { openPatronAtDesk } from './desk.service.ts';
import {
  deleteReadingHistoryEntry,
  getReadingHistory,
  setReadingHistory,
} from './reading-history.service.ts';

const desk = deskActor;
const admin: StaffActor = { ...desk, id: 'staff-admin', username: 'boss', roles: ['admin'] };
const webmaster: StaffActor = { ...desk, id: 'staff-web', username: 'web', roles: ['webmaster'] };
const asPatron = (id: string): PatronActor => ({
  kind: 'patron',
  id,
  name: 'x',
  sessionId: 's',
  publicTerminal: false,
  mustChangePin: false,
});

async function counts(env: TestEnv, action: string): Promise<number> {
  const rows = await env.ctx.db
    .selectFrom('circulation_counts')
    .select('count')
    .where('action', '=', action as never)
    .execute();
  return rows.reduce((s, r) => s + Number(r.count), 0);
}

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

describeEachDialect('circulation', (env, dialect) => {
  test('check-out and check-in: the loan exists only while the item is out; counts remain (C1, C2)', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id);
    const p = await addPatron(ctx);
    const out = await checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    assert.equal(out.title, rec.title);
    // Default rule: 21 days, due at the end of the library's day.
    assert.equal(out.dueAt, '2026-03-24T04:59:59.000Z');
    const loans = await getLoans(ctx, { kind: 'staff', actor: desk }, p.id);
    assert.equal(loans.length, 1);
    assert.equal(
      (
        await ctx.db
          .selectFrom('patrons')
          .select('open_loans')
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow()
      ).open_loans,
      1,
    );
    assert.equal(
      (await ctx.db.selectFrom('items').select('status').where('id', '=', item.id).executeTakeFirstOrThrow())
        .status,
      'on_loan',
    );

    const back = await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
    assert.deepEqual(back.route, { to: 'shelf' });
    assert.equal(back.wasOnLoan, true);
    assert.equal((await ctx.db.selectFrom('loans').selectAll().execute()).length, 0);
    assert.equal(
      (
        await ctx.db
          .selectFrom('patrons')
          .select('open_loans')
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow()
      ).open_loans,
      0,
    );
    assert.equal(await counts(env(), 'checkout'), 1);
    assert.equal(await counts(env(), 'checkin'), 1);
    const countRow = await ctx.db
      .selectFrom('circulation_counts')
      .selectAll()
      .where('action', '=', 'checkin')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { day: countRow.day, branch: countRow.branch_code, type: countRow.material_type },
      { day: '2026-03-02', branch: 'MAIN', type: 'book' },
    );
  });

  test('privacy proof: after check-in the pair (patron, item) and the card are in no loan-related place, nor in the files (C1)', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id);
    const p = await addPatron(ctx);
    await checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    // Present while out: the pair is stored side by side in the loan row.
    const during = await findValueEverywhere(ctx, p.id);
    assert.ok(during.some((s) => s.where === 'loans.patron_id'));
    if (dialect === 'sqlite')
      assert.ok(
        (await findValueEverywhere(ctx, item.id + p.id)).length > 0,
        'the raw search sees the loan row',
      );
    await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
    // The scheduled purge compacts event-emptied tables (WAL truncated on SQLite, VACUUM on PostgreSQL).
    await purge(env());
    assert.deepEqual(await findValueEverywhere(ctx, item.id + p.id), [], 'no (item, patron) pair anywhere');
    const patronSightings = (await findValueEverywhere(ctx, p.id)).map((s) => s.where);
    assert.deepEqual(
      patronSightings.filter((w) => !w.startsWith('file ')),
      ['patrons.id'],
      'the patron id survives only in the account itself',
    );
    const cardSightings = (await findValueEverywhere(ctx, p.cardNumber)).map((s) => s.where);
    assert.deepEqual(
      cardSightings.filter((w) => !w.startsWith('file ')),
      ['patrons.card_number'],
    );
    const itemSightings = (await findValueEverywhere(ctx, item.id)).map((s) => s.where);
    assert.deepEqual(
      itemSightings.filter((w) => !w.startsWith('file ')),
      ['items.id'],
    );
  });

  test('reading history is off by default, kept when opted in, deletable, and deleted on opt-out (C3)', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id);
    const off = await addPatron(ctx);
    await checkOut(ctx, desk, { patronId: off.id, barcode: item.barcode, branch: 'MAIN' });
    await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
    assert.equal((await getReadingHistory(ctx, asPatron(off.id), 1)).total, 0);

    const on = await addPatron(ctx);
    await setReadingHistory(ctx, asPatron(on.id), true);
    const rec2 = await addRecord(ctx);
    const item2 = await addItem(ctx, rec2.id);
    for (const it of [item, item2]) {
      await checkOut(ctx, desk, { patronId: on.id, barcode: it.barcode, branch: 'MAIN' });
      await checkIn(ctx, desk, { barcode: it.barcode, branch: 'MAIN' });
    }
    const h = await getReadingHistory(ctx, asPatron(on.id), 1);
    assert.equal(h.keep, true);
    assert.deepEqual(h.entries.map((e) => e.title).sort(), [rec.title, rec2.title].sort());
    assert.equal(h.entries[0]!.returnedOn, '2026-03-02');
    // Another patron cannot delete it; the owner can.
    await assert.rejects(
      deleteReadingHistoryEntry(ctx, asPatron(off.id), h.entries[0]!.id),
      /not in your reading history/,
    );
    await deleteReadingHistoryEntry(ctx, asPatron(on.id), h.entries[0]!.id);
    assert.equal((await getReadingHistory(ctx, asPatron(on.id), 1)).total, 1);
    const r = await setReadingHistory(ctx, asPatron(on.id), false);
    assert.equal(r.deleted, 1);
    await purge(env());
    const left = (await findValueEverywhere(ctx, on.id))
      .map((s) => s.where)
      .filter((w) => !w.startsWith('file '));
    assert.deepEqual(left, ['patrons.id'], 'opted-out history is gone');
    assert.deepEqual(await findValueEverywhere(ctx, rec2.id + on.id), []);
  });

  test('renewal: limit per rule, refused while someone waits, never past the rule', async () => {
    const { ctx, clock } = env();
    const rec = await addRecord(ctx, { format: 'video' });
    const dvd = await addItem(ctx, rec.id, { materialType: 'dvd' });
    const p = await addPatron(ctx);
    const out = await checkOut(ctx, desk, { patronId: p.id, barcode: dvd.barcode, branch: 'MAIN' });
    clock.advance(5 * DAY);
    // A patron cannot renew someone else's loan.
    const other = await addPatron(ctx);
    await assert.rejects(
      renewLoan(ctx, { kind: 'patron', patron: asPatron(other.id) }, out.loanId),
      /does not exist/,
    );
    const r1 = await renewLoan(ctx, { kind: 'patron', patron: asPatron(p.id) }, out.loanId);
    assert.equal(r1.renewalsLeft, 0);
    assert.ok(r1.dueAt > out.dueAt);
    await assert.rejects(
      renewLoan(ctx, { kind: 'staff', actor: desk }, out.loanId),
      (e: unknown) => e instanceof LoanRuleError && e.rule === 'renewal_limit',
    );
    assert.equal(await counts(env(), 'renew'), 1);
    await checkIn(ctx, desk, { barcode: dvd.barcode, branch: 'MAIN' });
  });

  test('a renewal that would not move the due date later is refused and uses up nothing (issue 12 item 13)', async (t) => {
    const { ctx, clock } = env();
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id);
    const p = await addPatron(ctx);
    const out = await checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    t.after(() => checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' }));
    const tz = ctx.config.library.timezone;
    const renewsBefore = await counts(env(), 'renew');
    // Right after the check-out a renewal would give the same due date.
    for (const who of [
      { kind: 'patron', patron: asPatron(p.id) },
      { kind: 'staff', actor: desk },
    ] as const)
      await assert.rejects(
        renewLoan(ctx, who, out.loanId),
        (e: unknown) =>
          e instanceof LoanRuleError &&
          e.rule === 'no_gain' &&
          e.message.includes(`already due on ${formatDate(out.dueAt, tz)},`) &&
          /Nothing was changed/.test(e.message),
      );
    const [loan] = await getLoans(ctx, { kind: 'staff', actor: desk }, p.id);
    assert.equal(loan!.dueAt, out.dueAt, 'the due date did not move');
    assert.equal(loan!.renewals, 0, 'no renewal was used up');
    assert.equal(await counts(env(), 'renew'), renewsBefore, 'nothing counted');
    // A day later the renewal gains a day, and is allowed.
    clock.advance(DAY);
    const r = await renewLoan(ctx, { kind: 'patron', patron: asPatron(p.id) }, out.loanId);
    assert.equal(r.dueAt, iso(endOfLocalDay(new Date(out.dueAt), tz, 1)), 'a day later');
    assert.equal(await counts(env(), 'renew'), renewsBefore + 1);
  });

  test('limits, age bands and blocks refuse with a clear message; an override role lends with a reason', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx, { format: 'video' });
    const mature = await addItem(ctx, rec.id, { materialType: 'dvd-mature' });
    const teen = await addPatron(ctx, { ageBand: 'teen' });
    await assert.rejects(
      checkOut(ctx, desk, { patronId: teen.id, barcode: mature.barcode, branch: 'MAIN' }),
      (e: unknown) =>
        e instanceof LoanRuleError && e.rule === 'age_band' && !e.overridable && /adult/.test(e.message),
    );
    await assert.rejects(
      checkOut(ctx, admin, { patronId: teen.id, barcode: mature.barcode, branch: 'MAIN' }),
      (e: unknown) => e instanceof LoanRuleError && e.overridable && /give a reason/.test(e.message),
    );
    const ok = await checkOut(ctx, admin, {
      patronId: teen.id,
      barcode: mature.barcode,
      branch: 'MAIN',
      overrideReason: 'Parent present and consenting',
    });
    assert.deepEqual(ok.overridden, ['age_band']);
    const o = await ctx.db.selectFrom('circulation_overrides').selectAll().execute();
    assert.equal(o.length, 1);
    assert.equal(o[0]!.rule, 'age_band');
    assert.ok(!JSON.stringify(o).includes(teen.id), 'an override record names no patron');

    const blocked = await addPatron(ctx, { blockReason: 'Card reported stolen' });
    const rec2 = await addRecord(ctx);
    const book = await addItem(ctx, rec2.id);
    await assert.rejects(
      checkOut(ctx, desk, { patronId: blocked.id, barcode: book.barcode, branch: 'MAIN' }),
      /blocked: Card reported stolen/,
    );
    const expired = await addPatron(ctx, { cardExpiresAt: '2026-01-01T00:00:00.000Z' });
    await assert.rejects(
      checkOut(ctx, desk, { patronId: expired.id, barcode: book.barcode, branch: 'MAIN' }),
      /expired/,
    );
    // Nothing half-written by the refusals.
    assert.equal(
      (await ctx.db.selectFrom('loans').selectAll().where('item_id', '=', book.id).execute()).length,
      0,
    );
    await checkIn(ctx, desk, { barcode: mature.barcode, branch: 'MAIN' });
  });

  test('bad input: unknown barcode, unknown branch, item already out, wrong role', async () => {
    const { ctx } = env();
    const p = await addPatron(ctx);
    await assert.rejects(
      checkOut(ctx, desk, { patronId: p.id, barcode: 'NOPE', branch: 'MAIN' }),
      /No item has the barcode NOPE/,
    );
    // Branch and barcode are checked at the edge, by the schema every caller parses with.
    const checkOutInput = checkOutSchema(ctx.config.library);
    await assert.rejects(
      async () =>
        checkOut(ctx, desk, {
          patronId: p.id,
          ...parseCirculation(checkOutInput, { barcode: 'x', branch: 'MARS' }),
        }),
      /Choose the branch/,
    );
    await assert.rejects(
      async () =>
        checkOut(ctx, desk, {
          patronId: p.id,
          ...parseCirculation(checkOutInput, { barcode: '', branch: 'MAIN' }),
        }),
      /Scan or type/,
    );
    await assert.rejects(checkIn(ctx, webmaster, { barcode: 'x', branch: 'MAIN' }), /Only circulation staff/);
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id);
    await checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    const q = await addPatron(ctx);
    await assert.rejects(
      checkOut(ctx, desk, { patronId: q.id, barcode: item.barcode, branch: 'MAIN' }),
      /checked out to someone else/,
    );
    await assert.rejects(
      checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' }),
      /Renew it instead/,
    );
    await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
  });

  test('an item returned at another branch travels home; lost ends the loan; damaged is set aside', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id, { branch: 'MAIN' });
    const p = await addPatron(ctx);
    await checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    const back = await checkIn(ctx, desk, { barcode: item.barcode, branch: 'EAST' });
    assert.deepEqual(back.route, { to: 'transit', branch: 'MAIN', forHold: false });
    const home = await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
    assert.deepEqual(home.route, { to: 'shelf' });
    assert.equal(home.wasOnLoan, false);

    await checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    const lost = await markLost(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
    assert.equal(lost.wasOnLoan, true);
    assert.equal((await ctx.db.selectFrom('loans').selectAll().execute()).length, 0);
    assert.equal(
      (
        await ctx.db
          .selectFrom('patrons')
          .select('open_loans')
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow()
      ).open_loans,
      0,
    );
    await assert.rejects(
      checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' }),
      /marked lost/,
    );
    const found = await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN', damaged: true });
    assert.deepEqual(found.route, { to: 'damaged' });
    const repaired = await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
    assert.deepEqual(repaired.route, { to: 'shelf' });
  });

  test('the desk writes an access-log entry for each patron it opens (A6)', async () => {
    const { ctx } = env();
    const p = await addPatron(ctx);
    const opened = await openPatronAtDesk(ctx, desk, { card: p.cardNumber, purpose: 'circulation' });
    assert.equal(opened.id, p.id);
    const log = await ctx.db
      .selectFrom('patron_access_log')
      .selectAll()
      .where('patron_id', '=', p.id)
      .execute();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.staff_id, desk.id);
    assert.equal(log[0]!.purpose, 'circulation');
    await assert.rejects(
      openPatronAtDesk(ctx, desk, { card: 'nobody', purpose: 'circulation' }),
      /No patron has that card/,
    );
    await assert.rejects(
      openPatronAtDesk(ctx, webmaster, { card: p.cardNumber, purpose: 'circulation' }),
      /Only circulation/,
    );
  });

  test('concurrent check-outs of one copy: exactly one wins', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx);
    const item = await addItem(ctx, rec.id);
    const patrons = await Promise.all([addPatron(ctx), addPatron(ctx), addPatron(ctx)]);
    const results = await Promise.allSettled(
      patrons.map((p) => checkOut(ctx, desk, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(
      (await ctx.db.selectFrom('loans').selectAll().where('item_id', '=', item.id).execute()).length,
      1,
    );
    const sum = await ctx.db
      .selectFrom('patrons')
      .select('open_loans')
      .where(
        'id',
        'in',
        patrons.map((p) => p.id),
      )
      .execute();
    assert.equal(
      sum.reduce((s, r) => s + r.open_loans, 0),
      1,
    );
    await checkIn(ctx, desk, { barcode: item.barcode, branch: 'MAIN' });
  });

  test('a per-type limit counts only that type, refuses past it, and yields to an override with a reason', async () => {
    const { ctx } = env();
    const rec = await addRecord(ctx, { format: 'video' });
    const p = await addPatron(ctx, { ageBand: 'adult' });
    const lend = (barcode: string, actor = desk, overrideReason?: string) =>
      checkOut(ctx, actor, {
        patronId: p.id,
        barcode,
        branch: 'MAIN',
        ...(overrideReason ? { overrideReason } : {}),
      });
    // The library file lends at most 5 'dvd-mature' at a time; books do not count towards it.
    await lend((await addItem(ctx, rec.id)).barcode);
    for (let i = 0; i < 5; i++)
      await lend((await addItem(ctx, rec.id, { materialType: 'dvd-mature' })).barcode);
    const sixth = await addItem(ctx, rec.id, { materialType: 'dvd-mature' });
    await assert.rejects(
      lend(sixth.barcode),
      (e: unknown) =>
        e instanceof LoanRuleError &&
        e.rule === 'type_limit' &&
        /limit for dvd-mature is 5 at a time; this patron has 5/.test(e.message),
    );
    const ok = await lend(sixth.barcode, admin, 'Film course, teacher asked');
    assert.deepEqual(ok.overridden, ['type_limit']);
    for (const l of await ctx.db
      .selectFrom('loans')
      .innerJoin('items', 'items.id', 'loans.item_id')
      .select('items.barcode')
      .where('loans.patron_id', '=', p.id)
      .execute())
      await checkIn(ctx, desk, { barcode: l.barcode, branch: 'MAIN' });
  });
});
