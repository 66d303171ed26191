// "My data" (A5, G3): everything Carrel holds about a patron, generated from the data inventory.
// Every table whose hold scope names a patron contributes its rows about this patron, with exactly
// the columns the inventory marks for the patron's export, described in the inventory's words. A
// table added later (loans, holds, reading history …) appears here without a change to this file.
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import type { Inventory } from '../../privacy/inventory.ts';
import * as repo from './patrons.repository.ts';

export interface MyDataTable {
  table: string;
  description: string;
  columns: Array<{ name: string; description: string }>;
  rows: Array<Record<string, string | number | null>>;
}

export interface MyData {
  generatedAt: string;
  tables: MyDataTable[];
}

/** Columns whose ids are shown as something a person recognises: a title, or a copy's barcode. */
const bibColumns = new Set(['bib_id']);
const itemColumns = new Set(['item_id', 'trapped_item_id']);

/** The tables about a patron and the columns of each that go into the patron's own copy. */
export function exportPlan(inventory: Inventory) {
  return inventory
    .filter((t) => t.holdScope?.subject?.kind === 'patron')
    .map((t) => ({
      table: t.table,
      description: t.description,
      subjectColumn: t.holdScope!.subject!.column,
      columns: Object.entries(t.columns)
        .filter(([, c]) => c.personal && c.inExport)
        .map(([name, c]) => ({ name, description: c.description })),
    }))
    .filter((t) => t.columns.length > 0);
}

const scalar = (v: unknown): string | number | null =>
  v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'string' ? v : String(v);

export async function buildMyData(ctx: AppContext, patronId: string): Promise<MyData> {
  const tables: MyDataTable[] = [];
  for (const plan of exportPlan(ctx.inventory)) {
    const names = plan.columns.map((c) => c.name);
    const raw = await repo.findRowsOfSubject(ctx.db, plan.table, names, plan.subjectColumn, patronId);
    const bibIds = new Set<string>();
    const itemIds = new Set<string>();
    for (const r of raw)
      for (const n of names) {
        const v = r[n];
        if (typeof v !== 'string') continue;
        if (bibColumns.has(n)) bibIds.add(v);
        if (itemColumns.has(n)) itemIds.add(v);
      }
    const titles = await repo.findTitles(ctx.db, [...bibIds]);
    const items = await repo.findItemLabels(ctx.db, [...itemIds]);
    const rows = raw.map((r) =>
      Object.fromEntries(
        names.map((n) => {
          const v = r[n];
          if (typeof v === 'string' && bibColumns.has(n)) return [n, titles.get(v) ?? v];
          if (typeof v === 'string' && itemColumns.has(n)) return [n, items.get(v) ?? v];
          return [n, scalar(v)];
        }),
      ),
    );
    tables.push({ table: plan.table, description: plan.description, columns: plan.columns, rows });
  }
  return { generatedAt: iso(ctx.clock.now()), tables };
}
