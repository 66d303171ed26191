// Case files follow their own retention rule (issue 15 item 6; G1, G2, L6): a closed case, with its
// log and attachments, is purged LEGAL_CASE_YEARS after closing; a case not closed is kept however
// old; the privacy page shows the rule. Both databases, with the real purge engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY } from '../../clock.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { decodeHtml } from '../../../test/support/http-checks.ts';
import { Browser, useTestApp } from '../../../test/support/http.ts';
import { runPurge } from '../../privacy/purge.ts';
import { appendEvent } from './legal.log.ts';
import { caseKey } from './legal.service.ts';
import { caseWithEvents, staffActor } from './legal.test-support.ts';

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

const count = async (env: TestEnv, table: 'legal_case_events' | 'legal_case_attachments', caseId: string) =>
  (await env.ctx.db.selectFrom(table).select('id').where('case_id', '=', caseId).execute()).length;

describeEachDialect(
  'case-file retention',
  (env) => {
    const app = useTestApp(env);

    test('closed cases go 3 years after closing with their log and files; open cases stay', async () => {
      const e = env();
      e.clock.set('2020-01-10T12:00:00.000Z');
      const officer = await staffActor(e, ['privacy-officer']);
      const open = await caseWithEvents(e, officer, 1);
      const closed = await caseWithEvents(e, officer, 1);
      await e.ctx.db.transaction().execute((trx) =>
        appendEvent(trx, e.clock, caseKey(e.ctx), closed, {
          actorId: officer.id,
          kind: 'transition',
          toState: 'closed',
          reason: 'Withdrawn by the agency.',
          closes: true,
        }),
      );
      const closedAt = e.clock.now().getTime();
      e.clock.set(new Date(closedAt + 3 * 365 * DAY).toISOString());
      await purge(e);
      assert.equal(await count(e, 'legal_case_events', closed), 3, 'not yet three years');
      e.clock.set(new Date(closedAt + 3 * 366 * DAY + DAY).toISOString());
      await purge(e);
      const left = await e.ctx.db.selectFrom('legal_cases').select('id').execute();
      assert.deepEqual(
        left.map((r) => r.id),
        [open],
      );
      assert.equal(await count(e, 'legal_case_events', closed), 0);
      assert.equal(await count(e, 'legal_case_attachments', closed), 0);
      assert.equal(await count(e, 'legal_case_events', open), 2);
      assert.equal(await count(e, 'legal_case_attachments', open), 1);
    });

    test('the privacy page states the rule and who can read a case file', async () => {
      const page = decodeHtml((await new Browser(app()).get('/privacy')).body);
      for (const text of [
        'Encrypted: the visitor’s name, agency, badge or ID and how it was checked',
        'Encrypted: the scan or photo.',
        'Deleted 3 years after the case is closed, with its log and files; a case not closed is kept.',
      ])
        assert.ok(page.includes(text), `the privacy page lacks: ${text}`);
    });
  },
  { env: { LEGAL_CASE_YEARS: '3' } },
);

test('LEGAL_CASE_YEARS outside 1 to 100 is a configuration problem', async () => {
  const { loadConfig } = await import('../../config.ts');
  assert.throws(
    () => loadConfig({ DATA_DIR: '/tmp/carrel-none', CARREL_SECRET: 'x'.repeat(40), LEGAL_CASE_YEARS: '0' }),
    /LEGAL_CASE_YEARS="0" is not a whole number from 1 to 100/,
  );
});
