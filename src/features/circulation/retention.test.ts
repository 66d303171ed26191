// Age-based retention rules touching circulation, with the clock moved past each period (G2):
// lapsed accounts with real loans (kept while anything is out; holds and history go with them) and
// loan-rule overrides. Patron sessions and the access log: patrons.retention.test.ts. Event rules
// (loans, holds, reading history): the circulation and holds tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, iso } from '../../clock.ts';
import { newId } from '../../ids.ts';
import { runPurge } from '../../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord } from '../../../test/support/circulation-fixtures.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { checkIn, checkOut } from './circulation.service.ts';
import { setReadingHistory } from './reading-history.service.ts';
import { placeHold } from './holds.service.ts';

const admin: StaffActor = {
  kind: 'staff',
  id: 'staff-admin',
  username: 'boss',
  displayName: 'Boss',
  roles: ['admin'],
  mustChangePassword: false,
};

const purge = async (env: TestEnv) =>
  (
    await runPurge(
      {
        db: env.ctx.db,
        ops: env.ctx.database.ops,
        clock: env.clock,
        inventory: env.ctx.inventory,
        logger: env.ctx.logger,
      },
      { dryRun: false, trigger: 'manual', batchSize: 1000 },
    )
  ).counts;

describeEachDialect('retention rules of circulation and patrons', (env) => {
  test('patrons.lapsed: deleted after the period past card expiry, never while something is out', async () => {
    const e = env();
    const { ctx, clock } = e;
    const expires = iso(new Date(clock.now().getTime() + 10 * DAY));
    const quiet = await addPatron(ctx, { cardExpiresAt: expires });
    const borrower = await addPatron(ctx, { cardExpiresAt: expires });
    const rec = await addRecord(ctx);
    const out = await addItem(ctx, rec.id);
    const other = await addRecord(ctx);
    await addItem(ctx, other.id);
    await checkOut(ctx, admin, { patronId: borrower.id, barcode: out.barcode, branch: 'MAIN' });
    // The quiet patron keeps a reading history and a hold: both go with the account.
    await setReadingHistory(
      ctx,
      { kind: 'patron', id: quiet.id, name: '', sessionId: '', publicTerminal: false, mustChangePin: false },
      true,
    );
    await placeHold(
      ctx,
      { kind: 'staff', actor: admin },
      { patronId: quiet.id, bibId: other.id, pickupBranch: 'MAIN' },
    );

    clock.advance(10 * DAY + (ctx.config.patrons.lapsedAfterDays - 1) * DAY);
    assert.equal((await purge(e))['patrons.lapsed']?.purged, 0, 'not yet');
    clock.advance(2 * DAY);
    const counts = await purge(e);
    assert.equal(counts['patrons.lapsed']?.purged, 1, 'only the account with nothing out');
    assert.deepEqual(await findValueEverywhere(ctx, quiet.id), []);
    assert.deepEqual(await findValueEverywhere(ctx, quiet.cardNumber), []);
    assert.ok((await findValueEverywhere(ctx, borrower.id)).some((s) => s.where === 'patrons.id'));
    // Once the item is back, the lapsed borrower goes at the next run.
    await checkIn(ctx, admin, { barcode: out.barcode, branch: 'MAIN' });
    assert.equal((await purge(e))['patrons.lapsed']?.purged, 1);
    assert.deepEqual(await findValueEverywhere(ctx, borrower.cardNumber), []);
  });

  test('circulation_overrides.expired: an override record goes after a year', async () => {
    const e = env();
    const { ctx, clock } = e;
    await ctx.db
      .insertInto('circulation_overrides')
      .values({
        id: newId(),
        staff_id: 'staff-x',
        branch_code: 'MAIN',
        rule: 'loan_limit',
        reason: 'canary-override-reason',
        created_at: iso(clock.now()),
      })
      .execute();
    clock.advance(364 * DAY);
    assert.equal((await purge(e))['circulation_overrides.expired']?.purged, 0);
    clock.advance(2 * DAY);
    assert.equal((await purge(e))['circulation_overrides.expired']?.purged, 1);
    assert.deepEqual(await findValueEverywhere(ctx, 'canary-override-reason'), []);
  });
});
