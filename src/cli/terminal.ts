// Terminal output helpers for the CLI: text from input made safe to print, a boxed message,
// progress that redraws on a terminal and prints plain lines otherwise, and reading one line (a
// password) from standard input.
import { plural } from '../plural.ts';

/**
 * Characters that act on a terminal or on how a line reads instead of showing: C0 controls, DEL,
 * C1 controls (a MARC record or a file name could clear the screen, retitle the window or write a
 * hyperlink with ESC and OSC sequences), bidirectional embeddings, overrides, isolates and marks
 * (they reorder what the operator reads), and the line and paragraph separators.
 */
const NON_PRINTING = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NON_PRINTING_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * One value from input (file contents, a file name, an argument) as the CLI may echo it: every
 * non-printing character, newlines included, shown as a visible escape such as `\x1b` or `\u202e`.
 */
export function printable(text: string): string {
  return text.replace(NON_PRINTING, visible);
}

/** Like printable(), for a whole message that may span lines: newlines are kept. */
export function printableLines(text: string): string {
  return text.replace(NON_PRINTING_BUT_NEWLINE, visible);
}

/** Commander's output settings that pass its messages (which echo arguments) through printableLines. */
export const terminalOutput = {
  writeOut: (text: string) => process.stdout.write(printableLines(text)),
  writeErr: (text: string) => process.stderr.write(printableLines(text)),
};

export function printBox(input: string[]): void {
  const lines = input.map(printable);
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '─'.repeat(width + 2);
  console.log(`┌${bar}┐`);
  for (const l of lines) console.log(`│ ${l.padEnd(width)} │`);
  console.log(`└${bar}┘`);
}

/** Prints new passwords once, boxed, with the reminder that each must be changed at first sign-in. */
export function printCredentials(
  title: string,
  accounts: Array<{ username: string; password: string; note?: string }>,
): void {
  printBox([
    title,
    '',
    ...accounts.map((a) => `  ${a.username.padEnd(12)} ${a.password}${a.note ? `   (${a.note})` : ''}`),
    '',
    'These passwords are shown only now. Each must be changed at first sign-in.',
  ]);
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
