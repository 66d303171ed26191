// Guest passes (issue 14 item 5): staff print N passes of M minutes for a branch for today. Each
// code (≈59.5 bits from an unambiguous alphabet) is returned once and stored only as an HMAC under
// the day's key; a pass logs in once; unused passes are destroyed at the day's rollover.
import { iso } from '../../clock.ts';
import type { Actor } from '../../auth/actors.ts';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { branchOf, dayKey, today } from './pcs.common.ts';
import { dayHmac, newPassCode, normalizePassCode } from './pcs.keys.ts';
import { assertCanManagePcs } from './pcs.policy.ts';
import * as queue from './pcs-queue.repository.ts';

/** Creates `count` passes of `minutes` for a branch, valid today; returns the codes to print, once. */
export async function createPasses(
  ctx: AppContext,
  actor: Actor,
  input: { branch: string; count: number; minutes: number },
): Promise<{ day: string; minutes: number; codes: string[] }> {
  assertCanManagePcs(actor);
  branchOf(ctx, input.branch);
  const fields: Record<string, string> = {};
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 200)
    fields.count = 'Between 1 and 200.';
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 720)
    fields.minutes = 'Between 1 and 720.';
  if (Object.keys(fields).length) throw new ValidationError('Please correct the numbers.', fields);
  const day = today(ctx);
  const now = ctx.clock.now();
  const key = await dayKey(ctx, ctx.db, day);
  const codes = Array.from({ length: input.count }, () => newPassCode());
  await queue.insertPasses(
    ctx.db,
    codes.map((c) => ({
      id: newId(now.getTime()),
      branch: input.branch,
      day,
      code_hash: dayHmac(key, normalizePassCode(c)),
      minutes: input.minutes,
      created_at: iso(now),
      used_at: null,
    })),
  );
  return { day, minutes: input.minutes, codes };
}
