// The patron feature's retention rules, on both databases, with the clock moved past each period
// (G2): lapsed accounts with nothing out go with their holds, sessions and reading history; expired
// sessions go; access-log entries go after ACCESS_LOG_DAYS. And nothing else goes with them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { giveHoldAndHistory, makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { DAY, MINUTE } from '../../clock.ts';
import { runPurge } from '../../privacy/purge.ts';
import { logPatronAccess } from './access-log.repository.ts';
import { authenticatePatronSession, loginPatron } from './patron-session.service.ts';
import { findPatronById } from './patrons.repository.ts';

const purge = (env: TestEnv) =>
  runPurge(
    {
      db: env.ctx.db,
      ops: env.ctx.database.ops,
      clock: env.clock,
      inventory: env.ctx.inventory,
      logger: env.ctx.logger,
    },
    { dryRun: false, trigger: 'cli', batchSize: 1000 },
  );

const setExpiry = (env: TestEnv, id: string, at: Date, openLoans = 0) =>
  env.ctx.db
    .updateTable('patrons')
    .set({ card_expires_at: at.toISOString(), open_loans: openLoans })
    .where('id', '=', id)
    .execute();

describeEachDialect('patron retention rules', (env) => {
  test('patrons.lapsed: an account goes lapsedAfterDays after its card expired, only with nothing out', async () => {
    const { ctx, clock, config } = env();
    const lapsed = await makePatron(ctx, { name: 'Lapsed Longago', email: 'lapsed.longago@example.org' });
    const busy = await makePatron(ctx, { name: 'Lapsed Butborrowing' });
    const recent = await makePatron(ctx, { name: 'Recently Expired' });
    await giveHoldAndHistory(ctx, lapsed.id, 'A Lapsed Title');
    await loginPatron(
      ctx,
      { cardNumber: lapsed.cardNumber, pin: TEST_PIN, publicTerminal: false },
      '198.18.200.1',
    );
    const now = clock.now().getTime();
    const long = new Date(now - (config.patrons.lapsedAfterDays + 1) * DAY);
    await setExpiry(env(), lapsed.id, long);
    await setExpiry(env(), busy.id, long, 1);
    await setExpiry(env(), recent.id, new Date(now - (config.patrons.lapsedAfterDays - 1) * DAY));
    const summary = await purge(env());
    assert.ok((summary.counts['patrons.lapsed']?.purged ?? 0) >= 1);
    assert.equal(await findPatronById(ctx.db, lapsed.id), undefined);
    assert.ok(await findPatronById(ctx.db, busy.id), 'an account with something out stays');
    assert.ok(await findPatronById(ctx.db, recent.id), 'an account within its period stays');
    for (const table of ['holds', 'reading_history', 'patron_sessions'] as const)
      assert.deepEqual(
        await ctx.db.selectFrom(table).select('id').where('patron_id', '=', lapsed.id).execute(),
        [],
        table,
      );
    for (const v of [lapsed.cardNumber, 'Lapsed Longago', 'lapsed.longago@example.org'])
      assert.deepEqual(await findValueEverywhere(ctx, v), [], v);
  });

  test('patron_sessions.expired: a session is deleted once it expires, a live one stays', async () => {
    const { ctx, clock, config } = env();
    const p = await makePatron(ctx);
    const old = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: TEST_PIN, publicTerminal: true },
      '198.18.200.2',
    );
    clock.advance((config.patronSession.publicIdleMinutes + 1) * MINUTE);
    const live = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: TEST_PIN, publicTerminal: false },
      '198.18.200.3',
    );
    await purge(env());
    const left = await ctx.db
      .selectFrom('patron_sessions')
      .select('id')
      .where('patron_id', '=', p.id)
      .execute();
    assert.deepEqual(
      left.map((r) => r.id),
      [live.actor.sessionId],
    );
    assert.equal(await authenticatePatronSession(ctx, old.token), null);
    assert.ok(await authenticatePatronSession(ctx, live.token));
  });

  test('patron_access_log.expired: entries go accessLogDays after the view they record', async () => {
    const { ctx, clock, config } = env();
    const p = await makePatron(ctx);
    const now = clock.now().getTime();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    await logPatronAccess(ctx.db, {
      staffId: 'staff-x',
      patronId: p.id,
      purpose: 'holds',
      at: at(config.patrons.accessLogDays + 1),
    });
    await logPatronAccess(ctx.db, {
      staffId: 'staff-x',
      patronId: p.id,
      purpose: 'circulation',
      at: at(config.patrons.accessLogDays - 1),
    });
    await purge(env());
    const left = await ctx.db
      .selectFrom('patron_access_log')
      .select('purpose')
      .where('patron_id', '=', p.id)
      .execute();
    assert.deepEqual(
      left.map((r) => r.purpose),
      ['circulation'],
    );
  });
});
