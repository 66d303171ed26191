// The concurrent reader of bench/purge.ts, in a worker thread with its own better-sqlite3
// connection (WAL mode, as Carrel opens it): the indexed session lookup every staff request makes
// (staff.repository.ts findSession), by primary key, on rows the purge keeps, every `intervalMs`.
// Messages: {start} begins a phase; {stop} ends it and answers with the latencies (ms) measured.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface ReaderData {
  file: string;
  /** Keys of rows that survive the purge; read in turn. */
  ids: string[];
  intervalMs: number;
  /** Reads slower than this are reported one by one. */
  slowMs: number;
}

export type ToReader = { type: 'start' } | { type: 'stop' };
export type FromReader =
  | { type: 'started' }
  | {
      type: 'samples';
      latenciesMs: Float64Array;
      /** Reads slower than slowMs: when they started (epoch ms) and how long they took. */
      slow: { at: number; ms: number }[];
      misses: number;
      errors: number;
      firstError: string | null;
    };

const { file, ids, intervalMs, slowMs } = workerData as ReaderData;
const port = parentPort;
if (!port) throw new Error('purge-reader.ts runs as a worker thread');

const conn = new Database(file, { fileMustExist: true });
conn.pragma('journal_mode = WAL');
conn.pragma('busy_timeout = 5000');
const find = conn.prepare(
  'SELECT id, staff_id, last_seen_at, expires_at, absolute_expires_at FROM staff_sessions WHERE id = ?',
);

let running = false;
let samples: number[] = [];
let slow: { at: number; ms: number }[] = [];
let misses = 0;
let errors = 0;
let firstError: string | null = null;
let loop: Promise<void> = Promise.resolve();

async function readLoop(): Promise<void> {
  let i = 0;
  while (running) {
    const id = ids[i++ % ids.length] as string;
    const t0 = performance.now();
    try {
      if (find.get(id) === undefined) misses++;
    } catch (err) {
      errors++;
      firstError ??= err instanceof Error ? err.message : String(err);
    }
    const ms = performance.now() - t0;
    samples.push(ms);
    if (ms > slowMs) slow.push({ at: performance.timeOrigin + t0, ms });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

port.on('message', async (m: ToReader) => {
  if (m.type === 'start') {
    samples = [];
    slow = [];
    misses = 0;
    errors = 0;
    firstError = null;
    running = true;
    loop = readLoop();
    port.postMessage({ type: 'started' } satisfies FromReader);
  } else if (m.type === 'stop') {
    running = false;
    await loop;
    const latenciesMs = Float64Array.from(samples);
    port.postMessage(
      { type: 'samples', latenciesMs, slow, misses, errors, firstError } satisfies FromReader,
      [latenciesMs.buffer],
    );
  }
});
