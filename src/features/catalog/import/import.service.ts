// The MARC import: reads sources record by record, maps bibliographic records to bib_records rows,
// optionally copies from 852/949, and writes them in transactions of a few hundred records, so a
// crash mid-file leaves whole records only. Bad records are reported with their position and
// skipped; the import goes on. Re-importing a control number updates that record (same id).
import { iso } from '../../../clock.ts';
import type { AppContext } from '../../../context.ts';
import { ForbiddenError, ValidationError } from '../../../errors.ts';
import { newId } from '../../../ids.ts';
import type { Actor } from '../../staff/staff.policy.ts';
import { canImportCatalog } from '../catalog.policy.ts';
import * as repo from '../catalog.repository.ts';
import type { ImportOptions } from '../catalog.schemas.ts';
import type { ItemTable } from '../catalog.table.ts';
import { classify, type Classified } from './classify.ts';
import type { ItemDraft } from './holdings.ts';
import type { BibDraft } from './map-record.ts';
import { classifyInWorker } from './parallel.ts';
import { readSource, type EncodingChoice, type ImportSource } from './sources.ts';
import { optimizeSearchIndex } from '../search/search.repository.ts';

/** Imports at least this large end by optimizing the search index. */
const OPTIMIZE_AFTER = 5000;

export { SKIP } from './classify.ts';

/** One record or copy that was not imported, and where it is. */
export interface ImportProblem {
  source: string;
  /** 1-based number of the record in its source. */
  record: number;
  /** "byte 1234" (ISO 2709) or "line 3, column 5" (MARCXML). */
  position: string;
  controlNumber?: string;
  reason: string;
}

export interface ImportSummary {
  /** Records read, good or bad, of every kind. */
  read: number;
  /** New bibliographic records. */
  imported: number;
  /** Records whose control number was already in the catalog (or earlier in the same import). */
  updated: number;
  /** Records not imported, counted by reason. */
  skipped: Record<string, number>;
  items: { created: number; updated: number; skipped: number };
  /** Skipped records and copies with where they are; at most MAX_PROBLEMS are listed. */
  problems: ImportProblem[];
  problemsNotListed: number;
  durationMs: number;
}

export interface ImportProgress {
  source: string;
  sourceIndex: number;
  /** Bytes of the current source read so far. */
  bytes: number;
  /** Records read so far, all sources together. */
  read: number;
}

export interface ImportHooks {
  onProgress?: (p: ImportProgress) => void;
  /** Records per transaction (default 500). */
  batchSize?: number;
  /**
   * Read and map records in a worker thread while this one writes (the default): a web upload's
   * parsing then never blocks the server's other requests, however hostile the file. `false`
   * reads here; only the CLI asks for it, for small files, where starting the worker costs more
   * (a few hundred milliseconds) than it saves.
   */
  parallel?: boolean;
}

const MAX_PROBLEMS = 1000;
const DEFAULT_BATCH = 500;

interface Pending {
  bib: BibDraft;
  items: ItemDraft[];
  source: string;
  record: number;
  position: string;
}

/**
 * Imports every record of the sources, in order, with options checked by importOptionsSchema (the
 * branch is checked here, against the configured branches); returns what happened, counted and listed.
 */
export async function importCatalog(
  ctx: AppContext,
  actor: Actor,
  sources: ImportSource[],
  options: ImportOptions,
  hooks: ImportHooks = {},
): Promise<ImportSummary> {
  if (!canImportCatalog(actor)) throw new ForbiddenError('Only an administrator can import catalog records.');
  const branchCodes = ctx.config.library.branches.map((b) => b.code.toUpperCase());
  if (options.branch && !branchCodes.includes(options.branch)) {
    throw new ValidationError('Please correct the marked fields.', {
      branch: `There is no branch ${options.branch}; choose one of ${branchCodes.join(', ')}.`,
    });
  }
  const started = Date.now();
  const batchSize = hooks.batchSize ?? DEFAULT_BATCH;
  const summary: ImportSummary = {
    read: 0,
    imported: 0,
    updated: 0,
    skipped: {},
    items: { created: 0, updated: 0, skipped: 0 },
    problems: [],
    problemsNotListed: 0,
    durationMs: 0,
  };
  const report = (p: ImportProblem) => {
    if (summary.problems.length < MAX_PROBLEMS) summary.problems.push(p);
    else summary.problemsNotListed++;
  };
  const skip = (reason: string) => (summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1);

  const flush = async (batch: Pending[]) => {
    if (batch.length === 0) return;
    await writeBatch(ctx, batch, options, branchCodes, summary, report);
  };

  for (const [sourceIndex, source] of sources.entries()) {
    let bytes = 0;
    const records: AsyncIterable<Classified> =
      (hooks.parallel ?? true)
        ? classifyInWorker(
            source,
            { encoding: options.encoding, items: options.items, batchSize },
            (n) => (bytes += n),
          )
        : classifyHere(source, options.encoding, options.items, (n) => (bytes += n));
    let batch: Pending[] = [];
    for await (const c of records) {
      summary.read++;
      if (summary.read % 1000 === 0)
        hooks.onProgress?.({ source: source.name, sourceIndex, bytes, read: summary.read });
      const at = { source: source.name, ...c.at };
      if (c.type === 'skip') {
        skip(c.reason);
        if (c.detail) report({ ...at, reason: c.detail });
        continue;
      }
      for (const reason of c.itemProblems) {
        summary.items.skipped++;
        report({ ...at, controlNumber: c.bib.controlNumber, reason });
      }
      batch.push({ bib: c.bib, items: c.items, ...at });
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    await flush(batch);
    hooks.onProgress?.({ source: source.name, sourceIndex, bytes, read: summary.read });
  }
  // A large load leaves the full-text index in many small segments; merge them once at the end.
  if (summary.imported + summary.updated >= OPTIMIZE_AFTER)
    await optimizeSearchIndex(ctx.db, ctx.database.ops.name);
  summary.durationMs = Date.now() - started;
  ctx.logger.info(
    {
      read: summary.read,
      imported: summary.imported,
      updated: summary.updated,
      skipped: summary.skipped,
      items: summary.items,
      durationMs: summary.durationMs,
    },
    'catalog import finished',
  );
  return summary;
}

/** Reads and classifies a source in this thread, counting the bytes read. */
async function* classifyHere(
  source: ImportSource,
  encoding: EncodingChoice,
  withItems: boolean,
  onBytes: (n: number) => void,
): AsyncGenerator<Classified> {
  const counted: ImportSource = {
    name: source.name,
    chunks: async function* () {
      for await (const c of source.chunks()) {
        onBytes(c.length);
        yield c;
      }
    },
  };
  for await (const r of readSource(counted, encoding)) yield classify(r, withItems);
}

/** Writes one batch of records (and their copies) in one transaction. */
async function writeBatch(
  ctx: AppContext,
  batch: Pending[],
  options: { items: boolean; branch?: string | undefined },
  branchCodes: string[],
  summary: ImportSummary,
  report: (p: ImportProblem) => void,
): Promise<void> {
  const now = ctx.clock.now();
  const nowIso = iso(now);
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findBibIdsByControlNumbers(
      trx,
      batch.map((p) => p.bib.controlNumber),
    );
    // The same control number twice in one batch: the later record wins, as in a re-import.
    const inserts = new Map<string, ReturnType<typeof toRow>>();
    const updates = new Map<string, { id: string; values: repo.BibValues }>();
    const bibIdOf = new Map<string, string>();
    for (const p of batch) {
      const cn = p.bib.controlNumber;
      const values = toValues(p.bib);
      const known = existing.get(cn);
      if (known) {
        updates.set(cn, { id: known, values });
        bibIdOf.set(cn, known);
        summary.updated++;
      } else if (inserts.has(cn)) {
        const row = inserts.get(cn)!;
        inserts.set(cn, { ...row, ...values });
        summary.updated++;
      } else {
        const row = toRow(newId(now.getTime()), values, nowIso);
        inserts.set(cn, row);
        bibIdOf.set(cn, row.id);
        summary.imported++;
      }
    }
    await repo.insertBibRecords(trx, [...inserts.values()]);
    for (const u of updates.values()) await repo.updateBibRecord(trx, u.id, u.values, nowIso);
    if (!options.items) return;

    const withItems = batch.filter((p) => p.items.length > 0);
    if (withItems.length === 0) return;
    const existingItems = await repo.findItemIdsByBarcodes(
      trx,
      withItems.flatMap((p) => p.items.map((i) => i.barcode)),
    );
    const newItems = new Map<string, ItemTable>();
    const itemUpdates = new Map<string, { id: string; changes: repo.ItemChanges }>();
    for (const p of withItems) {
      const bibId = bibIdOf.get(p.bib.controlNumber)!;
      for (const item of p.items) {
        const inField = item.branchInField?.toUpperCase();
        const branch = inField && branchCodes.includes(inField) ? inField : options.branch;
        if (!branch) {
          summary.items.skipped++;
          report({
            source: p.source,
            record: p.record,
            position: p.position,
            controlNumber: p.bib.controlNumber,
            reason: `copy ${item.barcode}: ${
              item.branchInField
                ? `branch "${item.branchInField}" is not one of this library's branches (${branchCodes.join(', ')})`
                : 'no branch in the field'
            }; import with a default branch (--branch) to add it`,
          });
          continue;
        }
        const changes = {
          bib_id: bibId,
          call_number: item.callNumber,
          branch_code: branch,
          location: item.location,
          material_type: item.materialType,
        };
        const known = existingItems.get(item.barcode);
        if (known) {
          itemUpdates.set(item.barcode, { id: known, changes });
          summary.items.updated++;
        } else if (newItems.has(item.barcode)) {
          newItems.set(item.barcode, { ...newItems.get(item.barcode)!, ...changes });
          summary.items.updated++;
        } else {
          newItems.set(item.barcode, {
            id: newId(now.getTime()),
            barcode: item.barcode,
            ...changes,
            status: 'available',
            transit_to: null,
            created_at: nowIso,
            updated_at: nowIso,
          });
          summary.items.created++;
        }
      }
    }
    await repo.insertItems(trx, [...newItems.values()]);
    // A copy already in the catalog keeps its status: on loan or on the hold shelf stays so.
    for (const u of itemUpdates.values()) await repo.updateItem(trx, u.id, u.changes, nowIso);
  });
}

const toValues = (b: BibDraft): repo.BibValues => ({
  control_number: b.controlNumber,
  title: b.title,
  author: b.author,
  format: b.format,
  language: b.language,
  pub_year: b.pubYear,
  publisher: b.publisher,
  isbn: b.isbn,
  issn: b.issn,
  subjects: b.subjects,
  series: b.series,
  notes: b.notes,
  marc: b.marc,
});

const toRow = (id: string, values: repo.BibValues, nowIso: string) => ({
  id,
  ...values,
  created_at: nowIso,
  updated_at: nowIso,
});
