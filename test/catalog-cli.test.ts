// `carrel catalog import` as an operator runs it (real process, both databases), and the same
// command in-process for its progress lines and summary.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCatalogImport } from '../src/features/catalog/catalog.cli.ts';
import { createPgDatabase, describeEachDialect, dialects } from './support/env.ts';
import { book, iso2709 } from './support/marc.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'carrel.mjs');

function carrel(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: root,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end();
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

for (const dialect of dialects) {
  describe(`carrel catalog import [${dialect}]`, () => {
    const env: Record<string, string> = {};
    let drop: (() => Promise<void>) | null = null;
    let dir = '';
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-catalog-cli-'));
      env.DATA_DIR = dir;
      env.LOG_LEVEL = 'warn';
      if (dialect === 'postgres') {
        const pgDb = await createPgDatabase();
        env.DATABASE_URL = pgDb.url;
        env.CARREL_SECRET = 'cli-test-secret-cli-test-secret-0123456789';
        drop = pgDb.drop;
      }
      const bad = Buffer.from(iso2709(book('cli-3', 'Bad')));
      bad.write('0000x', 0, 'latin1');
      fs.writeFileSync(
        path.join(dir, 'books.mrc'),
        Buffer.concat([
          iso2709(
            book('cli-1', 'Moby Dick', [
              {
                tag: '852',
                ind: '  ',
                sub: [
                  ['b', 'MAIN'],
                  ['h', 'FIC MEL'],
                  ['p', '30001000008001'],
                ],
              },
            ]),
          ),
          iso2709(
            book('cli-2', 'Typee', [
              {
                tag: '949',
                ind: '  ',
                sub: [
                  ['a', 'FIC MEL'],
                  ['i', '30001000008002'],
                  ['m', 'HQ'],
                ],
              },
            ]),
          ),
          bad,
        ]),
      );
    });
    after(async () => {
      await drop?.();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('imports, prints progress lines (not a terminal) and the summary, exit 0 despite a bad record', async () => {
      const r = await carrel(
        ['catalog', 'import', path.join(dir, 'books.mrc'), '--items', '--branch', 'east'],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /books\.mrc: 3 records read so far \(100% of the file\)/);
      assert.doesNotMatch(r.stderr, /\x1b\[/, 'no terminal control codes in a pipe');
      assert.match(
        r.stdout,
        /records read\s+3\n\s+new records\s+2\n\s+updated records\s+0\n\s+skipped records\s+1\s+\(unreadable record: 1\)/,
      );
      assert.match(r.stdout, /copies\s+2 added, 0 updated, 0 not added/);
      assert.match(
        r.stdout,
        /books\.mrc, record 3 \(byte \d+\): broken leader: record length "0000x" is not a number/,
      );
      const again = await carrel(['catalog', 'import', path.join(dir, 'books.mrc')], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /new records\s+0\n\s+updated records\s+2/);
    });

    test('control bytes from the file, its name and the arguments are echoed escaped (issue 12 item 12)', async () => {
      const osc = '\x1b]0;pwned\x07';
      const clear = '\x1b[2J';
      const file = path.join(dir, `evil${clear}\u202e.mrc`);
      fs.writeFileSync(
        file,
        Buffer.concat([
          iso2709(
            book(`ctl${osc}`, `Pwned ${osc} ${clear}`, [
              {
                tag: '852',
                ind: '  ',
                sub: [
                  ['b', `MAIN${osc}`],
                  ['p', '30001000008111'],
                ],
              },
              {
                tag: '949',
                ind: '  ',
                sub: [
                  ['i', `bad${clear}`],
                  ['m', 'MAIN'],
                ],
              },
            ]),
          ),
        ]),
      );
      const run = await carrel(['catalog', 'import', file, '--items'], env);
      assert.equal(run.code, 0, run.stderr);
      const missing = await carrel(['catalog', 'import', `${file}${osc}`], env);
      assert.equal(missing.code, 1);
      const branch = await carrel(['catalog', 'import', file, '--branch', clear], env);
      assert.equal(branch.code, 2);
      const choice = await carrel(['catalog', 'import', file, '--encoding', clear], env);
      assert.equal(choice.code, 2);
      const output = [run, missing, branch, choice].map((r) => r.stdout + r.stderr).join('\n');
      assert.doesNotMatch(output, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      const shown = (s: string) =>
        s
          .replace(/\x1b/g, '\\x1b')
          .replace(/\x07/g, '\\x07')
          .replace(/\u202e/g, '\\u202e');
      assert.ok(run.stderr.includes(`${shown(file)}: 1 record read so far`), run.stderr);
      assert.ok(run.stdout.includes(`${shown(file)}, record 1`), run.stdout);
      assert.match(
        run.stdout,
        /record 1 \(byte 0\), ctl\\x1b\]0;pwned\\x07: copy 30001000008111: branch "MAIN\\x1b\]0;pwned\\x07"/,
      );
      assert.ok(run.stdout.includes(`barcode "bad${shown(clear)}" is not a valid barcode`), run.stdout);
      assert.equal(missing.stderr.trim(), `carrel: cannot read ${shown(`${file}${osc}`)}: no such file.`);
      assert.equal(branch.stderr.trim(), 'carrel: There is no branch \\x1b[2J; choose one of MAIN, EAST.');
      assert.match(choice.stderr, /argument '\\x1b\[2J' is invalid/);
    });

    test('a file that cannot be read exits 1; a bad flag or unknown branch exits 2 with one line', async () => {
      const missing = await carrel(
        ['catalog', 'import', path.join(dir, 'books.mrc'), path.join(dir, 'nope.mrc')],
        env,
      );
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr.trim(), `carrel: cannot read ${path.join(dir, 'nope.mrc')}: no such file.`);
      const branch = await carrel(
        ['catalog', 'import', path.join(dir, 'books.mrc'), '--branch', 'WEST'],
        env,
      );
      assert.equal(branch.code, 2);
      assert.equal(branch.stderr.trim(), 'carrel: There is no branch WEST; choose one of MAIN, EAST.');
      const enc = await carrel(
        ['catalog', 'import', path.join(dir, 'books.mrc'), '--encoding', 'latin-1'],
        env,
      );
      assert.equal(enc.code, 2);
      assert.match(enc.stderr, /Allowed choices are auto, marc-8, utf-8/);
      const none = await carrel(['catalog', 'import'], env);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /missing required argument 'file'/);
      for (const r of [missing, branch, enc, none]) assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
    });
  });
}

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: unknown, _enc: BufferEncoding, cb: () => void) {
    this.text += String(chunk);
    cb();
  }
}

describeEachDialect('catalog import command in-process', (env) => {
  test('on a terminal: a progress bar redrawn in place, cleared before the summary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-catalog-tty-'));
    const file = path.join(dir, 'many.mrc');
    fs.writeFileSync(
      file,
      Buffer.concat(Array.from({ length: 1500 }, (_, i) => iso2709(book(`tty-${i}`, `Title ${i}`)))),
    );
    const stdout = new Capture(false);
    const stderr = new Capture(true);
    const summary = await runCatalogImport(env().ctx, [file], {}, { stdout, stderr }, (m, c) =>
      Object.assign(new Error(m), { c }),
    );
    assert.equal(summary.imported, 1500);
    assert.match(stderr.text, /\r\x1b\[K {2}.*many\.mrc \[#+-*\] \d+% {2}1,000 records/);
    assert.ok(stderr.text.endsWith('\r\x1b[K'));
    assert.match(stdout.text, /new records\s+1,500/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
