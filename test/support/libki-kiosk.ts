// The real, unmodified Libki kiosk client (2.4.0, vendored as source in test/fixtures/libki-client/,
// GPL-3.0-or-later) as a test harness: built once per tarball into a cache folder outside git,
// started under Xvfb with a given INI and server URL, driven with xdotool, and stopped with its whole
// process group. It is a separate program that only the tests run; Carrel neither links nor ships it.
//
// Reading the client without OCR: the login window is named "Libki Kiosk System", the session
// window "Libki H:MM" (the countdown the server sent), and message/confirmation boxes "Libki Kiosk
// Management System". Texts inside a window ("Reserved: B-17", "This kiosk is out of order.") are
// not readable this way: take a screenshot() and look, or assert on the requests the server saw.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

export const LIBKI_TARBALL = path.join(
  root,
  'test/fixtures/libki-client/libki-client-2.4.0-115ca50-vendor.tar.gz',
);
const SOURCE_DIR = 'libki-client-2.4.0';
/** Debian 12 packages the harness needs: to build the client, then to run and drive it. */
export const LIBKI_DEBIAN_PACKAGES = [
  'g++',
  'make',
  'qtbase5-dev',
  'qt5-qmake',
  'qtscript5-dev',
  'libqt5webkit5-dev',
  'xvfb',
  'xauth',
  'xdotool',
  'imagemagick',
];
// [command or header folder, Debian package]; header folders are where Debian's amd64 packages
// put them (elsewhere qmake will tell).
const BUILD_NEEDS: Array<[string, string]> = [
  ['qmake', 'qt5-qmake'],
  ['make', 'make'],
  ['g++', 'g++'],
  ...(process.arch === 'x64'
    ? ([
        ['/usr/include/x86_64-linux-gnu/qt5/QtWebKitWidgets', 'libqt5webkit5-dev'],
        ['/usr/include/x86_64-linux-gnu/qt5/QtScript', 'qtscript5-dev'],
      ] as Array<[string, string]>)
    : []),
];
const RUN_NEEDS: Array<[string, string]> = [
  ['xvfb-run', 'xvfb'],
  ['Xvfb', 'xvfb'],
  ['xauth', 'xauth'],
  ['xdotool', 'xdotool'],
  ['import', 'imagemagick'],
];

function present(what: string): boolean {
  if (what.startsWith('/')) return fs.existsSync(what);
  return (process.env.PATH ?? '/usr/bin:/bin')
    .split(':')
    .some((dir) => dir && fs.existsSync(path.join(dir, what)));
}

const missingOf = (needs: Array<[string, string]>): string[] => [
  ...new Set(needs.filter(([what]) => !present(what)).map(([, pkg]) => pkg)),
];

/**
 * Debian packages missing on this machine to run and drive the client, and to build it unless
 * this tarball's build is already cached (empty: none).
 */
export function missingLibkiPackages(): string[] {
  const built = fs.existsSync(path.join(libkiCacheDir(), SOURCE_DIR, 'libkiclient'));
  return [...new Set([...(built ? [] : missingOf(BUILD_NEEDS)), ...missingOf(RUN_NEEDS)])];
}

/** True in CI (CI=true, or CARREL_REQUIRE_LIBKI=1): there the kiosk tests may not skip. */
export const libkiRequired = process.env.CI === 'true' || process.env.CARREL_REQUIRE_LIBKI === '1';

const missingLine = (missing: string[]): string =>
  `Libki kiosk tests need Debian packages ${missing.join(' ')} (apt-get install ${missing.join(' ')})`;

/**
 * The `skip` option for a suite that drives the kiosk: a reason where the tools are missing and
 * the suite is not required; false otherwise (in CI a missing tool then fails in `ensureLibkiClient`
 * with one line naming the packages).
 */
export function libkiSkip(): string | false {
  const missing = missingLibkiPackages();
  return missing.length && !libkiRequired ? `${missingLine(missing)}; skipped` : false;
}

function failMissing(missing: string[]): void {
  if (missing.length)
    assert.fail(
      `${missingLine(missing)}${libkiRequired ? ' (required here: CI=true or CARREL_REQUIRE_LIBKI=1)' : ''}`,
    );
}

/** The cache folder for this tarball's build, outside git (node_modules/.cache). */
export function libkiCacheDir(): string {
  const sha = crypto.createHash('sha256').update(fs.readFileSync(LIBKI_TARBALL)).digest('hex');
  const base = process.env.CARREL_LIBKI_CACHE ?? path.join(root, 'node_modules/.cache/carrel-libki-client');
  return path.join(base, sha);
}

/**
 * Builds the client from the vendored tarball unless this tarball's build is cached; returns the
 * folder holding `libkiclient` and `libki.qss`. Test files running at the same time share one
 * build: the first takes a lock folder and builds, the others wait for it (a build takes minutes
 * of both cores; two at once would double that). A lock older than the build limit is stale.
 */
export async function ensureLibkiClient(): Promise<string> {
  const dir = libkiCacheDir();
  const built = path.join(dir, SOURCE_DIR);
  if (fs.existsSync(path.join(built, 'libkiclient'))) return built;
  const missing = missingOf(BUILD_NEEDS);
  failMissing(missing);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  for (;;) {
    if (fs.existsSync(path.join(built, 'libkiclient'))) return built;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await buildLibkiClient(dir, built);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function buildLibkiClient(dir: string, built: string): Promise<string> {
  if (fs.existsSync(path.join(built, 'libkiclient'))) return built;
  const tmp = fs.mkdtempSync(`${dir}.building-`);
  const src = path.join(tmp, SOURCE_DIR);
  const log = path.join(tmp, 'build.log');
  try {
    await run('tar', ['xzf', LIBKI_TARBALL, '-C', tmp]);
    const logFd = fs.openSync(log, 'a');
    try {
      for (const [cmd, args] of [
        ['qmake', ['Libki.pro']],
        ['nice', ['make', `-j${Math.min(2, os.availableParallelism())}`]],
      ] as const) {
        const code = await new Promise<number | null>((resolve, reject) => {
          const child = spawn(cmd, args, { cwd: src, stdio: ['ignore', logFd, logFd] });
          child.once('error', reject);
          child.once('exit', resolve);
        });
        if (code !== 0) assert.fail(`building the Libki client failed (${cmd} exited ${code}); see ${log}`);
      }
    } finally {
      fs.closeSync(logFd);
    }
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another process finished first: use its build.
      if (!fs.existsSync(path.join(built, 'libkiclient'))) throw err;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    if (fs.existsSync(tmp) && !fs.existsSync(log)) fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return built;
}

/**
 * The INI text with `[server]` host, port and scheme set from `serverUrl` (any such keys in `ini`
 * are replaced; every other line is kept as written).
 */
export function iniForServer(ini: string, serverUrl: string): string {
  const url = new URL(serverUrl);
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  const server = [`host="${url.hostname}"`, `port=${port}`, `scheme="${scheme}"`];
  const out: string[] = [];
  let section = '';
  let placed = false;
  for (const line of ini.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]*)\]/.exec(line);
    if (header) {
      section = header[1] ?? '';
      out.push(line);
      if (section === 'server' && !placed) {
        out.push(...server);
        placed = true;
      }
      continue;
    }
    if (section === 'server' && /^\s*(host|port|scheme)\s*=/.test(line)) continue;
    out.push(line);
  }
  if (!placed) out.push('[server]', ...server);
  return `${out.join('\n')}\n`;
}

export interface KioskOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:38080 (the client adds /api/client/v1_0). */
  serverUrl: string;
  /** The INI file's text; its [server] host/port/scheme are replaced from serverUrl. */
  ini?: string;
  /** Xvfb screen, default 1280x1024x24. */
  screen?: string;
  /** How long to wait for the login window, default 30 s. */
  startTimeoutMs?: number;
}

export interface Countdown {
  hours: number;
  minutes: number;
  /** hours × 60 + minutes: the minutes the server last sent. */
  total: number;
  title: string;
}

export interface Kiosk {
  /** The temporary folder: config/Libki/…ini (as the client rewrote it), logs/, client.log. */
  readonly workdir: string;
  /** The INI as the client has it now (it rewrites [session] after each register_node reply). */
  readonly iniPath: string;
  /** Names of the visible top-level windows. */
  windowNames(): Promise<string[]>;
  /**
   * Types the card number, Return, the PIN, Return (Return in the PIN field submits). Expects the
   * focus in the card field, where the login screen puts it (also after a failed login).
   */
  login(card: string, pin: string): Promise<void>;
  /** The session window's countdown, or null when no session window is shown. */
  countdown(): Promise<Countdown | null>;
  /** Waits for the session window (and, if given, for exactly `minutes` left); returns it. */
  waitForCountdown(opts?: { minutes?: number; timeoutMs?: number }): Promise<Countdown>;
  /** Waits until the login window is shown and no session window is. */
  waitForLoginScreen(opts?: { timeoutMs?: number }): Promise<void>;
  /** Waits for a message or confirmation box ("Libki Kiosk Management System"); returns its id. */
  waitForDialog(opts?: { timeoutMs?: number }): Promise<string>;
  /**
   * Closes the message or confirmation box `id` with Return (its default button: OK, or No on
   * "Log Out?") and waits until it is gone.
   */
  closeDialog(id: string, opts?: { timeoutMs?: number }): Promise<void>;
  /** Presses a key (xdotool key name, e.g. "Return") in the focused window. */
  key(name: string): Promise<void>;
  /** Runs xdotool on the kiosk's display; its output ('' when it finds nothing). */
  xdotool(...args: string[]): Promise<string>;
  /** A PNG of the whole screen. */
  screenshot(file: string): Promise<void>;
  /** Stops the client and Xvfb (their process group) and removes the temporary folder. */
  stop(): Promise<void>;
}

const LOGIN_WINDOW = 'Libki Kiosk System';
const DIALOG_WINDOW = 'Libki Kiosk Management System';
const COUNTDOWN = /^Libki (\d+):(\d{2})$/;

/** Polls `probe` every `everyMs` until it returns a value other than undefined. */
async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 100) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`Libki kiosk: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Process groups still running: killed if the test process exits without stopping them.
const running = new Set<number>();
process.once('exit', () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** A display number with no X server (lock file) on it; random so parallel test files rarely collide. */
function freeDisplay(): number {
  for (;;) {
    const n = 200 + crypto.randomInt(700);
    if (!fs.existsSync(`/tmp/.X${n}-lock`) && !fs.existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
}

/**
 * Starts the client under Xvfb with its own XDG_CONFIG_HOME/HOME in a temporary folder, and waits
 * for its login window. Builds the client first if needed (see ensureLibkiClient).
 */
export async function startKiosk(opts: KioskOptions): Promise<Kiosk> {
  const missing = missingOf(RUN_NEEDS);
  failMissing(missing);
  const bin = await ensureLibkiClient();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-libki-'));
  const iniPath = path.join(workdir, 'config/Libki/Libki Kiosk Management System.ini');
  fs.mkdirSync(path.dirname(iniPath), { recursive: true });
  fs.writeFileSync(iniPath, iniForServer(opts.ini ?? '', opts.serverUrl));
  for (const d of ['home', 'logs', 'runtime']) fs.mkdirSync(path.join(workdir, d), { mode: 0o700 });
  const xauthority = path.join(workdir, 'Xauthority');
  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(workdir, 'home'),
    XDG_CONFIG_HOME: path.join(workdir, 'config'),
    XDG_DATA_HOME: path.join(workdir, 'home/.local/share'),
    XDG_RUNTIME_DIR: path.join(workdir, 'runtime'),
    LIBKI_LOGS_DIR: path.join(workdir, 'logs'),
    QT_QPA_PLATFORM: 'xcb',
    QT_XCB_GL_INTEGRATION: 'none',
    // English texts: the client picks its translation from the locale.
    LC_ALL: 'C.UTF-8',
    LANG: 'C.UTF-8',
    USER: 'libki',
  };
  const screen = opts.screen ?? '1280x1024x24';
  const clientLog = path.join(workdir, 'client.log');

  /** One xvfb-run (Xvfb + client) process group on one display. */
  interface Proc {
    child: ChildProcess;
    env: NodeJS.ProcessEnv;
    exited?: string;
  }
  const xdotoolOn = async (proc: Proc, args: string[]): Promise<string> => {
    try {
      const { stdout } = await run('xdotool', args, { env: proc.env, timeout: 10_000 });
      return stdout;
    } catch (err) {
      // search finds nothing → exit 1; a window vanishing between search and getwindowname →
      // BadWindow. Both mean "not there (now)".
      const out = (err as { stdout?: string }).stdout;
      return typeof out === 'string' ? out : '';
    }
  };
  const namesOn = async (proc: Proc) =>
    (await xdotoolOn(proc, ['search', '--onlyvisible', '--name', '.*', 'getwindowname', '%@']))
      .split('\n')
      .filter(Boolean);
  const kill = async (proc: Proc) => {
    if (proc.exited) return;
    const gone = new Promise((r) => proc.child.once('exit', r));
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-proc.child.pid!, sig);
      } catch {
        /* already gone */
      }
    };
    signal('SIGTERM'); // the client dies on SIGTERM; xvfb-run then stops Xvfb
    const timer = setTimeout(() => signal('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  };
  const launch = async (): Promise<Proc> => {
    const display = freeDisplay();
    const logFd = fs.openSync(clientLog, 'w');
    // detached: xvfb-run, Xvfb and the client share one new process group, stopped together.
    const args = ['-n', String(display), '-f', xauthority, '-s', `-screen 0 ${screen} -nolisten tcp`];
    const child = spawn('xvfb-run', [...args, path.join(bin, 'libkiclient')], {
      cwd: bin, // libki.qss is read from the current folder
      env: baseEnv,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    fs.closeSync(logFd);
    const proc: Proc = { child, env: { ...baseEnv, DISPLAY: `:${display}`, XAUTHORITY: xauthority } };
    running.add(child.pid!);
    child.once('exit', (code, signal) => {
      proc.exited = `exited (${signal ?? code})`;
      running.delete(child.pid!);
    });
    try {
      await poll('the login window', opts.startTimeoutMs ?? 30_000, async () => {
        if (proc.exited) assert.fail(`Libki kiosk: the client ${proc.exited} on display :${display}`);
        return (await namesOn(proc)).includes(LOGIN_WINDOW) ? true : undefined;
      });
      return proc;
    } catch (err) {
      await kill(proc);
      const log = fs.existsSync(clientLog) ? fs.readFileSync(clientLog, 'utf8').slice(-1500) : '';
      throw new Error(`${(err as Error).message}\n${log}`);
    }
  };
  // A display taken between our check and Xvfb's start, or a client that could not connect to
  // a fresh Xvfb (seen once in about 20 starts): start again on another display.
  let proc: Proc | undefined;
  for (let attempt = 1; !proc; attempt++) {
    try {
      proc = await launch();
    } catch (err) {
      if (attempt === 3) {
        fs.rmSync(workdir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const started = proc;
  const xdotool = (...args: string[]) => xdotoolOn(started, args);
  const windowNames = () => namesOn(started);
  const countdown = async (): Promise<Countdown | null> => {
    for (const title of await windowNames()) {
      const m = COUNTDOWN.exec(title);
      if (m) {
        const hours = Number(m[1]);
        const minutes = Number(m[2]);
        return { hours, minutes, total: hours * 60 + minutes, title };
      }
    }
    return null;
  };
  const alive = () => {
    if (started.exited) assert.fail(`Libki kiosk: the client ${started.exited}; see ${clientLog}`);
  };

  let stopped = false;
  return {
    workdir,
    iniPath,
    windowNames,
    async login(card, pin) {
      alive();
      // After a failed login the card field keeps the card number and the focus: select all so
      // that typing replaces whatever a field holds.
      await xdotool('key', 'ctrl+a');
      await xdotool('type', '--delay', '20', card);
      await xdotool('key', 'Return');
      await xdotool('key', 'ctrl+a');
      await xdotool('type', '--delay', '20', pin);
      await xdotool('key', 'Return');
    },
    countdown,
    async waitForCountdown({ minutes, timeoutMs = 15_000 } = {}) {
      const what = minutes === undefined ? 'the session window' : `${minutes} minutes left`;
      return poll(what, timeoutMs, async () => {
        alive();
        const c = await countdown();
        return c && (minutes === undefined || c.total === minutes) ? c : undefined;
      });
    },
    async waitForLoginScreen({ timeoutMs = 15_000 } = {}) {
      await poll('the login screen', timeoutMs, async () => {
        alive();
        const names = await windowNames();
        return names.includes(LOGIN_WINDOW) && !names.some((n) => COUNTDOWN.test(n)) ? true : undefined;
      });
    },
    async waitForDialog({ timeoutMs = 15_000 } = {}) {
      // xdotool --name does not match these boxes' titles reliably: compare each visible window's
      // name, and skip the 100×50 time splash that carries the same name.
      return poll('a message box', timeoutMs, async () => {
        alive();
        const ids = (await xdotool('search', '--onlyvisible', '--name', '.*')).split('\n').filter(Boolean);
        for (const id of ids) {
          if ((await xdotool('getwindowname', id)).trim() !== DIALOG_WINDOW) continue;
          const width = Number(/Geometry: (\d+)x/.exec(await xdotool('getwindowgeometry', id))?.[1] ?? 0);
          if (width > 150) return id;
        }
        return undefined;
      });
    },
    async closeDialog(id, { timeoutMs = 5000 } = {}) {
      alive();
      // No window manager: the pointer inside the box gives it the keyboard.
      await xdotool('mousemove', '--window', id, '10', '10');
      await xdotool('key', 'Return');
      await poll('the box to close', timeoutMs, async () => {
        const visible = (await xdotool('search', '--onlyvisible', '--name', '.*')).split('\n');
        return visible.includes(id) ? undefined : true;
      });
    },
    xdotool,
    async key(name) {
      alive();
      await xdotool('key', name);
    },
    async screenshot(file) {
      alive();
      await run('import', ['-window', 'root', file], { env: started.env, timeout: 15_000 });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(started);
      fs.rmSync(workdir, { recursive: true, force: true });
    },
  };
}
