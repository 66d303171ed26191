// Test set-up for public computers: a group with stations at MAIN, patrons with a known PIN.
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.ts';
import { makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { createGroup, createStation, type GroupInput } from './pcs-stations.service.ts';

const system = { kind: 'system' } as const;
let seq = 0;

/** A new group at MAIN with `stations` computers; returns the ids. */
export async function makeGroup(
  ctx: AppContext,
  stations: number,
  opts: Partial<GroupInput> = {},
): Promise<{ groupId: string; stationIds: string[] }> {
  const n = ++seq;
  const groupId = await createGroup(ctx, system, {
    branch: 'MAIN',
    name: `G${n}`,
    ticketPrefix: 'B',
    ...opts,
  });
  const stationIds = [];
  for (let i = 0; i < stations; i++)
    stationIds.push(
      (await createStation(ctx, system, { branch: 'MAIN', groupId, name: `PC-${n}-${i}` })).stationId,
    );
  await seeStations(ctx, stationIds);
  return { groupId, stationIds };
}

/**
 * Marks computers as heard from now, as a running client does every 10 s: only a computer seen
 * within the offline threshold is free for the waiting list.
 */
export async function seeStations(ctx: AppContext, stationIds: string[]): Promise<void> {
  if (!stationIds.length) return;
  const now = ctx.clock.now().toISOString();
  await ctx.db.updateTable('pc_stations').set({ last_seen_at: now }).where('id', 'in', stationIds).execute();
}

/** A patron and the credentials a client would send. */
export async function makeCard(
  ctx: AppContext,
  patch: { age_band?: string | null; block_reason?: string | null; card_expires_at?: string } = {},
) {
  const p = await makePatron(ctx);
  if (Object.keys(patch).length)
    await ctx.db.updateTable('patrons').set(patch).where('id', '=', p.id).execute();
  return {
    patronId: p.id,
    cardNumber: p.cardNumber,
    credentials: { kind: 'card' as const, cardNumber: p.cardNumber, pin: TEST_PIN },
  };
}

/** After the rollover: no row of `day` is left in any of the day's tables (P1, P3). */
export async function assertDayGone(ctx: AppContext, day: string): Promise<void> {
  for (const t of [
    'pc_day_keys',
    'pc_usage',
    'pc_waitlist',
    'pc_waits',
    'pc_ticket_counters',
    'pc_passes',
  ] as const)
    assert.equal(
      (await ctx.db.selectFrom(t).selectAll().where('day', '=', day).execute()).length,
      0,
      `${t}: nothing of ${day}`,
    );
}
