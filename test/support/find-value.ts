// Searches for a value everywhere Carrel could have left it: every column of every table, and the
// raw bytes of the SQLite database file with its -wal and -shm siblings. Used to prove that a
// purged value is really gone (G2), not merely hidden.
import fs from 'node:fs';
import { sql } from 'kysely';
import type { AppContext } from '../../src/context.ts';

export interface Sighting {
  where: string;
  count: number;
}

export async function findValueEverywhere(ctx: AppContext, value: string): Promise<Sighting[]> {
  const found: Sighting[] = [];
  const { db, database } = ctx;
  for (const table of await database.ops.listTables(db)) {
    for (const column of await database.ops.listColumns(db, table)) {
      const res = await sql<{ n: number }>`
        SELECT COUNT(*) AS n FROM ${sql.table(table)}
        WHERE CAST(${sql.ref(column)} AS TEXT) LIKE ${`%${value.replace(/[%_\\]/g, '\\$&')}%`} ESCAPE '\\'`.execute(
        db,
      );
      const n = Number(res.rows[0]?.n ?? 0);
      if (n > 0) found.push({ where: `${table}.${column}`, count: n });
    }
  }
  if (database.sqliteFile) {
    const needles = [Buffer.from(value, 'utf8'), Buffer.from(value, 'utf16le')];
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      const file = database.sqliteFile + suffix;
      if (!fs.existsSync(file)) continue;
      const bytes = fs.readFileSync(file);
      const n = needles.reduce((s, needle) => s + countOccurrences(bytes, needle), 0);
      if (n > 0) found.push({ where: `file ${file}`, count: n });
    }
  }
  return found;
}

function countOccurrences(hay: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) n++;
  return n;
}
