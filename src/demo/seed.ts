// Demo data for a new installation: one staff account per role besides the administrator, so a
// library can try every part of the staff interface. Later features add catalog and patrons here.
import type { AppContext } from '../context.ts';
import { createStaff } from '../features/staff/staff.service.ts';
import { findStaffByUsername } from '../features/staff/staff.repository.ts';
import type { Role } from '../features/staff/roles.ts';

const demoStaff: Array<{ username: string; displayName: string; roles: Role[] }> = [
  { username: 'circ', displayName: 'Casey Circulation (demo)', roles: ['circulation'] },
  { username: 'reference', displayName: 'Robin Reference (demo)', roles: ['reference'] },
  { username: 'webmaster', displayName: 'Wren Webmaster (demo)', roles: ['webmaster'] },
  { username: 'privacy', displayName: 'Pat Privacy Officer (demo)', roles: ['privacy-officer'] },
  { username: 'counsel', displayName: 'Morgan Counsel (demo)', roles: ['counsel'] },
];

export interface SeededAccount {
  username: string;
  roles: Role[];
  password: string;
}

/** Creates the demo accounts that do not exist yet; returns their one-time passwords. */
export async function seedDemo(ctx: AppContext): Promise<SeededAccount[]> {
  const out: SeededAccount[] = [];
  for (const s of demoStaff) {
    if (await findStaffByUsername(ctx.db, s.username)) continue;
    const created = await createStaff(ctx, { kind: 'system' }, s);
    out.push({ username: s.username, roles: s.roles, password: created.oneTimePassword! });
  }
  return out;
}
