// A tiny browser over real HTTP (fetch to a listening Carrel), for end-to-end tests where another
// real program talks to the same server: keeps cookies, takes each form's CSRF token from the page
// it was served on, and never follows redirects (tests assert them).

export interface Page {
  status: number;
  location: string | null;
  body: string;
}

export class HttpSession {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private async send(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1) === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  get(path: string): Promise<Page> {
    return this.send(path);
  }

  /** Loads `pagePath`, takes the CSRF token of its forms, and posts `form` to `action`. */
  async submit(pagePath: string, action: string, form: Record<string, string>): Promise<Page> {
    const page = await this.get(pagePath);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${pagePath} (HTTP ${page.status})`);
    return this.send(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, ...form }).toString(),
    });
  }

  /** Signs a staff member in through the real form; throws unless the server redirects (303). */
  async signInStaff(username: string, password: string): Promise<void> {
    const r = await this.submit('/staff/login', '/staff/login', { username, password });
    if (r.status !== 303) throw new Error(`staff sign-in failed: HTTP ${r.status}`);
  }
}
