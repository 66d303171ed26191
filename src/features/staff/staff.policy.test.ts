// Permission functions, checked alone: every function against every role, a staff member holding
// several roles, and the command-line operator (system actor).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { roles, type Role } from './roles.ts';
import {
  canManageStaff,
  canRunPurge,
  canViewJobQueue,
  canViewPurgeRuns,
  canViewSignInAlerts,
  type Actor,
  type StaffActor,
} from './staff.policy.ts';

const staffWith = (...held: Role[]): StaffActor => ({
  kind: 'staff',
  id: `id-${held.join('-') || 'none'}`,
  username: `u-${held.join('-') || 'none'}`,
  displayName: 'Someone',
  roles: held,
  mustChangePassword: false,
});

/** Who may do what: the roles each permission is granted to. Everything else is refused. */
const expected: Array<[name: string, check: (a: Actor) => boolean, grantedTo: Role[]]> = [
  ['canManageStaff', canManageStaff, ['admin']],
  ['canViewPurgeRuns', canViewPurgeRuns, ['admin', 'privacy-officer']],
  ['canRunPurge', canRunPurge, ['admin']],
  ['canViewJobQueue', canViewJobQueue, ['admin']],
  ['canViewSignInAlerts', canViewSignInAlerts, ['admin', 'privacy-officer']],
];

test('the role list is the one these expectations were written for', () => {
  // A new role must be added to the expectations below before it can be granted anything.
  assert.deepEqual(
    [...roles],
    ['admin', 'circulation', 'reference', 'webmaster', 'privacy-officer', 'counsel', 'pc-staff'],
  );
});

for (const [name, check, grantedTo] of expected) {
  describe(name, () => {
    test('admin', () => assert.equal(check(staffWith('admin')), grantedTo.includes('admin')));
    test('circulation', () =>
      assert.equal(check(staffWith('circulation')), grantedTo.includes('circulation')));
    test('reference', () => assert.equal(check(staffWith('reference')), grantedTo.includes('reference')));
    test('webmaster', () => assert.equal(check(staffWith('webmaster')), grantedTo.includes('webmaster')));
    test('privacy-officer', () =>
      assert.equal(check(staffWith('privacy-officer')), grantedTo.includes('privacy-officer')));
    test('counsel', () => assert.equal(check(staffWith('counsel')), grantedTo.includes('counsel')));
    test('pc-staff', () => assert.equal(check(staffWith('pc-staff')), grantedTo.includes('pc-staff')));
    test('a staff member with no role at all is refused', () => assert.equal(check(staffWith()), false));
    test('several roles: granted when any one of them is', () => {
      const granted = grantedTo[0]!;
      const others = roles.filter((r) => !grantedTo.includes(r));
      assert.equal(check(staffWith(...others)), false, 'all the other roles together are not enough');
      assert.equal(check(staffWith(...others, granted)), true);
    });
    test('the system actor (command line) is always allowed', () =>
      assert.equal(check({ kind: 'system' }), true));
  });
}

test('the expected grants, spelled out', () => {
  // The matrix above is data; this pins the decisions a reviewer would look for.
  assert.equal(canViewPurgeRuns(staffWith('privacy-officer')), true, 'the privacy officer sees purge runs');
  assert.equal(canRunPurge(staffWith('privacy-officer')), false, 'but cannot start a purge');
  assert.equal(canManageStaff(staffWith('counsel', 'privacy-officer', 'circulation')), false);
  assert.equal(canViewJobQueue(staffWith('webmaster')), false, 'the webmaster does not see the job queue');
});
