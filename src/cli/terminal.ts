// Terminal output helpers for the CLI: a boxed message, progress that redraws on a terminal and
// prints plain lines otherwise, and reading one line (a password) from standard input.
import { plural } from '../plural.ts';

export function printBox(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '─'.repeat(width + 2);
  console.log(`┌${bar}┐`);
  for (const l of lines) console.log(`│ ${l.padEnd(width)} │`);
  console.log(`└${bar}┘`);
}

export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let last = 0;
  let current = '';
  return {
    update: (label: string, n: number) => {
      const now = Date.now();
      if (tty) {
        if (now - last < 100 && label === current) return;
        stream.write(`\r\x1b[K  ${label}: ${plural(n, 'row')}…`);
      } else if (label !== current || now - last > 2000) {
        stream.write(`  ${label}: ${plural(n, 'row')} so far\n`);
      }
      last = now;
      current = label;
    },
    done: () => {
      if (tty && current) stream.write('\r\x1b[K');
    },
  };
}

export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
