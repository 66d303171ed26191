// Reading a 64 reply for a public-computer login (issue 14 item 9; P3): pure logic — BL/CQ, the
// refusing flags, which screen messages may be shown, and the age band from a category or a
// birth date. The same source against a real server is tested in pcs-sip2.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../config.ts';
import type { PcsSip2Config } from '../../config.ts';
import { parseMessage } from '../../sip2/message.ts';
import type { SipMessageOf } from '../../sip2/spec.ts';
import { ageOn, interpretReply, shownMessage } from './pcs-sip2.patron-source.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-sip2-u-'));
const cfgOf = (env: Record<string, string>): PcsSip2Config => {
  const c = loadConfig({ DATA_DIR: dataDir, PCS_SIP2_HOST: 'ils.example.org', ...env }).pcs.sip2;
  assert.ok(c);
  return c;
};

/** A 64 as a Koha server writes it (PB and PC are Koha's extension fields). */
function reply(status: string, fields: string): SipMessageOf<'64'> {
  const text = `64${status.padEnd(14)}00020260302    100000000000000000000000000000AOKOHA|AA123|AEAda|${fields}`;
  const parsed = parseMessage(text, { charset: 'utf8' });
  assert.ok(parsed.ok);
  assert.equal(parsed.message.code, '64');
  return parsed.message as SipMessageOf<'64'>;
}

const DAY = '2026-03-02';

test('accepted only with BL Y and CQ Y', () => {
  const cfg = cfgOf({});
  assert.deepEqual(interpretReply(reply('', 'BLY|CQY|'), '123', cfg, DAY), {
    ok: true,
    patron: { cardNumber: '123', ageBand: null },
  });
  for (const f of ['BLY|CQN|', 'BLN|CQY|', 'BLY|', 'CQY|', ''])
    assert.deepEqual(interpretReply(reply('', f), '123', cfg, DAY), { ok: false, reason: 'BAD_LOGIN' }, f);
});

test('a configured flag refuses; the screen message is shown only when short and plain', () => {
  const cfg = cfgOf({});
  assert.deepEqual(interpretReply(reply('YYYY', 'BLY|CQY|AFPatron is debarred|'), '1', cfg, DAY), {
    ok: false,
    reason: 'ACCOUNT_DISABLED',
    message: 'Patron is debarred',
  });
  assert.deepEqual(interpretReply(reply('    Y', 'BLY|CQY|'), '1', cfg, DAY), {
    ok: false,
    reason: 'ACCOUNT_DISABLED',
  });
  const tooManyItems = reply('     Y', 'BLY|CQY|');
  assert.equal(interpretReply(tooManyItems, '1', cfg, DAY).ok, true, 'not a default flag');
  const strict = cfgOf({ PCS_SIP2_DENY_ON: 'too_many_items_charged' });
  assert.equal(interpretReply(tooManyItems, '1', strict, DAY).ok, false);
  assert.equal(shownMessage(['<script>x</script>']), undefined);
  assert.equal(shownMessage(['x'.repeat(101)]), undefined);
  assert.equal(shownMessage(['ok']), undefined, 'too short to say anything');
  assert.equal(shownMessage(['Bad\u0007bell', ' Fines: $5.00 owed ']), 'Fines: $5.00 owed');
});

test('age band from the patron category, any case, with a fallback', () => {
  const cfg = cfgOf({ PCS_SIP2_AGE_BANDS: 'J=child,YA=teen,*=adult' });
  const band = (fields: string) => {
    const r = interpretReply(reply('', `BLY|CQY|${fields}`), '1', cfg, DAY);
    return r.ok ? r.patron.ageBand : 'refused';
  };
  assert.equal(band('PCj|'), 'child');
  assert.equal(band('PCYA|'), 'teen');
  assert.equal(band('PCST|'), 'adult');
  assert.equal(band(''), 'adult');
  const none = cfgOf({});
  const r = interpretReply(reply('', 'BLY|CQY|PCJ|'), '1', none, DAY);
  assert.equal(r.ok && r.patron.ageBand, null, 'no mapping: no band');
});

test('age band from the birth date (PB), on the library day', () => {
  const cfg = cfgOf({ PCS_SIP2_AGE_FIELD: 'PB', PCS_SIP2_AGE_BANDS: '0-12=child,13-17=teen,18+=adult' });
  const band = (pb: string) => {
    const r = interpretReply(reply('', `BLY|CQY|PB${pb}|`), '1', cfg, DAY);
    return r.ok ? r.patron.ageBand : 'refused';
  };
  assert.equal(band('20130303'), 'child', '12 until tomorrow');
  assert.equal(band('20130302'), 'teen', '13 today');
  assert.equal(band('20080302    000000'), 'adult', 'a SIP date works too');
  assert.equal(band('20080303'), 'teen');
  assert.equal(band('not a date'), null, 'unreadable: no band (no *)');
  assert.equal(ageOn('20261231', DAY), undefined, 'born after the day');
});
