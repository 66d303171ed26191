// The mail layer on both databases, with a real SMTP server on loopback: delivery over STARTTLS,
// nothing sent on rollback, the outbox emptied after delivery (N3), permanent refusals counted,
// STARTTLS required unless SMTP_ALLOW_PLAIN, retries through an outage without doubles, and the
// development mailbox (admin only) with its purge rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, iso } from '../clock.ts';
import { Worker } from '../jobs/worker.ts';
import { runPurge } from '../privacy/purge.ts';
import { describeEachDialect, type TestEnv } from '../../test/support/env.ts';
import { Browser, signedInStaff, useTestApp } from '../../test/support/http.ts';
import { freePort } from '../../test/support/net.ts';
import { startSmtpSink, testCertificate } from '../../test/support/smtp.ts';
import { queueMail, type MailToQueue } from './mail.service.ts';

const message = (to: string): MailToQueue => ({
  kind: 'test',
  to,
  subject: 'A test message',
  text: 'Plain words.',
  html: '<p>Plain words.</p>',
});

const queue = (env: TestEnv, to: string) =>
  env.ctx.db.transaction().execute((trx) => queueMail(trx, env.clock, message(to)));

const counts = (env: TestEnv) =>
  env.ctx.db.selectFrom('mail_counts').select(['kind', 'outcome', 'count']).orderBy('outcome').execute();

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

const smtpPort = await freePort();
const plainPort = await freePort();
const { certFile } = testCertificate();

describeEachDialect(
  'mail over SMTP',
  (env) => {
    test('a queued message is delivered once over STARTTLS; the outbox keeps no recipient or body', async () => {
      const e = env();
      const sink = await startSmtpSink(smtpPort);
      try {
        const id = await queue(e, 'reader.one@example.org');
        const job = await e.ctx.db
          .selectFrom('jobs')
          .select('payload')
          .where('name', '=', 'mail.send')
          .executeTakeFirstOrThrow();
        assert.ok(!job.payload.includes('example.org'), 'the job payload carries only the outbox id');
        assert.equal(await new Worker(e.ctx).drain(), 1);
        assert.equal(sink.received.length, 1);
        const got = sink.received[0]!;
        assert.equal(got.secure, true, 'STARTTLS was used');
        assert.deepEqual(got.rcptTo, ['reader.one@example.org']);
        assert.equal(got.mail.subject, 'A test message');
        assert.equal(got.mail.text?.trim(), 'Plain words.');
        assert.equal(got.mail.from?.value[0]?.address, e.config.library.contacts.webmaster.email);
        const row = await e.ctx.db
          .selectFrom('outbox')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.recipient, row.subject, row.text_body, row.html_body],
          [null, null, null, null],
        );
        assert.equal(row.sent_at, iso(e.clock.now()));
        assert.deepEqual(await counts(e), [{ kind: 'test', outcome: 'delivered', count: 1 }]);
        assert.equal(await new Worker(e.ctx).drain(), 0);
        assert.equal(sink.received.length, 1);
      } finally {
        await sink.close();
      }
    });

    test('nothing is queued when the causing transaction rolls back', async () => {
      const e = env();
      const before = await e.ctx.db.selectFrom('jobs').select('id').execute();
      await assert.rejects(
        e.ctx.db.transaction().execute(async (trx) => {
          await queueMail(trx, e.clock, message('rolled.back@example.org'));
          throw new Error('the causing write failed');
        }),
        /causing write failed/,
      );
      const after = await e.ctx.db.selectFrom('jobs').select('id').execute();
      assert.equal(after.length, before.length);
      const outbox = await e.ctx.db
        .selectFrom('outbox')
        .select('id')
        .where('recipient', '=', 'rolled.back@example.org')
        .execute();
      assert.equal(outbox.length, 0);
    });

    test('SMTP outage: the job retries with back-off and delivers once the server is back, never twice', async () => {
      const e = env();
      await e.ctx.db.deleteFrom('mail_counts').execute();
      const id = await queue(e, 'during.outage@example.org');
      const worker = new Worker(e.ctx);
      assert.equal(await worker.drain(), 1, 'attempt 1 fails: nothing listens');
      const job = await e.ctx.db
        .selectFrom('jobs')
        .selectAll()
        .where('payload', 'like', `%${id}%`)
        .executeTakeFirstOrThrow();
      assert.equal(job.status, 'queued');
      assert.equal(job.attempts, 1);
      assert.ok(!(job.last_error ?? '').includes('during.outage'), 'the error text names no address');
      const sink = await startSmtpSink(smtpPort);
      try {
        assert.equal(await worker.drain(), 0, 'not retried before its back-off ends');
        e.clock.advance(11_000);
        assert.equal(await worker.drain(), 1);
        assert.equal(sink.received.length, 1);
        e.clock.advance(DAY);
        assert.equal(await worker.drain(), 0);
        assert.equal(sink.received.length, 1);
        assert.deepEqual(await counts(e), [{ kind: 'test', outcome: 'delivered', count: 1 }]);
      } finally {
        await sink.close();
      }
    });

    test('a permanent 5xx refusal is counted and not retried', async () => {
      const e = env();
      await e.ctx.db.deleteFrom('mail_counts').execute();
      const sink = await startSmtpSink(smtpPort, {
        onRcptTo(_address, _session, callback) {
          const err = Object.assign(new Error('No such user here'), { responseCode: 550 });
          callback(err);
        },
      });
      try {
        const id = await queue(e, 'nobody.here@example.org');
        assert.equal(await new Worker(e.ctx).drain(), 1);
        const job = await e.ctx.db
          .selectFrom('jobs')
          .selectAll()
          .where('payload', 'like', `%${id}%`)
          .executeTakeFirstOrThrow();
        assert.equal(job.status, 'done');
        const row = await e.ctx.db
          .selectFrom('outbox')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(row.recipient, null);
        assert.equal(row.sent_at, null);
        assert.deepEqual(await counts(e), [{ kind: 'test', outcome: 'rejected', count: 1 }]);
        assert.equal(sink.received.length, 0);
      } finally {
        await sink.close();
      }
    });

    test('a server without STARTTLS is refused: nothing is sent in plain text', async () => {
      const e = env();
      // hideSTARTTLS alone is not enough: nodemailer then tries STARTTLS anyway (and gets TLS).
      const sink = await startSmtpSink(smtpPort, { hideSTARTTLS: true, disabledCommands: ['STARTTLS'] });
      try {
        const id = await queue(e, 'plain.refused@example.org');
        assert.equal(await new Worker(e.ctx).drain(), 1);
        assert.equal(sink.received.length, 0);
        const job = await e.ctx.db
          .selectFrom('jobs')
          .selectAll()
          .where('payload', 'like', `%${id}%`)
          .executeTakeFirstOrThrow();
        assert.equal(job.status, 'queued', 'retried later, in case the relay is fixed');
        const row = await e.ctx.db
          .selectFrom('outbox')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(row.sent_at, null);
      } finally {
        await sink.close();
        await e.ctx.db.deleteFrom('jobs').execute();
      }
    });
  },
  { env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SMTP_CA_FILE: certFile } },
);

describeEachDialect(
  'mail over plain SMTP when SMTP_ALLOW_PLAIN',
  (env) => {
    test('a relay without STARTTLS is used when the operator allows it', async () => {
      const e = env();
      const sink = await startSmtpSink(plainPort, { hideSTARTTLS: true, disabledCommands: ['STARTTLS'] });
      try {
        await queue(e, 'plain.allowed@example.org');
        assert.equal(await new Worker(e.ctx).drain(), 1);
        assert.equal(sink.received.length, 1);
        assert.equal(sink.received[0]!.secure, false);
      } finally {
        await sink.close();
      }
    });
  },
  { env: { SMTP_URL: `smtp://127.0.0.1:${plainPort}`, SMTP_ALLOW_PLAIN: 'true' } },
);

describeEachDialect('development mailbox (no SMTP_URL)', (env) => {
  const app = useTestApp(env);

  test('a message lands in the development mailbox; admins read it, others get 403', async () => {
    const e = env();
    await queue(e, 'dev.reader@example.org');
    assert.equal(await new Worker(e.ctx).drain(), 1);
    const rows = await e.ctx.db.selectFrom('dev_mailbox').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.recipient, 'dev.reader@example.org');
    const outbox = await e.ctx.db.selectFrom('outbox').selectAll().execute();
    assert.ok(outbox.every((o) => o.recipient === null && o.text_body === null));
    assert.deepEqual(await counts(e), [{ kind: 'test', outcome: 'dev-mailbox', count: 1 }]);

    const { browser } = await signedInStaff(e, app(), ['admin']);
    const list = await browser.get('/staff/admin/mailbox');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /dev\.reader@example\.org/);
    assert.match(list.body, /A test message/);
    const one = await browser.get(`/staff/admin/mailbox/${rows[0]!.id}`);
    assert.equal(one.statusCode, 200);
    assert.match(one.body, /Plain words\./);

    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    assert.equal((await desk.get('/staff/admin/mailbox')).statusCode, 403);
    assert.equal((await desk.get(`/staff/admin/mailbox/${rows[0]!.id}`)).statusCode, 403);
    assert.equal((await new Browser(app()).get('/staff/admin/mailbox')).statusCode, 303);
  });

  test('purge: the development mailbox and emptied outbox rows go after 7 days, not before', async () => {
    const e = env();
    await queue(e, 'dev.purge@example.org');
    await new Worker(e.ctx).drain();
    e.clock.advance(6 * DAY);
    await purge(e);
    assert.ok((await e.ctx.db.selectFrom('dev_mailbox').select('id').execute()).length > 0);
    assert.ok((await e.ctx.db.selectFrom('outbox').select('id').execute()).length > 0);
    e.clock.advance(1 * DAY + 1000);
    await purge(e);
    assert.equal((await e.ctx.db.selectFrom('dev_mailbox').select('id').execute()).length, 0);
    assert.equal((await e.ctx.db.selectFrom('outbox').select('id').execute()).length, 0);
    assert.ok((await counts(e)).length > 0, 'the counts remain');
  });
});
