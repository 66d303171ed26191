// Reading logs for the import (issue 5 item 3): plain and gzip told apart by content, line ends,
// edge files, fingerprints for safe re-runs, and a throughput report against the ≥ 100,000
// lines/s target that asserts only a loose floor, so a busy machine cannot make it flaky.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseCombinedLine } from './log-format.ts';
import { fileFingerprint, readLogLines } from './log-reader.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'carrel-log-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (data: string | Buffer, name = `f${++n}.log`): string => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};
const read = async (p: string): Promise<Array<[number, string]>> => {
  const out: Array<[number, string]> = [];
  for await (const { line, lineNo } of readLogLines(p)) out.push([lineNo, line]);
  return out;
};

test('plain text: LF, CRLF, no final newline, empty lines kept and numbered', async () => {
  assert.deepEqual(await read(file('a\nb\nc\n')), [[1, 'a'], [2, 'b'], [3, 'c']]); // prettier-ignore
  assert.deepEqual(await read(file('a\r\nb\r\n')), [[1, 'a'], [2, 'b']]); // prettier-ignore
  assert.deepEqual(await read(file('a\nb')), [[1, 'a'], [2, 'b']]); // prettier-ignore
  assert.deepEqual(await read(file('a\r\n\r\nb\r')), [[1, 'a'], [2, ''], [3, 'b']]); // prettier-ignore
  assert.deepEqual(await read(file('')), []);
});

test('gzip is detected by its magic bytes, not by the name', async () => {
  const text = 'one\r\ntwo\nthree';
  const want = [[1, 'one'], [2, 'two'], [3, 'three']]; // prettier-ignore
  assert.deepEqual(await read(file(gzipSync(text), 'access.log.1.gz')), want);
  assert.deepEqual(await read(file(gzipSync(text), 'access.log')), want);
  assert.deepEqual(await read(file(text, 'looks-zipped.gz')), want);
  assert.deepEqual(await read(file(gzipSync(''), 'empty.gz')), []);
  // `cat a.gz b.gz` makes one file of two gzip members; both are read.
  const two = Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\n')]);
  assert.deepEqual(await read(file(two, 'two-members.gz')), [[1, 'a'], [2, 'b'], [3, 'c']]); // prettier-ignore
});

test('a corrupt gzip file or a missing file rejects rather than yielding partial lies', async () => {
  const gz = gzipSync('x\n'.repeat(1000));
  await assert.rejects(read(file(Buffer.concat([gz.subarray(0, 20), Buffer.alloc(50, 7)]), 'bad.gz')));
  await assert.rejects(read(path.join(dir, 'no-such.log')));
});

test('characters split across chunk boundaries stay whole; overlong lines are cut, not held', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `é€ ${i} ${'ü'.repeat(i % 97)}`);
  const got = await read(file(lines.join('\n') + '\n'));
  assert.deepEqual(
    got.map(([, l]) => l),
    lines,
  );
  const huge = await read(file(`first\n${'x'.repeat(300_000)}\nlast\n`));
  assert.deepEqual(
    huge.map(([no, l]) => [no, l.length]),
    [[1, 5], [2, 64 * 1024], [3, 4]], // prettier-ignore
  );
});

test('stopping early closes the file', { skip: process.platform !== 'linux' }, async () => {
  // Varied lines, so even the gzip file is many chunks long and still open at line 3.
  const text = Array.from({ length: 100_000 }, (_, i) => `${i} ${(i * 7919) % 1_000_003}\n`).join('');
  const openFds = (): number => readdirSync('/proc/self/fd').length;
  for (const p of [file(text), file(gzipSync(text))]) {
    const before = openFds();
    let during = 0;
    for await (const { lineNo } of readLogLines(p))
      if (lineNo === 3) {
        during = openFds();
        break;
      }
    await new Promise((r) => setTimeout(r, 50)); // closing a stream finishes on a later tick
    assert.equal(during, before + 1, 'the file is open while it is read');
    assert.equal(openFds(), before);
  }
});

test('fingerprint: stable for the same bytes, new when the log grows or its edges change', async () => {
  const body = Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`).join(''); // ~200 KB
  const p = file(body);
  const a = await fileFingerprint(p);
  assert.equal(a.bytes, Buffer.byteLength(body));
  assert.match(a.fingerprint, /^[0-9a-f]{64}$/);
  assert.deepEqual(await fileFingerprint(p), a, 'a re-run of the same file');
  assert.deepEqual(await fileFingerprint(file(body)), a, 'a copy under another name');
  appendFileSync(p, 'line 20000\n');
  assert.notEqual((await fileFingerprint(p)).fingerprint, a.fingerprint, 'appended');
  const newTail = 'line 0\n' + body.slice('line 0\n'.length).replace(/9\n$/, '8\n');
  assert.notEqual((await fileFingerprint(file(newTail))).fingerprint, a.fingerprint, 'same size, new tail');
  const small = await fileFingerprint(file('a\n'));
  assert.equal(small.bytes, 2);
  assert.notEqual(small.fingerprint, (await fileFingerprint(file('b\n'))).fingerprint);
  assert.notEqual((await fileFingerprint(file(''))).fingerprint, small.fingerprint);
});

/** Realistic traffic: a few address kinds, agents, pages, assets and referrers, a malformed line. */
function sampleLog(count: number): string {
  const agents = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  ];
  const targets = [
    '/',
    '/catalog?q=dvorak&page=2',
    '/catalog/record/48213',
    '/assets/app.3f9a.css',
    '/events',
  ];
  const refs = ['-', 'https://www.google.com/', 'https://library.example.org/events/', '-'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const ip =
      i % 5 === 0 ? `2001:db8:${(i % 4096).toString(16)}::${i % 97}` : `198.51.${i % 256}.${i % 251}`;
    const sec = String(i % 60).padStart(2, '0');
    out.push(
      i % 1000 === 999
        ? `${ip} - - [bad time] "GET / HTTP/1.1" 200 1 "-" "-"`
        : `${ip} - - [28/Nov/2026:1${i % 10}:${sec}:${sec} +0100] "GET ${targets[i % 5]} HTTP/1.1" ` +
            `${i % 17 === 0 ? 304 : 200} ${(i * 37) % 90_000} "${refs[i % 4]}" "${agents[i % 4]}"`,
    );
  }
  return out.join('\n') + '\n';
}

test('throughput: parse-only and read+parse, plain and gzip (report; loose floor only)', async () => {
  const count = 200_000;
  const text = sampleLog(count);
  const lines = text.split('\n').slice(0, -1);
  const plain = file(text, 'bench.log');
  const gz = file(gzipSync(text), 'bench.log.gz');
  // Lines per second of wall time (what an operator sees) and of this process's CPU time, which
  // other load on a shared machine barely moves, so only the CPU figure is asserted.
  const measure = async (work: () => unknown): Promise<{ wall: number; cpu: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const { user, system } = process.cpuUsage(c0);
    return {
      wall: Math.round(count / ((performance.now() - t0) / 1000)),
      cpu: Math.round(count / ((user + system) / 1e6)),
    };
  };

  // A short warm-up, so the figures describe the steady state of a long import, not the JIT.
  for (const l of lines.slice(0, 10_000)) parseCombinedLine(l);
  let ok = 0;
  const parseOnly = await measure(() => {
    for (const l of lines) if (parseCombinedLine(l)) ok++;
  });
  assert.equal(ok, count - count / 1000);

  const readParse = (p: string) =>
    measure(async () => {
      let good = 0;
      for await (const { line } of readLogLines(p)) if (parseCombinedLine(line)) good++;
      assert.equal(good, ok);
    });
  const results = { 'parse-only': parseOnly, 'read+parse plain': await readParse(plain) };
  Object.assign(results, { 'read+parse gzip': await readParse(gz) });
  const [load] = loadavg();
  // node:test tracks async context, which makes each awaited line about 3× dearer than in the CLI.
  console.log(`log import, lines/s (wall / CPU), load average ${load?.toFixed(2)}, under node:test:`);
  for (const [what, r] of Object.entries(results)) console.log(`  ${what}: ${r.wall} / ${r.cpu}`);
  // A pathological regression (a backtracking regex, per-line allocation storms) falls far below.
  for (const [what, r] of Object.entries(results)) assert.ok(r.cpu > 20_000, `${what}: ${r.cpu} lines/s`);
});
