// A real DNS server on loopback for reverse-DNS tests (issue 5: "through a real DNS server started
// on loopback in the tests, not a mock of the resolver"). It speaks plain DNS over UDP with
// dns-packet, answers PTR questions for in-addr.arpa and ip6.arpa names from a table, and can be told
// to answer late, answer SERVFAIL or never answer, so timeouts and failure paths run through Node's
// real resolver (c-ares). No TCP: our answers are small and never set the truncation bit, so c-ares
// has no reason to retry over TCP.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface DnsServerOptions {
  /** IP (v4 or v6, any spelling) → PTR name(s) served for its reverse name. */
  ptr: Record<string, string | string[]>;
  /** IP → milliseconds to wait before answering, to force client time-outs. */
  delayMs?: Record<string, number>;
  /** IPs answered NXDOMAIN even if listed in `ptr` (unknown names get NXDOMAIN anyway). */
  nxdomain?: string[];
  /** IPs answered SERVFAIL. */
  servfail?: string[];
  /** IPs whose queries are read and never answered. */
  drop?: string[];
  /** Answer nothing at all: a silent server, to test time-outs across several servers. */
  silent?: boolean;
}

export interface DnsServer {
  port: number;
  /** `127.0.0.1:port`, the form `Resolver#setServers` takes. */
  address: string;
  /** Queries received so far (every datagram, answered or not). */
  readonly queries: number;
  /** Queries received so far for one IP's reverse name. */
  queriesFor(ip: string): number;
  close(): Promise<void>;
}

const RCODE_NXDOMAIN = 3;
const RCODE_SERVFAIL = 2;

/**
 * The reverse name of an IP, computed here independently of the code under test so the two cannot
 * share a mistake: dotted quads reversed under in-addr.arpa, IPv6 as 32 reversed nibbles under ip6.arpa.
 */
export function arpaName(ip: string): string {
  const family = net.isIP(ip);
  if (family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (family !== 6 || ip.includes('.') || ip.includes('%')) throw new Error('not a plain IP address');
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = ip.includes('::') ? groups(tail) : [];
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const hex = all.map((g) => g.padStart(4, '0')).join('');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

export async function startDnsServer(opts: DnsServerOptions = { ptr: {} }): Promise<DnsServer> {
  const key = (ip: string) => arpaName(ip);
  const ptr = new Map<string, string[]>();
  for (const [ip, names] of Object.entries(opts.ptr)) ptr.set(key(ip), [names].flat());
  const delay = new Map<string, number>();
  for (const [ip, ms] of Object.entries(opts.delayMs ?? {})) delay.set(key(ip), ms);
  const nx = new Set((opts.nxdomain ?? []).map(key));
  const servfail = new Set((opts.servfail ?? []).map(key));
  const drop = new Set((opts.drop ?? []).map(key));

  const socket = dgram.createSocket('udp4');
  const pending = new Set<NodeJS.Timeout>();
  const perName = new Map<string, number>();
  let queries = 0;
  let closed = false;

  socket.on('message', (msg, rinfo) => {
    queries++;
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: ignore, as a real server would
    }
    const question = query.questions?.[0];
    if (!question) return;
    // c-ares may randomise letter case (DNS 0x20); match case-insensitively, echo as asked.
    const name = question.name.toLowerCase();
    perName.set(name, (perName.get(name) ?? 0) + 1);
    if (opts.silent || drop.has(name)) return;

    let rcode = 0;
    const answers: dnsPacket.Answer[] = [];
    const names = ptr.get(name);
    if (servfail.has(name)) rcode = RCODE_SERVFAIL;
    else if (nx.has(name) || !names || question.type !== 'PTR') rcode = RCODE_NXDOMAIN;
    else
      for (const data of names)
        answers.push({ type: 'PTR', class: 'IN', name: question.name, ttl: 300, data });

    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      // Authoritative, recursion desired echoed; the low four bits carry the response code.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
      questions: [question],
      answers,
    });
    const send = () => {
      if (!closed) socket.send(reply, rinfo.port, rinfo.address);
    };
    const wait = delay.get(name) ?? 0;
    if (wait <= 0) return send();
    const t = setTimeout(() => {
      pending.delete(t);
      send();
    }, wait);
    pending.add(t);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();

  return {
    port,
    address: `127.0.0.1:${port}`,
    get queries() {
      return queries;
    },
    queriesFor: (ip) => perName.get(key(ip)) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const t of pending) clearTimeout(t);
        pending.clear();
        socket.close(() => resolve());
      }),
  };
}
