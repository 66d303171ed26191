// Reading history (C3): opt-in, off by default; turning it off deletes all of it; the patron can
// delete single entries. Only the patron sees it: no staff screen or API shows it.
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { NotFoundError } from '../../errors.ts';
import type { PatronActor } from '../patrons/patron-actor.ts';
import { findPatronById } from '../patrons/patrons.repository.ts';
import * as repo from './circulation.repository.ts';

/** Turns reading history on or off for the patron; turning it off deletes all of it at once. */
export async function setReadingHistory(
  ctx: AppContext,
  patron: PatronActor,
  keep: boolean,
): Promise<{ deleted: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const nowIso = iso(ctx.clock.now());
    await repo.setKeepHistory(trx, patron.id, keep, nowIso);
    const deleted = keep ? 0 : await repo.deleteHistoryOfPatron(trx, patron.id);
    return { deleted };
  });
}

export async function deleteReadingHistoryEntry(
  ctx: AppContext,
  patron: PatronActor,
  id: string,
): Promise<void> {
  const n = await repo.deleteHistoryEntry(ctx.db, patron.id, id);
  if (n === 0) throw new NotFoundError('That entry is not in your reading history.');
}

export async function getReadingHistory(
  ctx: AppContext,
  patron: PatronActor,
  page: number,
): Promise<{
  keep: boolean;
  total: number;
  page: number;
  pageSize: number;
  entries: Awaited<ReturnType<typeof repo.findHistoryOfPatron>>;
}> {
  const p = await findPatronById(ctx.db, patron.id);
  if (!p) throw new NotFoundError('Your account no longer exists.');
  const pageSize = 50;
  const total = await repo.countHistoryOfPatron(ctx.db, patron.id);
  const last = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), last);
  return {
    keep: p.keep_history === 1,
    total,
    page: current,
    pageSize,
    entries: await repo.findHistoryOfPatron(ctx.db, patron.id, pageSize, (current - 1) * pageSize),
  };
}
