// `carrel cases verify` (issue 15 item 6; L6): walks every case's hash chain and reports each case
// and sequence number where it is broken. Needs no key: the chain covers the ciphertexts.
import type { AppContext } from '../../context.ts';
import { checkChain } from './legal.chain.ts';
import * as repo from './legal.repository.ts';

const PAGE = 500;

export interface ChainReport {
  cases: number;
  events: number;
  breaks: Array<{ caseId: string; seq: number; problem: string }>;
}

/** Checks every case, PAGE cases at a time, in id order. */
export async function verifyCases(ctx: AppContext, db: repo.Db = ctx.db): Promise<ChainReport> {
  const report: ChainReport = { cases: 0, events: 0, breaks: [] };
  let after = '';
  for (;;) {
    const ids = await repo.findCaseIdsAfter(db, after, PAGE);
    for (const id of ids) {
      const row = await repo.findCase(db, id);
      if (!row) continue; // purged meanwhile
      const events = await repo.findEvents(db, id);
      report.cases++;
      report.events += events.length;
      for (const b of checkChain(row, events)) report.breaks.push({ caseId: id, ...b });
    }
    if (ids.length < PAGE) return report;
    after = ids[ids.length - 1]!;
  }
}
