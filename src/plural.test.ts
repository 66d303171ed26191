import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../test/support/env.ts';
import { signedInStaff, useTestApp } from '../test/support/http.ts';
import { reserveAttempt, throttleKey } from './auth/throttle.ts';
import { insertCopy, insertRecord } from './features/catalog/search/test-fixtures.ts';
import { plural, pluralForm } from './plural.ts';

// Unit tests of the helper, then the messages the issue names, where they are written.
test('plural picks the word for the count through Intl.PluralRules', () => {
  assert.equal(plural(1, 'copy', 'copies'), '1 copy');
  assert.equal(plural(0, 'copy', 'copies'), '0 copies');
  assert.equal(plural(2, 'copy', 'copies'), '2 copies');
  assert.equal(plural(1, 'second'), '1 second');
  assert.equal(plural(59, 'second'), '59 seconds');
  assert.equal(plural(1200, 'record'), '1,200 records');
  assert.equal(plural(1.5, 'day'), '1.5 days');
  assert.equal(pluralForm(1, 'patron has', 'patrons have'), 'patron has');
  assert.equal(pluralForm(3, 'patron has', 'patrons have'), 'patrons have');
});

describeEachDialect('counted words in messages', (env) => {
  const app = useTestApp(env);

  test('a one-second sign-in block says "Please wait 1 second"', async () => {
    const { ctx, clock } = env();
    const key = throttleKey(ctx.config.secret, 'plural-test', 'someone', {
      kind: 'backoff',
      freeFailures: 0,
      maxDelayMs: 60_000,
    });
    await reserveAttempt(ctx.db, ctx.database.ops, [key], clock.now());
    await assert.rejects(
      reserveAttempt(ctx.db, ctx.database.ops, [key], clock.now()),
      (e: unknown) => e instanceof Error && /Please wait 1 second and try again\./.test(e.message),
    );
  });

  test('the staff catalog says "1 record" and "1 copy"', async () => {
    const e = env();
    const id = await insertRecord(e.ctx.db, { title: 'Singular Plural Handbook' });
    await insertCopy(e.ctx.db, id, 'MAIN', 'available');
    const { browser } = await signedInStaff(e, app(), ['admin']);
    const list = await browser.get(`/staff/catalog?q=ctl-${id}`);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /<caption>1 record for “ctl-/);
    assert.doesNotMatch(list.body, /record\(s\)/);
    const page = await browser.get(`/staff/catalog/records/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<caption>1 copy<\/caption>/);
  });
});
