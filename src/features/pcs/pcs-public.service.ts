// What the public pages of a branch's computers need (issue 14 item 4; P1, P2): free computers and
// waiting tickets per group, joining the list anonymously or with card and PIN (throttled like
// every PIN sign-in, A3), following one ticket, and the wall board. Never who: no name, no card.
import { attemptSucceeded, reserveAttempt, signInKeys } from '../../auth/throttle.ts';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { branchOf } from './pcs.common.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';
import type { JoinValues } from './pcs-public.schemas.ts';
import {
  freeStations,
  joinWaitlist,
  ticketStatus,
  type Ticket,
  type TicketStatus,
} from './pcs-waitlist.service.ts';

export interface GroupNow {
  groupId: string;
  name: string;
  /** Computers in service (approved, not out of order). */
  computers: number;
  /** Free now: nobody on it and not held for a ticket. */
  free: number;
  /** Tickets not yet called to a computer. */
  waiting: number;
}

/** The branch's groups as a patron sees them now; NotFoundError for a branch the library lacks. */
export async function branchComputers(
  ctx: AppContext,
  branchCode: string,
): Promise<{ branchName: string; groups: GroupNow[] }> {
  const branch = branchOf(ctx, branchCode);
  const stations = await repo.findStations(ctx.db, branch.code);
  const groups: GroupNow[] = [];
  for (const g of await repo.findGroups(ctx.db, branch.code)) {
    const tickets = await queue.findGroupTickets(ctx.db, g.id);
    groups.push({
      groupId: g.id,
      name: g.name,
      computers: stations.filter((s) => s.group_id === g.id && s.is_approved && !s.is_out_of_order).length,
      free: (await freeStations(ctx, g.id)).length,
      waiting: tickets.filter((t) => t.called_station_id === null).length,
    });
  }
  return { branchName: branch.name, groups };
}

const cardRefusals: Record<string, string> = {
  BAD_LOGIN: 'Wrong card number or PIN.',
  ACCOUNT_DISABLED: 'This card cannot be used for the computers now; please ask at the desk.',
  ACCOUNT_EXPIRED: 'This card has expired; please ask at the desk to renew it.',
  ILS_UNAVAILABLE:
    'Cards cannot be checked right now; please try again in a few minutes, or ask at the desk.',
};
const withoutCard = ' You can also take a ticket without a card: leave both card fields empty.';

/**
 * Joins a group's list from the public page. With card and PIN, failures count in the same
 * throttle as every patron sign-in (per card and address, per address, per card); the address is
 * used only in memory, to compute a keyed hash.
 */
export async function joinFromPage(
  ctx: AppContext,
  branchCode: string,
  input: JoinValues,
  clientAddress: string,
): Promise<Ticket> {
  const branch = branchOf(ctx, branchCode);
  const group = await repo.findGroup(ctx.db, input.groupId);
  if (!group || group.branch !== branch.code)
    throw new ValidationError('Choose a group of computers.', {
      groupId: 'Choose one of the groups listed.',
    });
  if (!input.card) return ok(await joinWaitlist(ctx, { groupId: group.id }));
  const keys = signInKeys(ctx.config.secret, 'patron', input.card.cardNumber, clientAddress);
  await reserveAttempt(
    ctx.db,
    ctx.database.ops,
    [keys.pair, keys.source, keys.account],
    ctx.clock.now(),
    ctx.logger,
  );
  const r = await joinWaitlist(ctx, { groupId: group.id, card: input.card });
  if (r.ok || r.reason !== 'BAD_LOGIN')
    await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.source, keys.account]);
  return ok(r);
}

function ok(r: Awaited<ReturnType<typeof joinWaitlist>>): Ticket {
  if (r.ok) return r;
  // A short text from the library system (SIP2) says more than Carrel's own words for the reason.
  const why = r.message ?? cardRefusals[r.reason];
  const message = (why ?? 'This card cannot take a ticket now.') + withoutCard;
  throw new ValidationError(message, { cardNumber: why ?? message });
}

/** One ticket of this branch, for the link its holder follows; undefined once it is gone. */
export async function followTicket(
  ctx: AppContext,
  branchCode: string,
  ticketId: string,
): Promise<TicketStatus | undefined> {
  const branch = branchOf(ctx, branchCode);
  const t = await queue.findTicket(ctx.db, ticketId);
  if (!t || t.branch !== branch.code) return undefined;
  return ticketStatus(ctx, ticketId);
}

export interface Board {
  branchName: string;
  /** Called tickets and the computer each is called to. */
  called: Array<{ ticket: string; stationName: string; groupName: string }>;
  /** Waiting tickets in order, per group. */
  waiting: Array<{ groupName: string; tickets: string[] }>;
}

/** The wall board: ticket numbers, group and computer names only. */
export async function branchBoard(ctx: AppContext, branchCode: string): Promise<Board> {
  const branch = branchOf(ctx, branchCode);
  const groups = await repo.findGroups(ctx.db, branch.code);
  const names = new Map(groups.map((g) => [g.id, g.name]));
  const stations = new Map((await repo.findStations(ctx.db, branch.code)).map((s) => [s.id, s.name]));
  const tickets = await queue.findBranchTickets(ctx.db, branch.code);
  const called = tickets
    .filter((t) => t.called_station_id !== null)
    .map((t) => ({
      ticket: t.ticket,
      stationName: stations.get(t.called_station_id ?? '') ?? 'a computer',
      groupName: names.get(t.group_id) ?? '',
    }));
  const waiting = groups
    .map((g) => ({
      groupName: g.name,
      tickets: tickets
        .filter((t) => t.group_id === g.id && t.called_station_id === null)
        .map((t) => t.ticket),
    }))
    .filter((g) => g.tickets.length > 0);
  return { branchName: branch.name, called, waiting };
}
