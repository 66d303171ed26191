// Who may do what with patron records, per role (A6: the access log is the privacy officer's
// alone), and the borrowing-block rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roles, type Role } from '../staff/roles.ts';
import {
  canReadAccessLog,
  canRegisterPatrons,
  canViewPatron,
  type StaffActor,
} from '../staff/staff.policy.ts';
import { borrowingBlock } from './patrons.policy.ts';

const staffWith = (...r: Role[]): StaffActor => ({
  kind: 'staff',
  id: 'x',
  username: 'x',
  displayName: 'X',
  roles: r,
  mustChangePassword: false,
});

const expectations: Array<[string, (a: StaffActor) => boolean, Role[]]> = [
  ['canRegisterPatrons', canRegisterPatrons, ['admin', 'circulation']],
  ['canViewPatron', canViewPatron, ['admin', 'circulation']],
  ['canReadAccessLog', canReadAccessLog, ['privacy-officer']],
];

for (const [name, check, grantedTo] of expectations) {
  test(`${name} is granted to exactly ${grantedTo.join(', ')}`, () => {
    for (const r of roles) assert.equal(check(staffWith(r)), grantedTo.includes(r), `${name} for ${r}`);
    assert.equal(check(staffWith()), false, 'no role, no access');
  });
}

test('the privacy officer reads the access log but opens no patron records', () => {
  const po = staffWith('privacy-officer');
  assert.equal(canReadAccessLog(po), true);
  assert.equal(canViewPatron(po), false);
  assert.equal(canReadAccessLog(staffWith('admin', 'circulation', 'counsel')), false);
});

test('a block or an expired card stops borrowing, with a message saying which', () => {
  const now = '2026-11-28T12:00:00.000Z';
  assert.equal(
    borrowingBlock({ card_expires_at: '2027-01-01T00:00:00.000Z', block_reason: null }, now),
    null,
  );
  assert.match(
    borrowingBlock({ card_expires_at: '2027-01-01T00:00:00.000Z', block_reason: 'Lost card' }, now)!,
    /blocked: Lost card/,
  );
  assert.match(
    borrowingBlock({ card_expires_at: '2026-11-01T00:00:00.000Z', block_reason: null }, now)!,
    /expired/,
  );
});
