// The protected case file (issue 15 items 1 and 6) on both databases: intake by any staff role
// (L1), encryption under a key outside the database, refused under the wrong key, key rotation
// that keeps the chain sound, and the notice to the privacy officer and counsel only (L6).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { freePort } from '../../../test/support/net.ts';
import { startSmtpSink, testCertificate } from '../../../test/support/smtp.ts';
import { ForbiddenError, ValidationError } from '../../errors.ts';
import { Worker } from '../../jobs/worker.ts';
import { parseInput } from '../../validation.ts';
import { keyIdOf, LegalKeyError } from './legal.crypto.ts';
import { intakeSchema } from './legal.schemas.ts';
import { rekeyCases } from './legal-rekey.service.ts';
import { readCaseFile } from './legal.service.ts';
import { openCase } from './legal.service.ts';
import { verifyCases } from './legal-verify.service.ts';
import {
  AGENCY,
  caseWithEvents,
  intake,
  pngScan,
  rawIntake,
  SCAN_TEXT,
  sqliteBytes,
  staffActor,
  VISITOR,
} from './legal.test-support.ts';

const PO = 'privacy.officer@library.example';
const COUNSEL = 'counsel@lawfirm.example';
const smtpPort = await freePort();
const { certFile } = testCertificate();

const withKeyFile = (env: TestEnv, keyFile: string) => ({
  ...env.ctx,
  config: { ...env.ctx.config, legal: { ...env.ctx.config.legal, keyFile } },
});

describeEachDialect('the protected case file', (env, dialect) => {
  test('a circulation user records a visit; the key file is made 0600 with 32 random bytes (L1, L6)', async () => {
    const e = env();
    const desk = await staffActor(e, ['circulation']);
    const keyFile = path.join(e.dataDir, 'legal.key');
    assert.equal(fs.existsSync(keyFile), false, 'no key before the first case');
    const { caseId, notified } = await openCase(e.ctx, desk, intake(e));
    assert.equal(notified, 0, 'no addresses configured in this suite');
    const warned = e.logs.filter((l) => l.includes('legal.intake.unnotified'));
    assert.equal(warned.length, 1);
    assert.ok(!warned[0]!.includes(VISITOR) && !warned[0]!.includes(desk.id), 'nothing identifying logged');
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(keyFile).length, 32);
    const row = await e.ctx.db
      .selectFrom('legal_cases')
      .selectAll()
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.state, row.instrument, row.opened_by, row.closed_at],
      ['intake', 'subpoena', desk.id, null],
    );
    const events = await e.ctx.db
      .selectFrom('legal_case_events')
      .selectAll()
      .where('case_id', '=', caseId)
      .execute();
    assert.equal(events.length, 1);
    assert.deepEqual(
      [events[0]!.seq, events[0]!.kind, events[0]!.from_state, events[0]!.to_state, events[0]!.actor_id],
      [1, 'opened', null, 'intake', desk.id],
    );
    assert.equal(events[0]!.prev_hash, '0'.repeat(64));
    assert.equal(row.last_hash, events[0]!.hash);
    await assert.rejects(readCaseFile(e.ctx, desk, caseId), ForbiddenError, 'the desk cannot read it back');
    const officer = await staffActor(e, ['privacy-officer']);
    const file = await readCaseFile(e.ctx, officer, caseId);
    assert.equal(file.details.visitorName, VISITOR);
    assert.equal(file.details.agency, AGENCY);
    assert.equal(file.attachments.length, 1);
    assert.equal(file.attachments[0]!.name, 'subpoena-page-1.png');
    assert.deepEqual(file.attachments[0]!.bytes, Buffer.from(pngScan()));
    assert.equal(file.attachments[0]!.sha256, crypto.createHash('sha256').update(pngScan()).digest('hex'));
    const ciphertext = Buffer.from(row.details);
    assert.equal(
      ciphertext.subarray(1, 5).toString('hex'),
      keyIdOf(fs.readFileSync(keyFile)),
      'key id in the value',
    );
  });

  test('every role may record a visit; the operator at the command line may not pose as staff', async () => {
    const e = env();
    for (const role of ['reference', 'webmaster', 'pc-staff', 'counsel'] as const) {
      const actor = await staffActor(e, [role]);
      assert.ok(
        (await openCase(e.ctx, actor, intake(e, { instrument: 'informal-request', attachments: [] }))).caseId,
      );
    }
    await assert.rejects(openCase(e.ctx, { kind: 'system' }, intake(e)), ForbiddenError);
  });

  test('bad intake gets clear field messages and stores nothing', async () => {
    const e = env();
    const before = await e.ctx.db
      .selectFrom('legal_cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const fields = (over: Record<string, unknown>) => {
      try {
        parseInput(intakeSchema, rawIntake(e, over));
      } catch (err) {
        return (err as ValidationError).fields;
      }
      return {};
    };
    assert.match(fields({ instrument: 'letter' }).instrument ?? '', /Choose what the visitor says/);
    assert.match(fields({ visitorName: '  ' }).visitorName ?? '', /required/);
    assert.match(fields({ arrivedAt: 'yesterday' }).arrivedAt ?? '', /a date and time/);
    const fake = { name: 'x.pdf', mediaType: 'application/pdf', bytes: pngScan() };
    assert.match(fields({ attachments: [fake] })['attachments.0.bytes'] ?? '', /not the type it says/);
    const huge = {
      name: 'x.png',
      mediaType: 'image/png',
      bytes: Buffer.concat([Buffer.from(pngScan()), Buffer.alloc(10 * 1024 * 1024)]),
    };
    assert.match(fields({ attachments: [huge] })['attachments.0.bytes'] ?? '', /at most 10 MB/);
    const desk = await staffActor(e, ['circulation']);
    const future = new Date(e.clock.now().getTime() + 3600_000).toISOString();
    await assert.rejects(openCase(e.ctx, desk, intake(e, { arrivedAt: future })), (err: ValidationError) =>
      /not in the future/.test(err.fields.arrivedAt ?? ''),
    );
    const after = await e.ctx.db
      .selectFrom('legal_cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  test('under the wrong key a case file is refused with a clear message', async () => {
    const e = env();
    const caseId = (await openCase(e.ctx, await staffActor(e, ['circulation']), intake(e))).caseId;
    const other = path.join(e.dataDir, 'other.key');
    fs.writeFileSync(other, crypto.randomBytes(32), { mode: 0o600 });
    const officer = await staffActor(e, ['counsel']);
    await assert.rejects(readCaseFile(withKeyFile(e, other), officer, caseId), (err: Error) => {
      assert.ok(err instanceof LegalKeyError);
      assert.match(err.message, /encrypted with key [0-9a-f]{8}, but LEGAL_KEY_FILE holds key [0-9a-f]{8}/);
      return true;
    });
    fs.chmodSync(other, 0o644);
    await assert.rejects(
      readCaseFile(withKeyFile(e, other), officer, caseId),
      /can be read by other users; run: chmod 600/,
    );
  });

  test('rekey re-encrypts every case, event and attachment; the chain stays sound; the old key no longer reads', async () => {
    const e = env();
    const desk = await staffActor(e, ['circulation']);
    const ids = [await caseWithEvents(e, desk, 2), await caseWithEvents(e, desk, 0)];
    const before = await verifyCases(e.ctx);
    assert.deepEqual(before.breaks, []);
    const newKey = path.join(e.dataDir, 'rotated', 'legal-2.key');
    const r = await rekeyCases(e.ctx, newKey);
    assert.equal(r.newKeyId, keyIdOf(fs.readFileSync(newKey)));
    assert.ok(r.cases >= 2 && r.events >= 4 && r.attachments >= 2);
    assert.deepEqual((await verifyCases(e.ctx)).breaks, [], 'sound after rekey');
    const officer = await staffActor(e, ['privacy-officer']);
    await assert.rejects(readCaseFile(e.ctx, officer, ids[0]!), /encrypted with key/);
    const moved = withKeyFile(e, newKey);
    for (const id of ids) assert.equal((await readCaseFile(moved, officer, id)).details.visitorName, VISITOR);
    await assert.rejects(rekeyCases(moved, newKey), /holds the current key/);
    // Point the environment back for the other tests in this suite: rekey back to a fresh file.
    const back = await rekeyCases(moved, path.join(e.dataDir, 'legal-3.key'));
    assert.equal(back.oldKeyId, r.newKeyId);
    fs.rmSync(e.config.legal.keyFile);
    fs.copyFileSync(path.join(e.dataDir, 'legal-3.key'), e.config.legal.keyFile);
    fs.chmodSync(e.config.legal.keyFile, 0o600);
    assert.deepEqual((await verifyCases(e.ctx)).breaks, []);
  });

  test('rekey refuses a broken chain and changes nothing', async () => {
    const e = env();
    const desk = await staffActor(e, ['circulation']);
    const id = await caseWithEvents(e, desk, 1);
    await e.ctx.db
      .updateTable('legal_case_events')
      .set({ kind: 'edited' })
      .where('case_id', '=', id)
      .where('seq', '=', 2)
      .execute();
    const details = (
      await e.ctx.db
        .selectFrom('legal_cases')
        .select('details')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).details;
    await assert.rejects(
      rekeyCases(e.ctx, path.join(e.dataDir, 'never.key')),
      /broken in 1 place.*Nothing was re-encrypted/,
    );
    const still = (
      await e.ctx.db
        .selectFrom('legal_cases')
        .select('details')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).details;
    assert.deepEqual(Buffer.from(still), Buffer.from(details));
    await e.ctx.db.deleteFrom('legal_cases').where('id', '=', id).execute();
  });

  if (dialect === 'sqlite')
    test('the visitor, the agency and the scan cannot be found in the raw database file', async () => {
      const e = env();
      await openCase(e.ctx, await staffActor(e, ['circulation']), intake(e));
      const bytes = sqliteBytes(e);
      assert.ok(bytes.length > 0);
      for (const secret of [
        VISITOR,
        AGENCY,
        SCAN_TEXT,
        'subpoena-page-1.png',
        'Badge 4471',
        '21234000099999',
      ])
        assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} is in the file`);
      assert.notEqual(bytes.indexOf(Buffer.from('subpoena')), -1, 'the instrument is kept plainly');
    });
});

describeEachDialect(
  'the intake notice',
  (env) => {
    test('goes to the privacy officer and counsel only, saying nothing about the request', async () => {
      const e = env();
      const sink = await startSmtpSink(smtpPort);
      try {
        const desk = await staffActor(e, ['circulation']);
        await openCase(e.ctx, desk, intake(e));
        assert.equal(await new Worker(e.ctx).drain(), 2);
        assert.deepEqual(sink.received.map((r) => r.rcptTo).sort(), [[COUNSEL], [PO]]);
        for (const { mail } of sink.received) {
          assert.equal(mail.subject, 'A law-enforcement request was recorded');
          const text = mail.text ?? '';
          assert.match(text, /review it on the staff site: http:\/\/localhost:\d+\/staff/);
          for (const secret of [VISITOR, AGENCY, 'Badge 4471', 'subpoena', '21234000099999', desk.username])
            assert.ok(
              !text.includes(secret) && !(mail.subject ?? '').includes(secret),
              `${secret} in the notice`,
            );
          assert.equal(mail.attachments.length, 0);
        }
      } finally {
        await sink.close();
      }
    });
  },
  {
    env: {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_CA_FILE: certFile,
      LEGAL_PRIVACY_OFFICER_EMAILS: PO,
      LEGAL_COUNSEL_EMAILS: ` ${COUNSEL} , ${PO}`,
    },
  },
);

test('a bad notice address is a configuration problem naming the variable', async () => {
  const { loadConfig } = await import('../../config.ts');
  assert.throws(
    () =>
      loadConfig({
        DATA_DIR: '/tmp/carrel-none',
        CARREL_SECRET: 'x'.repeat(40),
        LEGAL_COUNSEL_EMAILS: 'counsel at firm',
      }),
    /LEGAL_COUNSEL_EMAILS: "counsel at firm" is not an e-mail address/,
  );
});
