// The check-out's combined read (lockPatronAndItem) returns exactly what the two separate reads
// return, on both databases: on PostgreSQL the rows travel as JSON, which must not change a type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord } from '../../../test/support/circulation-fixtures.ts';
import * as repo from './circulation.repository.ts';

describeEachDialect('circulation repository', (env) => {
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
      assert.deepEqual(byCard, { patron: patronRow, item: itemRow });
      assert.deepEqual(byId, { patron: patronRow, item: itemRow });
      assert.equal(typeof byCard.patron?.open_loans, 'number');
      assert.equal(byCard.item?.title, 'Ünïcode “title”');
      assert.deepEqual(await repo.lockPatronAndItem(trx, ops, { cardNumber: 'no-such-card' }, item.barcode), {
        patron: undefined,
        item: ops.name === 'postgres' ? itemRow : undefined,
      });
      assert.deepEqual(
        (await repo.lockPatronAndItem(trx, ops, { patronId: patron.id }, 'no-such-barcode')).item,
        undefined,
      );
    });
  });
});
