// Demo patrons: four accounts that sign in with the printed PIN straight away.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { loginPatron } from '../features/patrons/patron-session.service.ts';
import { findPatronById } from '../features/patrons/patrons.repository.ts';
import { seedDemoPatrons } from './patrons.ts';

describeEachDialect('demo patrons', (env) => {
  test('one per branch, one with e-mail, one child; each PIN works without a forced change', async () => {
    const { ctx } = env();
    const seeded = await seedDemoPatrons(ctx);
    assert.equal(seeded.length, 4);
    const rows = await Promise.all(seeded.map((s) => findPatronById(ctx.db, s.id)));
    const branches = new Set(rows.map((r) => r!.home_branch));
    for (const b of ctx.config.library.branches) assert.ok(branches.has(b.code), b.code);
    assert.ok(rows.some((r) => r!.email));
    assert.ok(rows.some((r) => r!.age_band === 'child'));
    for (const [i, s] of seeded.entries()) {
      const { actor } = await loginPatron(
        ctx,
        { cardNumber: s.cardNumber, pin: s.pin, publicTerminal: false },
        `198.18.9.${i + 1}`,
      );
      assert.equal(actor.mustChangePin, false);
    }
    assert.equal(
      (await ctx.db.selectFrom('patron_access_log').select('id').execute()).length,
      0,
      'seeding is not a staff view',
    );
  });
});
