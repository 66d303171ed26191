// Public computers (issue 14, Performance): 1,000 stations running the Libki kiosk client poll
// Carrel every 10 s, plus 30 logins a minute; server CPU per poll and the p95 of a poll
// (target ≤ 5 ms), against a bare Fastify route in the same run.
//
// The servers run in child processes (bench/pcs-server.ts): Carrel with --groups × --per-group
// stations created through the services, and a bare Fastify route at the same path answering JSON
// of the same shapes. This process is the load generator: one simulated kiosk per station, each
// with its own keep-alive connection, sending exactly what the Libki client 2.4.0 sends
// (test/support/libki-client.ts: the parameters in its order, QUrlQuery's encoding, its headers,
// the station-key header, the card and PIN repeated in every poll). Every kiosk sends register_node
// every --interval seconds (as the client does all its life; --register=no leaves it out) and, while
// signed in, get_user_data every --interval seconds, half an interval later; the kiosks' schedules
// are spread evenly over the interval. Before the rounds, --logged-in of the stations sign in (card
// + PIN, argon2id each). During a run, --logins times a minute one signed-in kiosk logs out and a
// free one signs in with a fresh card. The bare server gets the same requests.
//
// The server's CPU (process.cpuUsage of its process, argon2's threads included) over a run is divided
// by the polls; the server also reports its count of argon2id verifications, which must equal the
// logins of the run: a poll never verifies a PIN (issue 14 item 2; P3). Rounds alternate the order
// (bare, Carrel / Carrel, bare / ...) and the target is judged on the median over rounds.
//
//   node --import tsx bench/pcs.ts [--rounds=3] [--duration=30] [--warmup=10] [--groups=10]
//     [--per-group=100] [--logged-in=0.9] [--logins=30] [--interval=10] [--register=yes|no] [--cpu-prof]
import path from 'node:path';
import { startChild, type Child } from './child.ts';
import { Kiosk, runLoad, type PcsRun } from './pcs-load.ts';
import type { FromServer, PcsSettings } from './pcs-server.ts';
import { choiceFlag, machineInfo, median, numberFlag, round, table, writeResult } from './lib.ts';

const rounds = numberFlag('rounds', 3);
const duration = numberFlag('duration', 30);
const warmup = numberFlag('warmup', 10);
const groups = numberFlag('groups', 10);
const perGroup = numberFlag('per-group', 100);
const loggedIn = numberFlag('logged-in', 0.9);
const loginsPerMinute = numberFlag('logins', 30);
const interval = numberFlag('interval', 10);
const register = choiceFlag('register', ['yes', 'no'] as const) === 'yes';
const cpuProf = process.argv.includes('--cpu-prof');
const TARGET_P95_MS = 5;
if (loggedIn > 1) throw new Error('--logged-in is a share of the stations, at most 1');

type Ready = Extract<FromServer, { type: 'ready' }>;
type Cpu = Extract<FromServer, { type: 'cpu' }>;

const stationCount = groups * perGroup;
const carrelSeconds = warmup + rounds * duration;
const settings: PcsSettings = {
  groups,
  perGroup,
  patrons: Math.ceil(stationCount * loggedIn) + Math.ceil((carrelSeconds / 60) * loginsPerMinute) + 20,
};

const machine = machineInfo();
console.log(
  `pcs: ${stationCount} stations (${groups} groups × ${perGroup}), ${Math.round(loggedIn * 100)}% signed in, ` +
    `polls every ${interval} s${register ? ' + register_node' : ''}, ${loginsPerMinute} logins/min; ` +
    `${rounds} rounds × ${duration} s after ${warmup} s warm-up${cpuProf ? ', --cpu-prof' : ''}`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);

const t0 = performance.now();
const [carrel, bare] = await Promise.all([
  startChild<Ready>('pcs-carrel', 'pcs-server.ts', ['carrel', JSON.stringify(settings)], cpuProf),
  startChild<Ready>('pcs-bare', 'pcs-server.ts', ['bare', JSON.stringify(settings)], false),
]);
const cpuOf = (c: Child<Ready>) => c.ask<Cpu>({ type: 'cpu' }, 'cpu');
const setup = carrel.ready;
const cards = [...setup.cards];
const kiosks = setup.stations.map((s) => new Kiosk(new URL(setup.url), new URL(bare.ready.url), s));
console.log(`carrel: ${kiosks.length} stations and ${cards.length} patrons ready in ${setup.setupMs} ms`);

// Sign in the share of stations that starts busy, a few at a time (argon2id each, on the server).
const busy = kiosks.filter((_, i) => i % 100 < Math.round(loggedIn * 100));
const v0 = (await cpuOf(carrel)).verifications;
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < busy.length) {
      const k = busy[next++]!;
      const r = await k.login('carrel', cards.shift()!, setup.pin);
      if (!r.ok) throw new Error(`initial sign-in at ${k.station.name} failed: ${r.detail}`);
    }
  }),
);
const afterLogin = await cpuOf(carrel);
console.log(
  `signed in ${busy.length} stations (${afterLogin.verifications - v0} argon2id verifications) after ${Math.round((performance.now() - t0) / 1000)} s; ` +
    `${afterLogin.sessions} sessions, poll cache ${afterLogin.pollCacheSize}`,
);

interface Sample {
  kind: 'carrel' | 'bare';
  round: number;
  run: PcsRun;
  serverCpuMs: number;
  cpuMsPerPoll: number;
  cpuMsPerRequest: number;
  serverCpuShare: number;
  /** argon2id verifications during the run minus logins attempted: must be 0. */
  verificationsNotLogins: number;
}

async function measure(kind: 'carrel' | 'bare', roundNo: number, seconds: number): Promise<Sample> {
  const server = kind === 'carrel' ? carrel : bare;
  const c0 = await cpuOf(server);
  const run = await runLoad(kind, kiosks, cards, setup.pin, {
    seconds,
    interval,
    register,
    loginsPerMinute,
  });
  const c1 = await cpuOf(server);
  const serverCpuMs = (c1.user + c1.system - c0.user - c0.system) / 1000;
  const requests = run.requests;
  return {
    kind,
    round: roundNo,
    run,
    serverCpuMs: round(serverCpuMs, 0),
    cpuMsPerPoll: round(serverCpuMs / Math.max(1, run.latency.poll.count), 3),
    cpuMsPerRequest: round(serverCpuMs / Math.max(1, requests), 3),
    serverCpuShare: round(serverCpuMs / (run.seconds * 1000), 3),
    verificationsNotLogins: kind === 'carrel' ? c1.verifications - c0.verifications - run.loginsTried : 0,
  };
}

const fmt = (s: Sample) =>
  `${s.kind.padEnd(6)} round ${s.round}: ${s.run.latency.poll.count} polls, ${s.run.requests} requests, ` +
  `poll p50 ${s.run.latency.poll.p50} p95 ${s.run.latency.poll.p95} p99 ${s.run.latency.poll.p99} ms, ` +
  `register p95 ${s.run.latency.register.p95} ms, login p95 ${s.run.latency.login.p95} ms (${s.run.loginsTried}); ` +
  `server ${s.serverCpuShare} core, ${s.cpuMsPerPoll} ms CPU/poll` +
  `${s.run.errors ? `  ERRORS ${s.run.errors}: ${s.run.errorSamples[0]}` : ''}` +
  `${s.verificationsNotLogins ? `  ${s.verificationsNotLogins} VERIFICATIONS BEYOND LOGINS` : ''}`;

let exitCode = 0;
try {
  for (const kind of ['carrel', 'bare'] as const)
    console.log(`warm-up ${fmt(await measure(kind, 0, warmup))}`);
  const samples: Sample[] = [];
  for (let i = 1; i <= rounds; i++) {
    const order = i % 2 ? (['bare', 'carrel'] as const) : (['carrel', 'bare'] as const);
    for (const kind of order) {
      const s = await measure(kind, i, duration);
      samples.push(s);
      console.log(fmt(s));
    }
  }
  const end = await cpuOf(carrel);
  const of = (k: 'carrel' | 'bare') => samples.filter((s) => s.kind === k);
  const med = (k: 'carrel' | 'bare', f: (s: Sample) => number) => round(median(of(k).map(f)), 3);
  const row = (k: 'carrel' | 'bare') => [
    k === 'bare' ? 'bare Fastify (baseline)' : 'Carrel',
    med(k, (s) => s.run.latency.poll.count / s.run.seconds),
    med(k, (s) => s.run.latency.poll.p50),
    med(k, (s) => s.run.latency.poll.p95),
    med(k, (s) => s.run.latency.poll.p99),
    med(k, (s) => s.run.latency.register.p95),
    med(k, (s) => s.run.latency.login.p95),
    med(k, (s) => s.serverCpuShare),
    med(k, (s) => s.cpuMsPerPoll),
  ];
  const perRound = Array.from({ length: rounds }, (_, i) => {
    const c = samples.find((s) => s.kind === 'carrel' && s.round === i + 1)!;
    const b = samples.find((s) => s.kind === 'bare' && s.round === i + 1)!;
    return {
      pollP95: round(c.run.latency.poll.p95 / b.run.latency.poll.p95, 2),
      cpuPerPoll: round(c.cpuMsPerPoll / b.cpuMsPerPoll, 2),
    };
  });
  const errors = samples.reduce((a, s) => a + s.run.errors, 0);
  const extraVerifications = samples.reduce((a, s) => a + s.verificationsNotLogins, 0);
  const pollP95 = med('carrel', (s) => s.run.latency.poll.p95);
  const summary = {
    targetP95Ms: TARGET_P95_MS,
    pollP95Ms: pollP95,
    targetMet: pollP95 <= TARGET_P95_MS && errors === 0 && extraVerifications === 0,
    errors,
    /** argon2id verifications beyond the logins over all measured runs (polls must add none). */
    extraVerifications,
    ratioToBare: {
      pollP95: round(median(perRound.map((r) => r.pollP95)), 2),
      cpuPerPoll: round(median(perRound.map((r) => r.cpuPerPoll)), 2),
      perRound,
    },
    sessionsAtEnd: end.sessions,
    pollCacheAtEnd: end.pollCacheSize,
  };
  console.log('');
  console.log(
    table(
      [
        `medians of ${rounds}`,
        'polls/s',
        'poll p50',
        'poll p95',
        'poll p99',
        'register p95',
        'login p95',
        'server cores',
        'CPU ms/poll',
      ],
      [row('bare'), row('carrel')],
    ),
  );
  console.log(
    `Carrel / bare: poll p95 ×${summary.ratioToBare.pollP95}, CPU per poll ×${summary.ratioToBare.cpuPerPoll}; ` +
      `errors ${errors}; argon2id verifications beyond logins: ${extraVerifications}`,
  );
  console.log(
    `target poll p95 ≤ ${TARGET_P95_MS} ms: ${pollP95} ms → ${summary.targetMet ? 'met' : 'NOT met'}`,
  );
  const file = writeResult('pcs', {
    benchmark: 'pcs',
    at: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
    settings: {
      ...settings,
      rounds,
      duration,
      warmup,
      loggedIn,
      loginsPerMinute,
      interval,
      register,
      cpuProf,
    },
    initialSignIns: busy.length,
    summary,
    samples: samples.map((s) => ({ ...s, run: { ...s.run, errorSamples: s.run.errorSamples.slice(0, 3) } })),
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  if (!summary.targetMet) exitCode = errors || extraVerifications ? 1 : 0;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const k of kiosks) k.close();
  await Promise.all([carrel.stop(), bare.stop()]);
}
process.exit(exitCode);
