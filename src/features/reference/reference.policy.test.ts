// Who may work the reference desk, per role.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roles, type Role } from '../staff/roles.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { canManageFaq, canUseReferenceDesk, canViewReferenceStats } from './reference.policy.ts';

const staff = (r: Role[]): StaffActor => ({
  kind: 'staff',
  id: 's',
  username: 'u',
  displayName: 'U',
  roles: r,
  mustChangePassword: false,
});

test('reference staff and administrators, and nobody else, use the desk, statistics and FAQ', () => {
  for (const role of roles) {
    const allowed = role === 'reference' || role === 'admin';
    for (const check of [canUseReferenceDesk, canViewReferenceStats, canManageFaq])
      assert.equal(check(staff([role])), allowed, `${role} ${check.name}`);
  }
  assert.equal(canUseReferenceDesk(staff([])), false);
  assert.equal(canUseReferenceDesk({ kind: 'system' }), true);
});
