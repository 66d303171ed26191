// PCS_SIP2_* (issue 14 item 9): off without a host, TLS on by default, the password from a file,
// the age-band mapping and the refusing flags checked at start, each problem in one line that
// never echoes the password.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-sip2-'));
const passwordFile = path.join(dir, 'password');
fs.writeFileSync(passwordFile, 'terminal-secret-9\n');
const base = { DATA_DIR: dir };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

test('unset host: Carrel’s own patrons', () => {
  assert.equal(loadConfig(base).pcs.sip2, null);
});

test('a host alone: TLS with the system CAs on port 6001, no login, no age band, the default flags', () => {
  const c = loadConfig({ ...base, PCS_SIP2_HOST: 'ils.example.org' }).pcs.sip2;
  assert.ok(c);
  assert.equal(c.port, 6001);
  assert.deepEqual(c.tls, { caFile: null });
  assert.equal(c.login, null);
  assert.equal(c.charset, 'utf8');
  assert.equal(c.timeoutMs, 5000);
  assert.equal(c.ageBands.field, 'PC');
  assert.equal(c.ageBands.fallback, null);
  assert.deepEqual(c.denyOn, ['chargePrivilegesDenied', 'renewalPrivilegesDenied', 'cardReportedLost']);
});

test('everything set: the password is read from its file without the newline', () => {
  const c = loadConfig({
    ...base,
    PCS_SIP2_HOST: 'ils.example.org',
    PCS_SIP2_PORT: '6443',
    PCS_SIP2_TLS: 'off',
    PCS_SIP2_LOGIN: 'carrel-pcs',
    PCS_SIP2_PASSWORD_FILE: passwordFile,
    PCS_SIP2_LOCATION: 'MAIN',
    PCS_SIP2_INSTITUTION: 'KOHA',
    PCS_SIP2_CHARSET: 'IBM850',
    PCS_SIP2_TIMEOUT_SECONDS: '3',
    PCS_SIP2_CHECKSUMS: 'yes',
    PCS_SIP2_AGE_FIELD: 'PT',
    PCS_SIP2_AGE_BANDS: 'J=child, YA=teen, *=adult',
    PCS_SIP2_DENY_ON: 'charge_privileges_denied,excessive_outstanding_fines',
  }).pcs.sip2;
  assert.ok(c);
  assert.equal(c.tls, null);
  assert.deepEqual(c.login, { userId: 'carrel-pcs', password: 'terminal-secret-9', locationCode: 'MAIN' });
  assert.equal(c.charset, 'ibm850');
  assert.equal(c.checksums, true);
  assert.deepEqual(
    [...c.ageBands.map],
    [
      ['j', 'child'],
      ['ya', 'teen'],
    ],
  );
  assert.equal(c.ageBands.fallback, 'adult');
  assert.equal(c.ageBands.field, 'PT');
  assert.deepEqual(c.denyOn, ['chargePrivilegesDenied', 'excessiveOutstandingFines']);
});

test('every mistake is one line naming its variable', () => {
  assert.deepEqual(problemsOf({ PCS_SIP2_PORT: '6001', PCS_SIP2_LOGIN: 'x' }), [
    'PCS_SIP2_PORT, PCS_SIP2_LOGIN need PCS_SIP2_HOST.',
  ]);
  const ps = problemsOf({
    PCS_SIP2_HOST: 'ils.example.org',
    PCS_SIP2_LOGIN: 'carrel-pcs',
    PCS_SIP2_CA: path.join(dir, 'missing.pem'),
    PCS_SIP2_AGE_BANDS: 'J=kid,YA',
    PCS_SIP2_DENY_ON: 'blocked',
    PCS_SIP2_AGE_FIELD: 'category',
    PCS_SIP2_CHARSET: 'latin1',
  });
  assert.equal(ps.length, 7, ps.join('\n'));
  for (const name of [
    'PCS_SIP2_LOGIN and PCS_SIP2_PASSWORD_FILE',
    'PCS_SIP2_CA file',
    'PCS_SIP2_AGE_BANDS entry "J=kid": the age bands are child, teen, adult.',
    'PCS_SIP2_AGE_BANDS entry "YA" is not CATEGORY=BAND.',
    'PCS_SIP2_DENY_ON entry "blocked"',
    'PCS_SIP2_AGE_FIELD=',
    'PCS_SIP2_CHARSET=',
  ])
    assert.ok(
      ps.some((p) => p.includes(name)),
      `${name} in:\n${ps.join('\n')}`,
    );
  assert.deepEqual(
    problemsOf({
      PCS_SIP2_HOST: 'ils',
      PCS_SIP2_AGE_FIELD: 'PB',
      PCS_SIP2_AGE_BANDS: 'J=child,18+=adult,9-3=child',
    }),
    [
      'PCS_SIP2_AGE_BANDS entry "J=child" is not AGES=BAND (13-17=teen, 18+=adult).',
      'PCS_SIP2_AGE_BANDS entry "9-3=child" is not AGES=BAND (13-17=teen, 18+=adult).',
    ],
  );
  const unreadable = problemsOf({
    PCS_SIP2_HOST: 'ils.example.org',
    PCS_SIP2_LOGIN: 'carrel-pcs',
    PCS_SIP2_PASSWORD_FILE: path.join(dir, 'nope'),
  });
  assert.deepEqual(unreadable, [`PCS_SIP2_PASSWORD_FILE file ${path.join(dir, 'nope')} cannot be read.`]);
});
