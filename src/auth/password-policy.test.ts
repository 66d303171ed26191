// Which staff passwords are refused (NIST SP 800-63B; issue 12 item 10) is pure logic: tested directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMON_PASSWORD, NAME_PASSWORD, passwordProblem } from './password-policy.ts';

const who = {
  username: 'circulation.desk',
  displayName: 'Morgan Reyes',
  libraryName: 'Carrel Public Library',
};

test('common and breached passwords are refused, also with digits and symbols added', () => {
  for (const weak of [
    'password1234',
    'Password1234!',
    'qwertyuiop123',
    'iloveyou2024!!',
    '1qaz2wsx3edc',
    'dragon-dragon-1',
  ])
    assert.equal(passwordProblem(weak, who), COMMON_PASSWORD, weak);
});

test('twelve spaces, twelve NUL bytes and other control characters are refused, with the reason', () => {
  assert.match(passwordProblem(' '.repeat(12), who)!, /only spaces/);
  assert.match(passwordProblem('\0'.repeat(12), who)!, /control characters/);
  assert.match(passwordProblem('river\tstone\tmap', who)!, /control characters/);
  assert.match(passwordProblem('river stone map\n', who)!, /control characters/);
  assert.match(passwordProblem('abababababab', who)!, /too few different characters/);
});

test('passwords built from the user name, the person’s name or the library’s name are refused', () => {
  for (const weak of [
    'circulation.desk1',
    'Circulation.Desk2024',
    'circulationcirculation',
    'MorganReyes1990',
    'CarrelPublicLibrary1',
    'carrel-2024-library!',
    'carrel12345678',
  ])
    assert.equal(passwordProblem(weak, who), NAME_PASSWORD, weak);
});

test('a good passphrase is accepted, even one that contains a name among other words', () => {
  for (const ok of [
    'lantern-orchard-91-quietly',
    'correct horse battery staple',
    'reading room lamp by the library window',
    'Ärger über Zölle, 2 Tassen',
  ])
    assert.equal(passwordProblem(ok, who), null, ok);
});
