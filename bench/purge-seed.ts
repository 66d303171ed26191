// Fills a migrated Carrel SQLite database with staff sessions for bench/purge.ts, fast: its own
// better-sqlite3 connection, one prepared statement, transactions of 50,000 rows.
//   - `expired` sessions of staff member A (expired 1 minute to 30 days ago)   → the purge removes them;
//   - `live` sessions of A expiring 2 to 12 hours from now                       → must stay;
//   - `held` expired sessions of staff member B, under an active legal hold      → must stay (G6).
// Rows go in as a live system writes them, oldest first ('chronological': row order follows
// created_at and, roughly, expires_at; the live sessions are the newest), or, as a worst case, with
// expiry times at random relative to row order ('random'). Held rows sit at random positions. Session
// ids are UUIDv7 made from the creation time, as staff.service.ts makes them ('uuid7'), or, as the
// worst case of a table keyed by random values, random hex ('random').
import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { newId } from '../src/ids.ts';
import { prng } from './lib.ts';

export interface SeedCounts {
  expired: number;
  live: number;
  held: number;
}

export type SeedOrder = 'chronological' | 'random';
/** `uuid7`: time-ordered ids as Carrel makes them; `random`: keys in random order (worst case). */
export type SeedIds = 'uuid7' | 'random';

export interface Seeded {
  /** Ids of the sessions that must survive (live and held). */
  survivors: string[];
  staffA: string;
  staffB: string;
  seedMs: number;
  dbBytes: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHUNK = 50_000;

export function seedSessions(
  file: string,
  nowMs: number,
  counts: SeedCounts,
  order: SeedOrder = 'chronological',
  ids: SeedIds = 'uuid7',
): Seeded {
  const t0 = performance.now();
  const conn = new Database(file, { fileMustExist: true });
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = OFF'); // seeding only; the purge runs with Carrel's own pragmas
  conn.pragma('foreign_keys = ON');
  const isoAt = (ms: number) => new Date(ms).toISOString();
  const staffA = crypto.randomUUID();
  const staffB = crypto.randomUUID();
  const addStaff = conn.prepare(
    `INSERT INTO staff (id, username, display_name, password_hash, is_disabled, must_change_password, created_at, updated_at, password_changed_at)
     VALUES (?, ?, ?, 'x', 0, 0, ?, ?, ?)`,
  );
  const longAgo = isoAt(nowMs - 400 * DAY);
  addStaff.run(staffA, 'bench-a', 'Bench A', longAgo, longAgo, longAgo);
  addStaff.run(staffB, 'bench-b', 'Bench B', longAgo, longAgo, longAgo);
  conn
    .prepare(
      `INSERT INTO legal_holds (id, case_ref, reason, subject_kind, subject_id, table_name, created_at)
       VALUES (?, 'BENCH-1', 'benchmark', 'staff', ?, NULL, ?)`,
    )
    .run(crypto.randomUUID(), staffB, isoAt(nowMs - DAY));

  const total = counts.expired + counts.live + counts.held;
  const old = counts.expired + counts.held;
  const kind = new Uint8Array(total); // 0 expired (A), 1 live (A), 2 expired but held (B)
  const rand = prng(20260302);
  const place = (k: number, n: number, positions: number) => {
    for (let placed = 0; placed < n;) {
      const p = Math.floor(rand() * positions);
      if (kind[p] === 0) {
        kind[p] = k;
        placed++;
      }
    }
  };
  if (order === 'random') place(1, counts.live, total);
  else kind.fill(1, old); // the newest sessions are the live ones
  place(2, counts.held, order === 'random' ? total : old);

  /** Expiry of row i: chronological rows expire in row order over the last 30 days, give or take an hour. */
  const expiresAt = (i: number, k: number): number => {
    if (k === 1) return nowMs + 2 * HOUR + rand() * 10 * HOUR;
    if (order === 'random') return nowMs - 60_000 - rand() * 30 * DAY;
    return Math.min(nowMs - 60_000, nowMs - 30 * DAY + (i / old) * (30 * DAY - HOUR) + rand() * HOUR);
  };

  const insert = conn.prepare(
    `INSERT INTO staff_sessions (id, secret_hash, staff_id, created_at, last_seen_at, expires_at, absolute_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const salt = crypto.randomBytes(8).toString('hex');
  const survivors: string[] = [];
  const insertRange = conn.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const k = kind[i] as number;
      // The secret's hash, as staff.service.ts stores it beside the id.
      const hash = crypto.createHash('sha256').update(`${salt}:${i}`).digest('hex');
      const expires = expiresAt(i, k);
      const lastSeen = Math.min(nowMs, expires - 30 * 60_000);
      const created = lastSeen - rand() * 8 * HOUR;
      const id = ids === 'uuid7' ? newId(Math.floor(created)) : crypto.randomUUID();
      insert.run(
        id,
        hash,
        k === 2 ? staffB : staffA,
        isoAt(created),
        isoAt(lastSeen),
        isoAt(expires),
        isoAt(created + 10 * HOUR),
      );
      if (k !== 0) survivors.push(id);
    }
  });
  for (let from = 0; from < total; from += CHUNK) insertRange(from, Math.min(total, from + CHUNK));
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
  return { survivors, staffA, staffB, seedMs: performance.now() - t0, dbBytes: fs.statSync(file).size };
}
