// The webstats benchmark's settings (its command-line flags, read once for bench/webstats.ts and its
// parts) and the child processes (bench/webstats-server.ts) every part runs its measurements in.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { benchDir, numberFlag, resultsDir } from './lib.ts';
import type { FromChild, Role } from './webstats-server.ts';

export const argv = process.argv.slice(2);
export const has = (name: string) => argv.includes(`--${name}`);
export const partsArg =
  argv.find((a) => a.startsWith('--parts='))?.slice('--parts='.length) ?? 'beacon,memory,import';
export const parts = new Set(partsArg.split(','));
for (const p of parts)
  if (!['beacon', 'memory', 'import'].includes(p)) throw new Error(`--parts: unknown part ${p}`);

export const rounds = numberFlag('rounds', 4);
export const duration = numberFlag('duration', 10);
export const warmup = numberFlag('warmup', 3);
export const connections = numberFlag('connections', 50);
export const views = numberFlag('views', 10_000_000);
export const flushEvery = numberFlag('flush-every', 100_000);
export const sampleEvery = numberFlag('sample-every', 500_000);
export const viewsPerDay = numberFlag('views-per-day', 250_000);
export const lines = numberFlag('lines', 1_000_000);
export const reps = numberFlag('reps', 3);
export const dnsReps = numberFlag('dns-reps', 1);
export const logDays = numberFlag('days', 7);
export const cpuProf = has('cpu-prof');
export const TARGET_RATIO = 0.5;
export const TARGET_LINES = 100_000;

export const serverFile = path.join(benchDir, 'webstats-server.ts');
export const root = path.resolve(benchDir, '..');
export const stamp = new Date().toISOString().replace(/[:.]/g, '-');
export const profDir = path.join(resultsDir, 'cpu-prof', `webstats-${stamp}`);
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  child: ChildProcess;
  /** The next message of the given type (rejects on an error message or an early exit). */
  next<T extends FromChild['type']>(type: T): Promise<Extract<FromChild, { type: T }>>;
  send(m: { type: 'cpu' | 'stats' | 'stop' }): void;
  /** Servers: asks them to stop; the other roles exit by themselves after their report. */
  stop(): Promise<void>;
}

export function startChild(role: Role, args: string[] = [], execArgv: string[] = []): Child {
  const child = spawn(process.execPath, [...execArgv, '--import', 'tsx', serverFile, role, ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromChild['type']>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type === 'error') {
          cleanup();
          reject(new Error(`${role} child: ${m.message}`));
        } else if (m.type === type) {
          cleanup();
          resolve(m as Extract<FromChild, { type: T }>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${role} child exited (code ${code}) before sending ${type}`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    child,
    next,
    send: (m) => child.send(m),
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        if (role === 'carrel' || role === 'bare') child.send({ type: 'stop' });
      }),
  };
}
