// Demo data for a new installation, so a library can try every screen: one staff account per role
// besides the administrator, the demo catalog with copies in two branches, demo patrons with PINs,
// a few loans and holds (one of them waiting on the hold shelf), and public computers at every
// branch. Each part is added only when its tables are empty, so running it again changes nothing.
import type { AppContext } from '../context.ts';
import { checkIn, checkOut } from '../features/circulation/circulation.service.ts';
import { placeHold } from '../features/circulation/holds.service.ts';
import { createStaff } from '../features/staff/staff.service.ts';
import { findStaffByUsername } from '../features/staff/staff.repository.ts';
import type { Role } from '../features/staff/roles.ts';
import { seedDemoCatalog } from './catalog.ts';
import { seedDemoComputers, type SeededComputers } from './computers.ts';
import { existsAnyRow, findAvailableItems } from './demo.repository.ts';
import { seedDemoPatrons, type SeededPatron } from './patrons.ts';
import { seedDemoTraffic } from './traffic.ts';

const demoStaff: Array<{ username: string; displayName: string; roles: Role[] }> = [
  { username: 'circ', displayName: 'Casey Circulation (demo)', roles: ['circulation'] },
  { username: 'reference', displayName: 'Robin Reference (demo)', roles: ['reference'] },
  { username: 'webmaster', displayName: 'Wren Webmaster (demo)', roles: ['webmaster'] },
  { username: 'privacy', displayName: 'Pat Privacy Officer (demo)', roles: ['privacy-officer'] },
  { username: 'counsel', displayName: 'Morgan Counsel (demo)', roles: ['counsel'] },
  { username: 'pcstaff', displayName: 'Parker Public Computers (demo)', roles: ['pc-staff'] },
];

export interface SeededAccount {
  username: string;
  roles: Role[];
  password: string;
}

export interface DemoSeed {
  staff: SeededAccount[];
  /** Null when the catalog already had records. */
  catalog: { records: number; items: number } | null;
  patrons: SeededPatron[];
  loans: number;
  holds: number;
  /** Null when the library already had groups of public computers. */
  computers: SeededComputers | null;
  /** Simulated page views added to the website statistics (0 when there were some already). */
  pageViews: number;
}

/** Creates whatever demo data is missing; returns the one-time passwords and PINs to print once. */
export async function seedDemo(ctx: AppContext): Promise<DemoSeed> {
  const staff: SeededAccount[] = [];
  for (const s of demoStaff) {
    if (await findStaffByUsername(ctx.db, s.username)) continue;
    const created = await createStaff(ctx, { kind: 'system' }, s);
    staff.push({ username: s.username, roles: s.roles, password: created.oneTimePassword! });
  }
  const catalog = !(await existsAnyRow(ctx.db, 'bib_records')) ? await seedDemoCatalog(ctx) : null;
  const patrons = !(await existsAnyRow(ctx.db, 'patrons')) ? await seedDemoPatrons(ctx) : [];
  const { loans, holds } =
    catalog && patrons.length >= 4 ? await seedDemoCirculation(ctx, patrons) : { loans: 0, holds: 0 };
  const computers = !(await existsAnyRow(ctx.db, 'pc_groups')) ? await seedDemoComputers(ctx) : null;
  const pageViews = await seedDemoTraffic(ctx);
  return { staff, catalog, patrons, loans, holds, computers, pageViews };
}

/**
 * A few loans and holds through the real services (as the system at the desk): two loans at the
 * first branch and one at the second, a title hold waiting behind a loan, and a hold whose copy
 * was caught at check-in and waits on the hold shelf under a pickup code.
 */
async function seedDemoCirculation(
  ctx: AppContext,
  patrons: SeededPatron[],
): Promise<{ loans: number; holds: number }> {
  const system = { kind: 'system' } as const;
  const [main, east] = [ctx.config.library.branches[0]!.code, ctx.config.library.branches[1]?.code];
  const items = await findAvailableItems(ctx.db, 500);
  const at = (branch: string | undefined) => items.filter((i) => i.branch_code === branch);
  const usedBibs = new Set<string>();
  const pick = (branch: string | undefined) => {
    const item = at(branch).find((i) => !usedBibs.has(i.bib_id));
    if (item) usedBibs.add(item.bib_id);
    return item;
  };
  const [dana, eli, frankie, gio] = patrons as [SeededPatron, SeededPatron, SeededPatron, SeededPatron];
  let loans = 0;
  let holds = 0;
  const lend = async (who: SeededPatron, branch: string | undefined) => {
    const item = pick(branch);
    if (!item || !branch) return undefined;
    await checkOut(ctx, system, { patronId: who.id, barcode: item.barcode, branch });
    loans++;
    return item;
  };
  const first = await lend(dana, main);
  await lend(dana, main);
  await lend(eli, east ?? main);
  if (first) {
    await placeHold(
      ctx,
      { kind: 'staff', actor: system },
      { patronId: frankie.id, bibId: first.bib_id, pickupBranch: main },
    );
    holds++;
  }
  const onShelf = pick(main);
  if (onShelf) {
    await placeHold(
      ctx,
      { kind: 'staff', actor: system },
      { patronId: gio.id, bibId: onShelf.bib_id, pickupBranch: main },
    );
    holds++;
    // Pulled from the shelf and checked in: caught for Gio's hold and put on the hold shelf.
    await checkIn(ctx, system, { barcode: onShelf.barcode, branch: main });
  }
  return { loans, holds };
}
