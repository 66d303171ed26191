// A server under test in a child process (bench/pcs-server.ts, bench/sip2-server.ts): started with
// `node --import tsx <script> <args>` and an IPC channel, optionally under --cpu-prof (profiles in
// bench/.results/cpu-prof/<label>-<time>/). It sends {type: 'ready', ...} first; ask() sends a
// query and waits for the first answer of the given type; stop() sends {type: 'stop'} and waits
// for the exit.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchDir, resultsDir } from './lib.ts';

export interface Child<Ready> {
  ready: Ready;
  child: ChildProcess;
  ask<T>(query: { type: string }, answerType: string): Promise<T>;
  stop(): Promise<void>;
}

export function startChild<Ready>(
  label: string,
  script: string,
  args: string[],
  cpuProf: boolean,
): Promise<Child<Ready>> {
  const profDir = path.join(
    resultsDir,
    'cpu-prof',
    `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  if (cpuProf) fs.mkdirSync(profDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
      '--import',
      'tsx',
      path.join(benchDir, script),
      ...args,
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${label} server exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (m: { type: string }) => {
      if (m.type !== 'ready') return reject(new Error(`${label} server: unexpected first message`));
      child.off('exit', onExit);
      resolve({
        ready: m as Ready,
        child,
        ask: <T>(query: { type: string }, answerType: string) =>
          new Promise<T>((res) => {
            const on = (r: { type: string }) => {
              if (r.type !== answerType) return;
              child.off('message', on);
              res(r as T);
            };
            child.on('message', on);
            child.send(query);
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}
