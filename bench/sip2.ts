// SIP2 Patron Information over TLS (issue 14, Performance): 63 → 64 with 20 concurrent clients,
// requests/s and p95 (target ≤ 10 ms), against a bare TLS echo of the same frame sizes in the same run.
//
// The servers run in child processes (bench/sip2-server.ts): Carrel's SIP2 server (TLS, one
// account, patrons with a real PIN hash, a third of them with loans) and a TLS server that answers
// each frame with a frame as long as Carrel's 64. This process is the load generator: --clients
// self-check terminals, each its own TLS connection, signed in with 93 once, then sending 63 (one
// at a time, as SIP2 requires) for its own patrons in turn, flat out or (--rate) paced to N requests
// a second over all clients. Two modes: `no-pin`, 63 without AD (a machine refreshing what it shows
// about a patron), and `pin`, 63 with AD, where Carrel checks the PIN with one argon2id verification
// (A2) — the server's count of verifications must equal the requests of that mode. Every Carrel
// reply is checked: 64, BL Y and, with AD, CQ Y. Rounds alternate the order (echo, Carrel /
// Carrel, echo / ...) and medians over rounds are quoted.
//
//   node --import tsx bench/sip2.ts [--clients=20] [--rounds=3] [--duration=10] [--warmup=3]
//     [--modes=both|no-pin|pin] [--rate=N] [--patrons=200] [--cpu-prof]
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { testCertificate } from '../test/support/smtp.ts';
import { encodeTextFrame } from '../src/sip2/framing.ts';
import { formatSipDate } from '../src/sip2/sip-date.ts';
import { startChild, type Child } from './child.ts';
import type { FromServer, Sip2Settings } from './sip2-server.ts';
import {
  choiceFlag,
  latencyStats,
  machineInfo,
  median,
  numberFlag,
  percentileSorted,
  round,
  sleep,
  table,
  writeResult,
} from './lib.ts';

const clientsN = numberFlag('clients', 20);
const rounds = numberFlag('rounds', 3);
const duration = numberFlag('duration', 10);
const warmup = numberFlag('warmup', 3);
const patrons = numberFlag('patrons', 200);
const which = choiceFlag('modes', ['both', 'no-pin', 'pin'] as const);
const rateArg = process.argv.find((a) => a.startsWith('--rate='));
const rate = rateArg ? numberFlag('rate', 1) : 0;
const cpuProf = process.argv.includes('--cpu-prof');
const TARGET_P95_MS = 10;
const modes = which === 'both' ? (['no-pin', 'pin'] as const) : ([which] as const);
type Mode = 'no-pin' | 'pin';
type Ready = Extract<FromServer, { type: 'ready' }>;
type Cpu = Extract<FromServer, { type: 'cpu' }>;

/** One self-check terminal: a TLS connection, one request at a time, replies read up to CR. */
class Terminal {
  private buffer = Buffer.alloc(0);
  private waiting: ((reply: string) => void) | null = null;
  private constructor(private readonly socket: tls.TLSSocket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      const i = this.buffer.indexOf(0x0d);
      if (i < 0) return;
      const reply = this.buffer.subarray(0, i).toString('utf8');
      this.buffer = this.buffer.subarray(i + 1);
      const w = this.waiting;
      this.waiting = null;
      w?.(reply);
    });
  }

  static connect(port: number, ca: Buffer): Promise<Terminal> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca, minVersion: 'TLSv1.2' });
      s.once('secureConnect', () => resolve(new Terminal(s)));
      s.once('error', reject);
    });
  }

  exchange(frame: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 30 s')), 30_000);
      this.waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const patronInformation = (card: string, pin: string | null) =>
  encodeTextFrame(
    `63001${formatSipDate(new Date())}          AOCARREL|AA${card}|AC|${pin === null ? '' : `AD${pin}|`}`,
  );

async function terminals(server: Child<Ready>, ca: Buffer, check: boolean): Promise<Terminal[]> {
  const list: Terminal[] = [];
  for (let i = 0; i < clientsN; i++) {
    const t = await Terminal.connect(server.ready.port, ca);
    const r = await t.exchange(
      encodeTextFrame(`9300CN${server.ready.login}|CO${server.ready.password}|CPMAIN|`),
    );
    if (check && !r.startsWith('941')) throw new Error(`93 refused: ${r.slice(0, 3)}`);
    list.push(t);
  }
  return list;
}

interface Sample {
  kind: 'carrel' | 'echo';
  mode: Mode;
  round: number;
  requests: number;
  requestsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  errorSamples: string[];
  serverCpuMsPerRequest: number;
  serverCpuShare: number;
  /** argon2id verifications in the run minus those expected (one per 63 with AD): must be 0. */
  unexpectedVerifications: number;
}

const cpuOf = (c: Child<Ready>) => c.ask<Cpu>({ type: 'cpu' }, 'cpu');

async function run(
  kind: 'carrel' | 'echo',
  server: Child<Ready>,
  terms: Terminal[],
  cards: string[],
  pin: string,
  mode: Mode,
  roundNo: number,
  seconds: number,
): Promise<Sample> {
  const lat: number[] = [];
  let errors = 0;
  const errorSamples: string[] = [];
  const c0 = await cpuOf(server);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const every = rate ? (terms.length * 1000) / rate : 0;
  await Promise.all(
    terms.map(async (t, c) => {
      const mine = cards.filter((_, i) => i % terms.length === c);
      let next = t0 + (every * c) / terms.length;
      for (let k = 0; performance.now() < end; k++) {
        if (every) {
          const wait = next - performance.now();
          next += every;
          if (wait > 0) await sleep(wait);
          if (performance.now() >= end) break;
        }
        const frame = patronInformation(mine[k % mine.length]!, mode === 'pin' ? pin : null);
        const s = performance.now();
        let reply = '';
        try {
          reply = await t.exchange(frame);
        } catch (err) {
          reply = String(err);
        }
        lat.push(performance.now() - s);
        const ok =
          kind === 'echo' ||
          (reply.startsWith('64') && reply.includes('|BLY') && (mode === 'no-pin' || reply.includes('|CQY')));
        if (!ok) {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(reply.replace(/\|AA[^|]*/, '|AA…').slice(0, 120));
        }
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const c1 = await cpuOf(server);
  const cpuMs = (c1.user + c1.system - c0.user - c0.system) / 1000;
  const sorted = Float64Array.from(lat).sort();
  const s = latencyStats(lat);
  return {
    kind,
    mode,
    round: roundNo,
    requests: lat.length,
    requestsPerSec: round(lat.length / secs, 1),
    p50: round(s.p50, 2),
    p95: round(percentileSorted(sorted, 95), 2),
    p99: round(s.p99, 2),
    max: round(s.max, 2),
    errors,
    errorSamples,
    serverCpuMsPerRequest: round(cpuMs / Math.max(1, lat.length), 3),
    serverCpuShare: round(cpuMs / (secs * 1000), 3),
    unexpectedVerifications:
      kind === 'carrel' ? c1.verifications - c0.verifications - (mode === 'pin' ? lat.length : 0) : 0,
  };
}

const fmt = (s: Sample) =>
  `${s.mode.padEnd(6)} ${s.kind.padEnd(6)} round ${s.round}: ${s.requestsPerSec} req/s, p50 ${s.p50} p95 ${s.p95} p99 ${s.p99} ms, ` +
  `server ${s.serverCpuShare} core, ${s.serverCpuMsPerRequest} ms CPU/request` +
  `${s.errors ? `  ERRORS ${s.errors}: ${s.errorSamples[0]}` : ''}` +
  `${s.unexpectedVerifications ? `  ${s.unexpectedVerifications} UNEXPECTED VERIFICATIONS` : ''}`;

const machine = machineInfo();
console.log(
  `sip2: ${clientsN} TLS clients, 63 Patron Information (${modes.join(', ')}), ${rounds} rounds × ${duration} s after ${warmup} s warm-up, ` +
    `${rate ? `paced at ${rate} requests/s` : 'flat out'}${cpuProf ? ', --cpu-prof' : ''}`,
);
console.log(
  `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memory} RAM, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
);
const { certFile, keyFile } = testCertificate();
const ca = fs.readFileSync(certFile);
const base: Sip2Settings = { patrons, certFile, keyFile, replyBytes: 0 };
const carrel = await startChild<Ready>(
  'sip2-carrel',
  'sip2-server.ts',
  ['carrel', JSON.stringify(base)],
  cpuProf,
);
const carrelTerms = await terminals(carrel, ca, true);
const { cards, pin } = carrel.ready;
// The echo answers with frames as long as Carrel's 64 to a 63 with AD (a few bytes more than without).
const probe = await carrelTerms[0]!.exchange(patronInformation(cards[0]!, pin));
const replyBytes = Buffer.byteLength(probe, 'utf8') + 1;
const echo = await startChild<Ready>(
  'sip2-echo',
  'sip2-server.ts',
  ['echo', JSON.stringify({ ...base, replyBytes })],
  false,
);
const echoTerms = await terminals(echo, ca, false);
console.log(`Carrel ready with ${cards.length} patrons; 64 is ${replyBytes} bytes with CR`);

let exitCode = 0;
try {
  const samples: Sample[] = [];
  const summaries = [];
  for (const mode of modes) {
    const go = (kind: 'carrel' | 'echo', r: number, secs: number) =>
      kind === 'carrel'
        ? run('carrel', carrel, carrelTerms, cards, pin, mode, r, secs)
        : run('echo', echo, echoTerms, cards, pin, mode, r, secs);
    for (const kind of ['carrel', 'echo'] as const) console.log(`warm-up ${fmt(await go(kind, 0, warmup))}`);
    for (let i = 1; i <= rounds; i++)
      for (const kind of i % 2 ? (['echo', 'carrel'] as const) : (['carrel', 'echo'] as const)) {
        const s = await go(kind, i, duration);
        samples.push(s);
        console.log(fmt(s));
      }
    const of = (k: 'carrel' | 'echo') => samples.filter((s) => s.mode === mode && s.kind === k);
    const med = (k: 'carrel' | 'echo', f: (s: Sample) => number) => round(median(of(k).map(f)), 3);
    const ratios = of('carrel').map((c) => {
      const e = of('echo').find((x) => x.round === c.round)!;
      return { throughput: c.requestsPerSec / e.requestsPerSec, p95: c.p95 / e.p95 };
    });
    const errors = of('carrel').reduce((a, s) => a + s.errors, 0);
    const unexpected = of('carrel').reduce((a, s) => a + s.unexpectedVerifications, 0);
    summaries.push({
      mode,
      carrel: {
        requestsPerSec: med('carrel', (s) => s.requestsPerSec),
        p50: med('carrel', (s) => s.p50),
        p95: med('carrel', (s) => s.p95),
        p99: med('carrel', (s) => s.p99),
        serverCpuMsPerRequest: med('carrel', (s) => s.serverCpuMsPerRequest),
        serverCpuShare: med('carrel', (s) => s.serverCpuShare),
      },
      echo: {
        requestsPerSec: med('echo', (s) => s.requestsPerSec),
        p50: med('echo', (s) => s.p50),
        p95: med('echo', (s) => s.p95),
        p99: med('echo', (s) => s.p99),
        serverCpuMsPerRequest: med('echo', (s) => s.serverCpuMsPerRequest),
        serverCpuShare: med('echo', (s) => s.serverCpuShare),
      },
      ratioToEcho: {
        throughput: round(median(ratios.map((r) => r.throughput)), 3),
        p95: round(median(ratios.map((r) => r.p95)), 2),
      },
      errors,
      unexpectedVerifications: unexpected,
      p95WithinTarget: med('carrel', (s) => s.p95) <= TARGET_P95_MS && errors === 0,
    });
  }
  console.log('');
  console.log(
    table(
      [
        `medians of ${rounds}`,
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'server cores',
        'CPU ms/req',
        '× echo p95',
      ],
      summaries.flatMap((s) => [
        [
          `${s.mode}: TLS echo`,
          s.echo.requestsPerSec,
          s.echo.p50,
          s.echo.p95,
          s.echo.p99,
          s.echo.serverCpuShare,
          s.echo.serverCpuMsPerRequest,
          '',
        ],
        [
          `${s.mode}: Carrel 63`,
          s.carrel.requestsPerSec,
          s.carrel.p50,
          s.carrel.p95,
          s.carrel.p99,
          s.carrel.serverCpuShare,
          s.carrel.serverCpuMsPerRequest,
          s.ratioToEcho.p95,
        ],
      ]),
    ),
  );
  for (const s of summaries)
    console.log(
      `${s.mode}: Carrel p95 ${s.carrel.p95} ms (target ≤ ${TARGET_P95_MS} ms: ${s.p95WithinTarget ? 'within' : 'NOT within'}), ` +
        `throughput ×${s.ratioToEcho.throughput} of the echo; errors ${s.errors}; unexpected argon2id verifications ${s.unexpectedVerifications}`,
    );
  const file = writeResult('sip2', {
    benchmark: 'sip2',
    at: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
    settings: {
      clients: clientsN,
      rounds,
      duration,
      warmup,
      patrons,
      modes,
      rate: rate || 'flat out',
      replyBytes,
      cpuProf,
    },
    summaries,
    samples,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  if (summaries.some((s) => s.errors || s.unexpectedVerifications)) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const t of [...carrelTerms, ...echoTerms]) t.close();
  await Promise.all([carrel.stop(), echo.stop()]);
}
process.exit(exitCode);
