// Running the real `carrel` command in a child process, for the CLI tests.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(root, 'bin', 'carrel.mjs');

/** What a finished `carrel` process left. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/carrel.mjs` with `args` in a clean environment plus `env`, feeding `input` to stdin. */
export function carrel(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: root,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input ?? '');
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
