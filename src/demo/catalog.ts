// The demo catalog: about forty descriptions of public-domain works (books in English, French,
// German and Spanish, DVDs, music CDs, an audiobook, a score, a magazine) with copies at MAIN and
// EAST, loaded through the real MARC importer from catalog.xml beside this file. Running it again
// updates the same records and copies (same control numbers and barcodes), adding nothing twice.
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../context.ts';
import { importCatalog } from '../features/catalog/import/import.service.ts';
import { bufferSource } from '../features/catalog/import/sources.ts';

export const demoCatalogFile = path.join(import.meta.dirname, 'catalog.xml');

/** Imports the demo catalog with its copies; returns how many records and copies it holds. */
export async function seedDemoCatalog(ctx: AppContext): Promise<{ records: number; items: number }> {
  const summary = await importCatalog(
    ctx,
    { kind: 'system' },
    [bufferSource('demo catalog', fs.readFileSync(demoCatalogFile))],
    { items: true, encoding: 'auto' },
  );
  // The file ships with Carrel: a record or copy it cannot import is a bug, not bad input.
  if (summary.problems.length > 0 || summary.problemsNotListed > 0) {
    const p = summary.problems[0];
    throw new Error(`demo catalog: record ${p?.record} (${p?.position}) not imported: ${p?.reason}`);
  }
  return {
    records: summary.imported + summary.updated,
    items: summary.items.created + summary.items.updated,
  };
}
