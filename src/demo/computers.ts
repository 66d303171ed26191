// Demo public computers (issue 14), so that the staff map, /computers/CODE and the wall board show
// something on a new installation: a group "Internet" with a few approved computers at every
// branch, and at the first branch a "Children" group for the age band "child" (when the library
// has that band). Made through the public-computer services, as the system. Each computer gets a
// station key that is thrown away: `carrel pcs libki-ini --station NAME --branch CODE` gives one
// of them a new key and the kiosk configuration to go with it.
import type { AppContext } from '../context.ts';
import { createGroup, createStation } from '../features/pcs/pcs-stations.service.ts';

const system = { kind: 'system' } as const;

/** Computers per group: the group, its ticket letter, who may use it and its computers' names. */
function plan(ctx: AppContext) {
  const branches = ctx.config.library.branches.map((b) => b.code);
  const hasChild = ctx.config.library.circulation.ageBands.includes('child');
  const names = (branch: string, part: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${branch}-${part}-${String(i + 1).padStart(2, '0')}`);
  return branches.flatMap((branch, i) => [
    { branch, name: 'Internet', prefix: 'I', ageBands: null, stations: names(branch, 'PC', i === 0 ? 4 : 3) },
    ...(i === 0 && hasChild
      ? [{ branch, name: 'Children', prefix: 'C', ageBands: ['child'], stations: names(branch, 'KIDS', 2) }]
      : []),
  ]);
}

export interface SeededComputers {
  groups: number;
  stations: number;
  /** The first branch's code, for the page to try. */
  firstBranch: string;
}

/** Creates the demo groups and computers; returns how many of each. */
export async function seedDemoComputers(ctx: AppContext): Promise<SeededComputers> {
  let groups = 0;
  let stations = 0;
  for (const g of plan(ctx)) {
    const groupId = await createGroup(ctx, system, {
      branch: g.branch,
      name: g.name,
      ticketPrefix: g.prefix,
      ageBands: g.ageBands,
    });
    groups++;
    for (const name of g.stations) {
      await createStation(ctx, system, { branch: g.branch, groupId, name });
      stations++;
    }
  }
  return { groups, stations, firstBranch: ctx.config.library.branches[0]!.code };
}
