// Patron sign-in throughput. Signing in is deliberately bound by argon2id (A2), so this reports
// logins per second per core and the argon2id parameters in use, measured two ways on a fresh
// SQLite database with 64 patrons:
//
// - service: loginPatron() called in-process, first one at a time (one core's worth of argon2),
//   then with --concurrency callers at once (argon2 runs on libuv's thread pool).
// - http: POST /account/login through the real app listening on 127.0.0.1, the same two ways,
//   with a CSRF token and cookie taken from the sign-in page, as a browser would.
//
// CPU time of the whole process (process.cpuUsage) is recorded per login, so "logins per CPU
// second" is a per-core rate that does not depend on how many cores the machine has.
//
//   node --import tsx bench/login.ts [--duration=8] [--concurrency=<2 × nproc>]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineInfo, numberFlag, round, table, writeResult } from './lib.ts';

const machine = machineInfo();
const duration = numberFlag('duration', 8);
const concurrency = numberFlag('concurrency', Math.max(2, machine.nproc * 2));

const { loadConfig } = await import('../src/config.ts');
const { createContext } = await import('../src/app/root.ts');
const { migrateToLatest } = await import('../src/db/migrate.ts');
const { buildApp } = await import('../src/app/root.ts');
const { hashSecret } = await import('../src/auth/passwords.ts');
const { loginPatron } = await import('../src/features/patrons/patron-session.service.ts');
const { seedDemoPatrons } = await import('../src/demo/patrons.ts');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-login-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_DATA: 'false', HOST: '127.0.0.1' });
const ctx = createContext(config);
await migrateToLatest(ctx.db);

// The parameters, read back from a real hash: $argon2id$v=19$m=19456,t=2,p=1$…
const sample = await hashSecret('benchmark');
const [, algorithm, version, paramText] = sample.split('$');
const params = Object.fromEntries(paramText!.split(',').map((kv) => kv.split('=')));
const argon2 = {
  algorithm,
  version,
  memoryKiB: Number(params.m),
  iterations: Number(params.t),
  parallelism: Number(params.p),
};

const patrons: Array<{ cardNumber: string; pin: string }> = [];
while (patrons.length < 64) patrons.push(...(await seedDemoPatrons(ctx)));

interface Phase {
  name: string;
  callers: number;
  logins: number;
  failures: number;
  seconds: number;
  loginsPerSec: number;
  cpuMsPerLogin: number;
  loginsPerCpuSecond: number;
  meanLatencyMs: number;
}

/** Runs `callers` loops of `once(i)` for `duration` seconds; each caller uses its own patrons. */
async function phase(
  name: string,
  callers: number,
  once: (p: { cardNumber: string; pin: string }, caller: number) => Promise<boolean>,
): Promise<Phase> {
  let logins = 0;
  let failures = 0;
  let latency = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + duration * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let k = 0; performance.now() < end; k++) {
        // Callers never share a card: concurrent sign-ins on one card would be throttled (A3).
        const p = patrons[(c + k * callers) % patrons.length]!;
        const s = performance.now();
        if (await once(p, c)) logins++;
        else failures++;
        latency += performance.now() - s;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpuMs = (used.user + used.system) / 1000;
  return {
    name,
    callers,
    logins,
    failures,
    seconds: round(seconds),
    loginsPerSec: round(logins / seconds, 1),
    cpuMsPerLogin: round(cpuMs / Math.max(1, logins), 1),
    loginsPerCpuSecond: round((logins * 1000) / Math.max(1, cpuMs), 1),
    meanLatencyMs: round(latency / Math.max(1, logins + failures), 1),
  };
}

let ip = 0;
const service = (p: { cardNumber: string; pin: string }) =>
  loginPatron(
    ctx,
    { cardNumber: p.cardNumber, pin: p.pin, publicTerminal: false },
    `198.18.0.${(ip++ % 250) + 1}`,
  ).then(
    () => true,
    () => false,
  );

const app = await buildApp(ctx);
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const page = await fetch(`${base}/account/login`);
const csrfCookie = page.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
if (!token) throw new Error('no CSRF token on /account/login');
const http = async (p: { cardNumber: string; pin: string }) => {
  const res = await fetch(`${base}/account/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: token, cardNumber: p.cardNumber, pin: p.pin }).toString(),
  });
  await res.arrayBuffer();
  return res.status === 303;
};

console.log(
  `argon2id: m=${argon2.memoryKiB} KiB, t=${argon2.iterations}, p=${argon2.parallelism}; ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}; ${duration} s per phase, ${concurrency} concurrent callers`,
);
const phases: Phase[] = [];
await service(patrons[0]!); // warm-up: the first verification builds nothing, but the JIT does
for (const [name, callers, once] of [
  ['service, 1 caller', 1, service],
  [`service, ${concurrency} callers`, concurrency, service],
  ['http, 1 client', 1, http],
  [`http, ${concurrency} clients`, concurrency, http],
] as const) {
  const r = await phase(name, callers, once);
  phases.push(r);
  console.log(`  ${name}: ${r.loginsPerSec} logins/s, ${r.loginsPerCpuSecond} per CPU-second`);
}
await app.close();
await ctx.database.close();
fs.rmSync(dataDir, { recursive: true, force: true });

console.log('');
console.log(
  table(
    ['phase', 'logins', 'failed', 'logins/s', 'CPU ms/login', 'logins/CPU-s', 'mean ms'],
    phases.map((p) => [
      p.name,
      p.logins,
      p.failures,
      p.loginsPerSec,
      p.cpuMsPerLogin,
      p.loginsPerCpuSecond,
      p.meanLatencyMs,
    ]),
  ),
);
const file = writeResult('login', { machine, argon2, duration, concurrency, phases });
console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
if (phases.some((p) => p.failures > 0)) {
  console.error('some sign-ins failed (throttled or wrong PIN): the numbers above are not trustworthy');
  process.exit(1);
}
