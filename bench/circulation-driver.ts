// The load driver of the circulation benchmark (bench/circulation.ts): the server child process
// (bench/circulation-server.ts) and its IPC, the desk terminals (one keep-alive HTTP connection, its
// cookies and CSRF token each) and the timed run of check-out + check-in cycles or the health baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type {
  ClientSetup,
  FromServer,
  SeedSettings,
  SeedStats,
  ToServer,
  Verification,
} from './circulation-server.ts';
import { benchDir, resultsDir, sleep } from './lib.ts';

// ---- the server process ------------------------------------------------------------------------

export interface Server {
  url: URL;
  database: string;
  clients: ClientSetup[];
  seed: SeedStats;
  cpu(): Promise<number>;
  verify(): Promise<Verification>;
  stop(): Promise<void>;
}

export function startServer(
  dialect: 'sqlite' | 'postgres',
  settings: SeedSettings,
  cpuProf: boolean,
  databaseUrl?: string,
): Promise<Server> {
  // One folder per server: Node writes a profile per thread (tsx's loader has a thread of its own).
  const profDir = path.join(
    resultsDir,
    'cpu-prof',
    `${dialect}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  if (cpuProf) fs.mkdirSync(profDir, { recursive: true });
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
      '--import',
      'tsx',
      path.join(benchDir, 'circulation-server.ts'),
      JSON.stringify(settings),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...(databaseUrl ? { BENCH_DATABASE_URL: databaseUrl } : {}) },
    },
  );
  const ask = <T extends FromServer['type']>(
    q: ToServer,
    type: T,
  ): Promise<Extract<FromServer, { type: T }>> =>
    new Promise((res) => {
      const on = (r: FromServer) => {
        if (r.type !== type) return;
        child.off('message', on);
        res(r as Extract<FromServer, { type: T }>);
      };
      child.on('message', on);
      child.send(q);
    });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${dialect} server exited early (code ${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (m: FromServer) => {
      if (m.type !== 'ready') return reject(new Error(`${dialect} server: unexpected first message`));
      child.off('exit', onExit);
      resolve({
        url: new URL(m.url),
        database: m.database,
        clients: m.clients,
        seed: m.seed,
        /** CPU time (user + system) the server process has used so far, in ms. */
        cpu: async () => {
          const r = await ask({ type: 'cpu' }, 'cpu');
          return (r.user + r.system) / 1000;
        },
        verify: async () => (await ask({ type: 'verify' }, 'verify')).result,
        stop: () =>
          new Promise((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.send({ type: 'stop' } satisfies ToServer);
          }),
      });
    });
  });
}

// ---- HTTP clients ------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: string;
  setCookies: string[];
}

/** One desk terminal: one keep-alive connection, its cookies, its CSRF token. */
export class Desk {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private readonly base: URL,
    readonly setup: ClientSetup,
  ) {}

  request(method: 'GET' | 'POST', pathname: string, body?: string, contentType?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method === 'POST' && this.csrf) headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) {
      headers['content-type'] = contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          path: pathname,
          method,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookies = res.headers['set-cookie'] ?? [];
            for (const c of setCookies) {
              const [pair] = c.split(';');
              const eq = pair!.indexOf('=');
              const name = pair!.slice(0, eq).trim();
              const value = pair!.slice(eq + 1).trim();
              if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              setCookies,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Signs in through the real form, then takes a CSRF token from a staff page for the API calls. */
  async signIn(): Promise<void> {
    const tokenOf = (html: string) => {
      const m = /name="_csrf" value="([^"]+)"/.exec(html);
      if (!m?.[1]) throw new Error('no CSRF token on the page');
      return m[1];
    };
    const login = await this.request('GET', '/staff/login');
    const form = new URLSearchParams({
      _csrf: tokenOf(login.body),
      username: this.setup.username,
      password: this.setup.password,
    }).toString();
    const res = await this.request('POST', '/staff/login', form, 'application/x-www-form-urlencoded');
    if (res.status !== 303) throw new Error(`sign-in of ${this.setup.username} failed: ${res.status}`);
    const desk = await this.request('GET', `/staff/desk?branch=${this.setup.branch}`);
    if (desk.status !== 200) throw new Error(`desk page answered ${desk.status}`);
    this.csrf = tokenOf(desk.body);
  }

  close(): void {
    this.agent.destroy();
  }
}

export type Kind = 'checkout' | 'checkin' | 'health';

export interface RunResult {
  seconds: number;
  latencies: Record<Kind, number[]>;
  ok: Record<Kind, number>;
  errors: number;
  errorSamples: string[];
  cycles: number;
  serverCpuMs: number;
  loadGeneratorCpuMs: number;
}

/**
 * Every desk loops until the time is up: circulation (check-out, then check-in of the same copy,
 * copies and patrons taken in turn) or the health baseline. A cycle under way at the end is finished,
 * so no copy is left on loan between runs.
 */
export async function run(
  server: Server,
  desks: Desk[],
  mode: 'circulation' | 'health',
  seconds: number,
  rate: number,
) {
  const result: RunResult = {
    seconds: 0,
    latencies: { checkout: [], checkin: [], health: [] },
    ok: { checkout: 0, checkin: 0, health: 0 },
    errors: 0,
    errorSamples: [],
    cycles: 0,
    serverCpuMs: 0,
    loadGeneratorCpuMs: 0,
  };
  const timed = async (desk: Desk, kind: Kind, method: 'GET' | 'POST', url: string, body?: string) => {
    const t0 = performance.now();
    let status = 0;
    let text = '';
    try {
      const a = await desk.request(method, url, body);
      status = a.status;
      text = a.body;
    } catch (err) {
      text = String(err);
    }
    result.latencies[kind].push(performance.now() - t0);
    if (status >= 200 && status < 300) result.ok[kind]++;
    else {
      result.errors++;
      if (result.errorSamples.length < 5)
        result.errorSamples.push(`${kind} ${status}: ${text.slice(0, 300)}`);
    }
  };
  const cpu0 = await server.cpu();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    desks.map(async (desk, d) => {
      const { barcodes, cards, branch } = desk.setup;
      let i = 0;
      // Paced (--rate): each desk starts a cycle (or a health request, at twice the pace) on its own
      // schedule, the desks' schedules staggered; a desk that falls behind starts at once.
      const every = rate ? ((desks.length * 60_000) / rate) * (mode === 'health' ? 0.5 : 1) : 0;
      let next = t0 + (every * d) / desks.length;
      while (performance.now() < end) {
        if (every) {
          const wait = next - performance.now();
          next += every;
          if (wait > 0) await sleep(wait);
          if (performance.now() >= end) break;
        }
        if (mode === 'health') {
          await timed(desk, 'health', 'GET', '/api/v1/health');
          continue;
        }
        const barcode = barcodes[i % barcodes.length]!;
        const cardNumber = cards[i % cards.length]!;
        i++;
        await timed(
          desk,
          'checkout',
          'POST',
          '/api/v1/staff/circulation/checkout',
          JSON.stringify({ cardNumber, barcode, branch }),
        );
        await timed(
          desk,
          'checkin',
          'POST',
          '/api/v1/staff/circulation/checkin',
          JSON.stringify({ barcode, branch }),
        );
        result.cycles++;
      }
    }),
  );
  result.seconds = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  result.loadGeneratorCpuMs = (own.user + own.system) / 1000;
  result.serverCpuMs = (await server.cpu()) - cpu0;
  return result;
}
