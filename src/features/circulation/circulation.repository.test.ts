// The check-out's combined read (lockPatronAndItem) returns exactly what the two separate reads
// return, on both databases: on PostgreSQL the rows travel as JSON, which must not change a type.
// On PostgreSQL it also counts the patron's loans of the copy's type, and withholds that count when
// another desk changed the patron between the statement's snapshot and the lock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { describeEachDialect } from '../../../test/support/env.ts';
import { checkOut } from './circulation.service.ts';
import { addItem, addPatron, addRecord, deskActor } from '../../../test/support/circulation-fixtures.ts';
import * as repo from './circulation.repository.ts';

const desk = deskActor;

describeEachDialect('circulation repository', (env, dialect) => {
  test('lockPatronAndItem reads the same rows as lockPatron and findItemByBarcodeForUpdate', async () => {
    const { ctx } = env();
    const ops = ctx.database.ops;
    const record = await addRecord(ctx, { title: 'Ünïcode “title”' });
    const item = await addItem(ctx, record.id);
    const patron = await addPatron(ctx, { keepHistory: true, ageBand: 'adult' });
    await ctx.db.transaction().execute(async (trx) => {
      const byCard = await repo.lockPatronAndItem(trx, ops, { cardNumber: patron.cardNumber }, item.barcode);
      const byId = await repo.lockPatronAndItem(trx, ops, { patronId: patron.id }, item.barcode);
      const patronRow = await repo.lockPatron(trx, ops, patron.id);
      const itemRow = await repo.findItemByBarcodeForUpdate(trx, ops, item.barcode);
      assert.ok(patronRow && itemRow);
      const loansOfType = dialect === 'postgres' ? 0 : undefined;
      assert.deepEqual(byCard, { patron: patronRow, item: itemRow, loansOfType });
      assert.deepEqual(byId, { patron: patronRow, item: itemRow, loansOfType });
      assert.equal(typeof byCard.patron?.open_loans, 'number');
      assert.equal(byCard.item?.title, 'Ünïcode “title”');
      assert.deepEqual(await repo.lockPatronAndItem(trx, ops, { cardNumber: 'no-such-card' }, item.barcode), {
        patron: undefined,
        item: ops.name === 'postgres' ? itemRow : undefined,
        loansOfType: undefined,
      });
      assert.deepEqual(
        (await repo.lockPatronAndItem(trx, ops, { patronId: patron.id }, 'no-such-barcode')).item,
        undefined,
      );
    });
  });

  test('the per-type count equals countLoansOfPatronByType, and is withheld when the patron changed meanwhile', async () => {
    const { ctx } = env();
    const ops = ctx.database.ops;
    const record = await addRecord(ctx);
    const patron = await addPatron(ctx, {});
    const dvds: Array<{ id: string; barcode: string }> = [];
    for (let i = 0; i < 3; i++) dvds.push(await addItem(ctx, record.id, { materialType: 'dvd' }));
    const book = await addItem(ctx, record.id);
    const lend = (barcode: string) =>
      checkOut(ctx, desk, { cardNumber: patron.cardNumber, barcode, branch: 'MAIN' });
    await lend(dvds[0]!.barcode);
    await lend(book.barcode);
    const read = (barcode: string) =>
      ctx.db
        .transaction()
        .execute((trx) => repo.lockPatronAndItem(trx, ops, { patronId: patron.id }, barcode));
    const counted = (type: string) => repo.countLoansOfPatronByType(ctx.db, patron.id, type);
    assert.equal(await counted('dvd'), 1);
    assert.equal((await read(dvds[1]!.barcode)).loansOfType, dialect === 'postgres' ? 1 : undefined);
    assert.equal((await read(book.barcode)).loansOfType, dialect === 'postgres' ? 1 : undefined);
    if (dialect !== 'postgres') return;

    // Another desk lends this patron a DVD and holds its transaction open; the read waits for the
    // patron's lock, so its snapshot predates that loan. It must not report the stale count of 1.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const otherDesk = ctx.db.transaction().execute(async (trx) => {
      await repo.lockPatron(trx, ops, patron.id);
      locked();
      await held;
      await trx
        .updateTable('patrons')
        .set({ open_loans: (eb) => eb('open_loans', '+', 1) })
        .where('id', '=', patron.id)
        .execute();
      await trx
        .insertInto('loans')
        .values({
          id: `loan-${dvds[2]!.id}`,
          item_id: dvds[2]!.id,
          patron_id: patron.id,
          branch_code: 'MAIN',
          checked_out_at: '2026-11-29T00:00:00.000Z',
          due_at: '2026-12-06T00:00:00.000Z',
          renewals: 0,
          due_soon_notice_at: null,
          overdue_notice_at: null,
        })
        .execute();
    });
    await lockTaken;
    const waiting = read(dvds[1]!.barcode);
    // Go on only once the read really waits for the patron's lock (not merely after some delay).
    for (let tries = 0; ; tries++) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(ctx.db);
      if (rows[0]!.n > 0) break;
      assert.ok(tries < 500, 'the read never waited for the lock');
      await new Promise((r) => setTimeout(r, 10));
    }
    release();
    await otherDesk;
    const after = await waiting;
    assert.equal(after.patron?.open_loans, 3, 'the locked row is the newest');
    assert.equal(after.loansOfType, undefined, 'the snapshot count (1) is withheld');
    assert.equal(await counted('dvd'), 2);
    // Once nothing is in flight, the count comes with the read again.
    assert.equal((await read(dvds[1]!.barcode)).loansOfType, 2);
  });
});
