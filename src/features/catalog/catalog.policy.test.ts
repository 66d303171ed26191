// Who may import, manage copies and look at the staff catalog, role by role.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Role } from '../staff/roles.ts';
import { roles } from '../staff/roles.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { canImportCatalog, canManageItems, canViewStaffCatalog } from './catalog.policy.ts';

const staff = (role: Role): StaffActor => ({
  kind: 'staff',
  id: 'x',
  username: 'x',
  displayName: 'X',
  roles: [role],
  mustChangePassword: false,
});

test('catalog permissions per role', () => {
  const allowed = (check: (a: StaffActor) => boolean) => roles.filter((r) => check(staff(r)));
  assert.deepEqual(allowed(canImportCatalog), ['admin']);
  assert.deepEqual(allowed(canManageItems), ['admin', 'circulation']);
  assert.deepEqual(allowed(canViewStaffCatalog), ['admin', 'circulation', 'reference']);
  assert.ok(canImportCatalog({ kind: 'system' }));
});
