// A test client that speaks to Carrel exactly as the Libki kiosk client 2.4.0 does
// (networkclient.cpp in test/fixtures/libki-client/; docs/public-computers.md): one GET path, the common parameters in
// their order, QUrlQuery's encoding (`+ / ? :` literal), the custom station-key header, the
// credentials repeated in every poll, and the replies read as the client reads them.

/** QUrlQuery's encoding: `&`, `=`, `%`, `#`, space, controls and non-ASCII escaped; the rest literal. */
export function qtEncode(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x20 || c >= 0x7f || '&=%#'.includes(ch)) out += encodeURIComponent(ch).replace(/!/g, '%21');
    else out += ch;
  }
  return out;
}

export interface LibkiNode {
  /** `[node] name`. */
  name: string;
  /** `[node] location`: the branch code. */
  location: string;
  /** `[server] customHeaderValue` (with customHeaderName=X-Carrel-Station-Key). */
  stationKey?: string;
}

export type Reply = Record<string, unknown>;

export class LibkiClient {
  /** The URL of every request, as sent (tests look for credentials in logs with it). */
  readonly sent: string[] = [];
  /** Who is signed in, repeated in each poll like the real client does. */
  user: { username: string; password: string } | null = null;
  /** Minutes shown on the timer window. */
  units: number | null = null;
  /** Messages shown in "You have a message" boxes. */
  readonly shown: string[] = [];

  constructor(
    readonly baseUrl: string,
    readonly node: LibkiNode,
  ) {}

  private async get(action: string, extra: Array<[string, string | null]>): Promise<Reply> {
    const params: Array<[string, string | null]> = [
      ['node', this.node.name],
      ['location', this.node.location],
      ['type', ''],
      ['ipaddress', '10.0.0.17'],
      ['macaddress', '02:FC:00:00:00:01'],
      ['hostname', this.node.name],
      ['version', '2.4.0'],
      ['action', action],
      ...extra,
    ];
    const query = params.map(([k, v]) => (v === null ? k : `${k}=${qtEncode(v)}`)).join('&');
    const url = `${this.baseUrl}/api/client/v1_0?${query}`;
    this.sent.push(url);
    const headers: Record<string, string> = {
      'Accept-Encoding': 'gzip, deflate',
      'Accept-Language': 'en,*',
      'User-Agent': 'Mozilla/5.0',
    };
    if (this.node.stationKey !== undefined) headers['X-Carrel-Station-Key'] = this.node.stationKey;
    const res = await fetch(url, { headers });
    if (res.status !== 200) throw new Error(`HTTP ${res.status} (the client would show the URL)`);
    const body = await res.text();
    if (/\bnull\b/.test(body)) throw new Error(`a null in the reply would show as "null": ${body}`);
    return JSON.parse(body) as Reply;
  }

  /** Every 10 s for the life of the process. */
  registerNode(): Promise<Reply> {
    return this.get('register_node', [
      ['node_name', this.node.name],
      ['age_limit', null],
    ]);
  }

  /** "Log In": true when authenticated; the error code otherwise. */
  async login(username: string, password: string): Promise<true | string> {
    const r = await this.get('login', [
      ['username', username],
      ['password', password],
      ['createGuest', '0'],
    ]);
    if (r.authenticated) {
      this.user = { username, password };
      this.units = Number(r.units);
      return true;
    }
    return String(r.error ?? '');
  }

  /** get_user_data, every 10 s while signed in; acts on the reply as the client does. */
  async poll(): Promise<Reply> {
    if (!this.user) throw new Error('not signed in');
    const r = await this.get('get_user_data', [
      ['username', this.user.username],
      ['password', this.user.password],
    ]);
    if (r.status === 'Logged out' || r.status === 'Kicked') {
      this.user = null; // local logout without a logout request
      this.units = null;
    } else if (r.status === 'Logged in') {
      for (const m of (r.messages as string[] | undefined) ?? []) this.shown.push(m);
      this.units = Number(r.units ?? 0);
      if (this.units < 1) await this.logout(); // units < 1: the client sends logout itself
    }
    return r;
  }

  /** "Log Out?" → Yes, or units < 1. */
  async logout(): Promise<Reply> {
    if (!this.user) throw new Error('not signed in');
    const r = await this.get('logout', [
      ['username', this.user.username],
      ['password', this.user.password],
    ]);
    if (r.logged_out) {
      this.user = null;
      this.units = null;
    }
    return r;
  }

  /** Sent after each register_node reply with a non-empty reserved_for. */
  acknowledgeReservation(ticket: string): Promise<Reply> {
    return this.get('acknowledge_reservation', [['reserved_for', ticket]]);
  }
}
