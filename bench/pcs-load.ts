// The load generator of bench/pcs.ts: simulated Libki kiosks (one keep-alive connection per
// station and server, the requests exactly as test/support/libki-client.ts sends them) and a timed
// run of polls, register_node calls and logins against Carrel or the bare baseline.
import http from 'node:http';
import zlib from 'node:zlib';
import { qtEncode } from '../test/support/libki-client.ts';
import type { StationSetup } from './pcs-server.ts';
import { latencyStats, percentileSorted, round, sleep } from './lib.ts';

type Target = 'carrel' | 'bare';
type Kind = 'poll' | 'register' | 'login' | 'logout';

interface Answer {
  ok: boolean;
  detail: string;
}

/** One station's kiosk client. `user` is whom Carrel has signed in there (the card), or null. */
export class Kiosk {
  user: string | null = null;
  private readonly agents = {
    carrel: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    bare: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  };
  onLatency: ((kind: Kind, ms: number) => void) | null = null;

  constructor(
    private readonly carrelBase: URL,
    private readonly bareBase: URL,
    readonly station: StationSetup,
  ) {}

  private get(target: Target, kind: Kind, action: string, extra: Array<[string, string | null]>) {
    const params: Array<[string, string | null]> = [
      ['node', this.station.name],
      ['location', this.station.branch],
      ['type', ''],
      ['ipaddress', '10.0.0.17'],
      ['macaddress', '02:FC:00:00:00:01'],
      ['hostname', this.station.name],
      ['version', '2.4.0'],
      ['action', action],
      ...extra,
    ];
    const query = params.map(([k, v]) => (v === null ? k : `${k}=${qtEncode(v)}`)).join('&');
    const base = target === 'carrel' ? this.carrelBase : this.bareBase;
    const t0 = performance.now();
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path: `/api/client/v1_0?${query}`,
          method: 'GET',
          agent: this.agents[target],
          headers: {
            'Accept-Encoding': 'gzip, deflate',
            'Accept-Language': 'en,*',
            'User-Agent': 'Mozilla/5.0',
            'X-Carrel-Station-Key': this.station.key,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            this.onLatency?.(kind, performance.now() - t0);
            let body = Buffer.concat(chunks);
            if (res.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
            if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
            try {
              resolve(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
            } catch {
              reject(new Error(`not JSON: ${body.toString('utf8').slice(0, 100)}`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  private async safely(p: Promise<Record<string, unknown>>, check: (r: Record<string, unknown>) => boolean) {
    try {
      const r = await p;
      return { ok: check(r), detail: JSON.stringify(r).slice(0, 200) };
    } catch (err) {
      return { ok: false, detail: String(err) };
    }
  }

  register(target: Target): Promise<Answer> {
    return this.safely(
      this.get(target, 'register', 'register_node', [
        ['node_name', this.station.name],
        ['age_limit', null],
      ]),
      (r) => r.registered === 1 && r.status === 'online',
    );
  }

  async login(target: Target, card: string, pin: string): Promise<Answer> {
    const a = await this.safely(
      this.get(target, 'login', 'login', [
        ['username', card],
        ['password', pin],
        ['createGuest', '0'],
      ]),
      (r) => r.authenticated === 1 && Number(r.units) >= 1,
    );
    if (a.ok && target === 'carrel') this.user = card;
    return a;
  }

  poll(target: Target, pin: string): Promise<Answer> {
    return this.safely(
      this.get(target, 'poll', 'get_user_data', [
        ['username', this.user!],
        ['password', pin],
      ]),
      (r) => r.status === 'Logged in' && Number(r.units) >= 1,
    );
  }

  logout(target: Target, pin: string): Promise<Answer> {
    const card = this.user!;
    // Before the request: no poll may leave with this card once the logout is on its way.
    if (target === 'carrel') this.user = null;
    return this.safely(
      this.get(target, 'logout', 'logout', [
        ['username', card],
        ['password', pin],
      ]),
      (r) => r.logged_out === 1,
    );
  }

  close(): void {
    this.agents.carrel.destroy();
    this.agents.bare.destroy();
  }
}

function stats(samples: number[]) {
  const s = latencyStats(samples);
  const sorted = Float64Array.from(samples).sort();
  return {
    count: s.count,
    p50: round(s.p50, 2),
    p95: round(percentileSorted(sorted, 95), 2),
    p99: round(s.p99, 2),
    max: round(s.max, 2),
  };
}

export interface PcsRun {
  seconds: number;
  requests: number;
  latency: Record<Kind, ReturnType<typeof stats>>;
  loginsTried: number;
  errors: number;
  errorSamples: string[];
  loadGeneratorCpuShare: number;
}

/**
 * One timed run against `target`. Kiosk i sends register_node at i/N of the interval and, when
 * signed in, get_user_data half an interval later; --logins times a minute a signed-in kiosk logs
 * out and a free one signs in (on the bare server the same requests, with nobody's state changed).
 */
export async function runLoad(
  target: Target,
  kiosks: Kiosk[],
  cards: string[],
  pin: string,
  opts: { seconds: number; interval: number; register: boolean; loginsPerMinute: number },
): Promise<PcsRun> {
  const lat: Record<Kind, number[]> = { poll: [], register: [], login: [], logout: [] };
  let errors = 0;
  let loginsTried = 0;
  const errorSamples: string[] = [];
  const note = (kind: Kind, station: string, a: Answer) => {
    if (a.ok) return;
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`${kind} at ${station}: ${a.detail}`);
  };
  for (const k of kiosks) k.onLatency = (kind, ms) => lat[kind].push(ms);
  const every = opts.interval * 1000;
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  const at = async (t: number) => {
    const wait = t - performance.now();
    if (wait > 0) await sleep(wait);
  };
  const stationLoops = kiosks.map(async (k, i) => {
    for (let tick = t0 + (every * i) / kiosks.length; tick < end; tick += every) {
      await at(tick);
      if (opts.register) void k.register(target).then((a) => note('register', k.station.name, a));
      await at(tick + every / 2);
      if (k.user && performance.now() < end) note('poll', k.station.name, await k.poll(target, pin));
    }
  });
  const loginLoop = (async () => {
    if (!opts.loginsPerMinute) return;
    const gap = 60_000 / opts.loginsPerMinute;
    let out = 0;
    for (let t = t0 + gap / 2; t < end; t += gap) {
      await at(t);
      const signedIn = kiosks.filter((k) => k.user);
      const leaving = signedIn[out++ % Math.max(1, signedIn.length)];
      if (leaving) note('logout', leaving.station.name, await leaving.logout(target, pin));
      const free = kiosks.filter((k) => !k.user && k !== leaving);
      const arriving = free[Math.floor(free.length / 2)] ?? leaving;
      if (!arriving) continue;
      const card = target === 'carrel' ? cards.shift() : cards[0];
      if (!card) throw new Error('out of patrons: raise settings.patrons');
      loginsTried++;
      note('login', arriving.station.name, await arriving.login(target, card, pin));
    }
  })();
  await Promise.all([...stationLoops, loginLoop]);
  const seconds = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  for (const k of kiosks) k.onLatency = null;
  return {
    seconds: round(seconds, 2),
    requests: lat.poll.length + lat.register.length + lat.login.length + lat.logout.length,
    latency: {
      poll: stats(lat.poll),
      register: stats(lat.register),
      login: stats(lat.login),
      logout: stats(lat.logout),
    },
    loginsTried,
    errors,
    errorSamples,
    loadGeneratorCpuShare: round((own.user + own.system) / 1000 / (seconds * 1000), 3),
  };
}
