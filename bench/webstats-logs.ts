// Part 3 of the webstats benchmark (bench/webstats.ts): the generated server log (cached), its import
// plain, gzip and with reverse DNS, each in a fresh child process, and the real CLI once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { startDnsServer } from '../test/support/dns-server.ts';
import { parseUserAgent } from '../src/features/webstats/user-agent.ts';
import { median, prng, round } from './lib.ts';
import {
  cpuProf,
  dnsReps,
  fmt,
  has,
  lines,
  logDays,
  profDir,
  reps,
  root,
  startChild,
  TARGET_LINES,
} from './webstats-common.ts';
import type { ImportReport } from './webstats-server.ts';
import { buildTraffic, SITE_HOST, SITE_ORIGIN, type Traffic } from './webstats-traffic.ts';

// ---------------------------------------------------------------------------------------------
// 3. Log import

const GENERATOR_VERSION = 1;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

interface LogMeta {
  lines: number;
  days: number;
  bytes: number;
  gzBytes: number;
  expectedCounted: number;
  expectedMalformed: number;
  botLines: number;
  assetLines: number;
  notFoundLines: number;
  addresses: number;
  browserUas: number;
  generateSeconds: number;
}

/** Writes the log (and its gzip) into a cache folder, or reuses what an earlier run wrote. */
async function logFiles(traffic: Traffic): Promise<{ plain: string; gz: string; meta: LogMeta }> {
  const dir = path.join(
    process.env.CARREL_BENCH_CACHE ?? path.join(os.tmpdir(), 'carrel-bench-webstats'),
    `g${GENERATOR_VERSION}-${lines}-${logDays}d`,
  );
  const plain = path.join(dir, 'access.log');
  const gz = path.join(dir, 'access.log.gz');
  const metaFile = path.join(dir, 'meta.json');
  if (!has('regenerate') && fs.existsSync(metaFile))
    return { plain, gz, meta: JSON.parse(fs.readFileSync(metaFile, 'utf8')) as LogMeta };
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const rand = prng(99);
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const span = logDays * 86_400_000;
  const zone = 3_600_000; // the server's local time is UTC+01:00
  const meta: LogMeta = {
    lines,
    days: logDays,
    bytes: 0,
    gzBytes: 0,
    expectedCounted: 0,
    expectedMalformed: 0,
    botLines: 0,
    assetLines: 0,
    notFoundLines: 0,
    addresses: 0,
    browserUas: traffic.browserUas.length,
    generateSeconds: 0,
  };
  const seen = new Set<string>();
  const fd = fs.openSync(plain, 'w');
  let buf: string[] = [];
  for (let i = 0; i < lines; i++) {
    const d = new Date(start + Math.floor((i * span) / lines) + zone);
    const time = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0100`;
    const bot = rand() < 0.05;
    const c = bot ? traffic.botClient() : traffic.humanClient();
    seen.add(c.ip);
    const ua = c.uas[Math.floor(rand() * c.uas.length)] as string;
    const r = rand();
    let method = 'GET';
    let target: string;
    let status = 200;
    let referrer = '-';
    let countable = false;
    if (!bot && r < 0.3) {
      target = traffic.asset();
      status = rand() < 0.15 ? 304 : 200;
      referrer = `${SITE_ORIGIN}${traffic.pages[Math.floor(rand() * 50)]}`;
      meta.assetLines++;
    } else if (r > 0.97) {
      target = traffic.missing();
      status = 404;
      meta.notFoundLines++;
    } else {
      target = traffic.page();
      const m = rand();
      method = m < 0.97 ? 'GET' : m < 0.98 ? 'HEAD' : 'POST';
      const s = rand();
      status = s < 0.9 ? 200 : s < 0.95 ? 304 : s < 0.98 ? 301 : s < 0.997 ? 404 : 500;
      if (status === 404) meta.notFoundLines++;
      const ref = traffic.referrer();
      if (ref !== '') referrer = ref;
      countable = !bot && method !== 'POST' && (status === 200 || status === 304);
    }
    if (bot) meta.botLines++;
    const bytes = status === 304 ? 0 : 200 + Math.floor(rand() * 40_000);
    let line = `${c.ip} - - [${time}] "${method} ${target} HTTP/${rand() < 0.6 ? '2.0' : '1.1'}" ${status} ${bytes} "${referrer}" "${ua}"`;
    if (rand() < 0.001) {
      // Malformed, as real logs have them: TLS spoken to the HTTP port, an empty request, a line
      // cut short by a crash, a line from another log format (an extra field at the end).
      const k = rand();
      line =
        k < 0.25
          ? `${c.ip} - - [${time}] "\\x16\\x03\\x01\\x00\\xF7\\x01\\x00\\x00\\xF3\\x03\\x03" 400 157 "-" "-"`
          : k < 0.5
            ? `${c.ip} - - [${time}] "" 400 0 "-" "-"`
            : k < 0.75
              ? line.slice(0, 20 + Math.floor(rand() * (line.length - 22)))
              : `${line} 0.004`;
      countable = false;
      meta.expectedMalformed++;
    }
    if (countable) meta.expectedCounted++;
    buf.push(line);
    if (buf.length === 10_000) {
      fs.writeSync(fd, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, `${buf.join('\n')}\n`);
  fs.closeSync(fd);
  await pipeline(fs.createReadStream(plain), zlib.createGzip(), fs.createWriteStream(gz));
  meta.bytes = fs.statSync(plain).size;
  meta.gzBytes = fs.statSync(gz).size;
  meta.addresses = seen.size;
  meta.generateSeconds = round((performance.now() - t0) / 1000, 1);
  fs.writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { plain, gz, meta };
}

async function importOnce(file: string, dnsServer: string | null, label: string): Promise<ImportReport> {
  const exec = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, label)}`] : [];
  const proc = startChild('import', dnsServer ? [file, dnsServer] : [file], exec);
  const { report } = await proc.next('import');
  await proc.stop();
  return report;
}

const linesPerSec = (r: ImportReport) => r.summary.lines / (r.summary.durationMs / 1000);

export async function logImport() {
  const traffic = buildTraffic({ clients: 2000, uas: 2000, seed: 7 });
  // The browser pool must be browsers to the collector, or the expected counts would be wrong.
  const misread = traffic.browserUas.filter((ua) => parseUserAgent(ua).isBot);
  const missedBots = traffic.botUas.filter((ua) => !parseUserAgent(ua).isBot);
  if (misread.length) console.log(`note: ${misread.length} generated browser UAs are taken for bots`);
  if (missedBots.length) console.log(`note: crawler UAs not recognised: ${missedBots.join(' | ')}`);
  const { plain, gz, meta } = await logFiles(traffic);
  console.log(
    `log: ${fmt(meta.lines)} lines over ${meta.days} days, ${fmt(meta.addresses)} addresses, ${round(meta.bytes / 2 ** 20, 1)} MB ` +
      `(gzip ${round(meta.gzBytes / 2 ** 20, 1)} MB); crawlers ${fmt(meta.botLines)}, assets ${fmt(meta.assetLines)}, ` +
      `404 ${fmt(meta.notFoundLines)}, malformed ${fmt(meta.expectedMalformed)}; page views to count ${fmt(meta.expectedCounted)}` +
      (meta.generateSeconds ? ` (generated in ${meta.generateSeconds} s)` : ''),
  );

  const runs: Array<ImportReport & { kind: 'plain' | 'gzip' | 'dns'; rep: number; linesPerSec: number }> = [];
  const show = (r: (typeof runs)[number]) =>
    console.log(
      `import ${r.kind.padEnd(5)} #${r.rep}: ${fmt(r.linesPerSec)} lines/s (${round(r.summary.durationMs / 1000, 2)} s, CPU ${round(r.cpuMs / 1000, 2)} s), ` +
        `counted ${fmt(r.summary.counted)}, ignored ${fmt(r.summary.ignored)}, malformed ${fmt(r.summary.malformed)}, ` +
        `peak RSS ${r.maxRssMb} MB (${r.rssBeforeMb} MB before), peak heap ${r.peakHeapMb} MB`,
    );
  for (let i = 1; i <= reps; i++)
    for (const [kind, file] of (i % 2
      ? [
          ['plain', plain],
          ['gzip', gz],
        ]
      : [
          ['gzip', gz],
          ['plain', plain],
        ]) as Array<['plain' | 'gzip', string]>) {
      const r = await importOnce(file, null, `${kind}-${i}`);
      runs.push({ ...r, kind, rep: i, linesPerSec: round(linesPerSec(r), 0) });
      show(runs[runs.length - 1]!);
    }

  // Reverse DNS on: a loopback DNS server in this process answers PTR queries for the addresses.
  const ptr: Record<string, string> = {};
  for (const c of [...traffic.humans, ...traffic.bots]) if (c.ptr) ptr[c.ip] = c.ptr;
  const dns = await startDnsServer({ ptr });
  const dnsQueries: number[] = [];
  try {
    for (let i = 1; i <= dnsReps; i++) {
      const q0 = dns.queries;
      const r = await importOnce(plain, dns.address, `dns-${i}`);
      dnsQueries.push(dns.queries - q0);
      runs.push({ ...r, kind: 'dns', rep: i, linesPerSec: round(linesPerSec(r), 0) });
      show(runs[runs.length - 1]!);
    }
  } finally {
    await dns.close();
  }
  const dnsRun = runs.find((r) => r.kind === 'dns');
  const domainViews = dnsRun ? Object.values(dnsRun.check.domains).reduce((a, b) => a + b, 0) : 0;
  const unknownViews = dnsRun?.check.domains.unknown ?? 0;
  const topDomains = dnsRun
    ? Object.entries(dnsRun.check.domains)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
    : [];
  if (dnsRun)
    console.log(
      `dns: ${Object.keys(ptr).length} PTR names served, ${dnsQueries.join('/')} queries received; ` +
        `${fmt(domainViews)} views got a domain row, ${round((unknownViews / Math.max(1, domainViews)) * 100, 1)} % 'unknown'; ` +
        `top: ${topDomains.map(([d, n]) => `${d} ${fmt(n)}`).join(', ')}`,
    );

  // The real CLI, once: Node + tsx start-up, migrations, import, summary on stdout.
  const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-webstats-cli-'));
  const t0 = performance.now();
  const cli = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['bin/carrel.mjs', 'stats', 'import-log', plain, '--no-dns', '--site', SITE_HOST],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          TMPDIR: os.tmpdir(),
          DATA_DIR: cliDir,
          LOG_LEVEL: 'silent',
          DEMO_DATA: 'false',
          STATS_SITE_ORIGINS: SITE_ORIGIN,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, out }));
  });
  const cliWallMs = performance.now() - t0;
  fs.rmSync(cliDir, { recursive: true, force: true });
  const printed = /([\d,]+) lines in ([\d.]+) s \(([\d,]+) lines\/s\)/.exec(cli.out);
  const cliResult = {
    exitCode: cli.code,
    wallSeconds: round(cliWallMs / 1000, 2),
    printedLinesPerSec: printed ? Number(printed[3]?.replaceAll(',', '')) : null,
    printedSeconds: printed ? Number(printed[2]) : null,
    wallLinesPerSec: round(lines / (cliWallMs / 1000), 0),
    stdout: cli.out.trim(),
  };
  console.log(cli.out.trimEnd());
  console.log(
    `cli: exit ${cli.code}, wall ${cliResult.wallSeconds} s (${fmt(cliResult.wallLinesPerSec)} lines/s including start-up), ` +
      `printed ${cliResult.printedLinesPerSec === null ? '?' : fmt(cliResult.printedLinesPerSec)} lines/s`,
  );

  const med = (kind: string, f: (r: (typeof runs)[number]) => number) =>
    round(median(runs.filter((r) => r.kind === kind).map(f)), 1);
  const checks = runs.map((r) => ({
    run: `${r.kind}#${r.rep}`,
    counted: r.summary.counted === meta.expectedCounted,
    malformed: r.summary.malformed === meta.expectedMalformed,
    lines: r.summary.lines === meta.lines,
    viewsInDb: r.check.viewsInDb === r.summary.counted,
  }));
  const allChecks = checks.every((c) => c.counted && c.malformed && c.lines && c.viewsInDb);
  if (!allChecks)
    console.log(
      `import checks: ${JSON.stringify(checks.filter((c) => !(c.counted && c.malformed && c.lines && c.viewsInDb)))}`,
    );
  return {
    meta,
    plainLinesPerSec: med('plain', (r) => r.linesPerSec),
    gzipLinesPerSec: med('gzip', (r) => r.linesPerSec),
    dnsLinesPerSec: med('dns', (r) => r.linesPerSec),
    plainCpuLinesPerSec: med('plain', (r) => r.summary.lines / (r.cpuMs / 1000)),
    gzipCpuLinesPerSec: med('gzip', (r) => r.summary.lines / (r.cpuMs / 1000)),
    peakRssMb: {
      plain: med('plain', (r) => r.maxRssMb),
      gzip: med('gzip', (r) => r.maxRssMb),
      dns: med('dns', (r) => r.maxRssMb),
    },
    rssBeforeMb: med('plain', (r) => r.rssBeforeMb),
    target: TARGET_LINES,
    targetMet: med('plain', (r) => r.linesPerSec) >= TARGET_LINES,
    checksPassed: allChecks,
    checks,
    dns: {
      ptrNames: Object.keys(ptr).length,
      queries: dnsQueries,
      domainViews,
      unknownViews,
      topDomains,
    },
    cli: cliResult,
    runs,
  };
}
