// Public computers signing in against another library system over SIP2 (issue 14 item 9; P3): off
// unless PCS_SIP2_HOST is set. TLS by default; the terminal password is read from a file so it is
// not in the process's environment listing. The age band and the patron-status flags that refuse a
// login are configured here and checked at start-up.
import fs from 'node:fs';
import type { LibraryIdentity } from '../library.ts';
import type { SipCharset } from '../sip2/charset.ts';
import { PATRON_STATUS_FLAGS, type PatronStatusFlag } from '../sip2/status.ts';
import { boolSetting, EnvReader, intSetting, listOf, optionalSetting, type Setting } from './setting.ts';

/** How the age band is read from a 64 reply. */
export interface AgeBandRule {
  /** The two-letter field id: a patron category (Koha and Evergreen: `PC`), or `PB` birth date. */
  field: string;
  /** Category value (lower case) → Carrel age band; used unless the field is `PB`. */
  map: ReadonlyMap<string, string>;
  /** With `PB`: whole years of age, `from` to `to` inclusive → age band. */
  ages: ReadonlyArray<{ from: number; to: number; band: string }>;
  /** The band for any other value (or a missing field); null: no band. */
  fallback: string | null;
}

export interface PcsSip2Config {
  host: string;
  port: number;
  /** TLS on (the default); `caFile` a private CA to trust besides the system's. */
  tls: { caFile: string | null } | null;
  /** 93 Login once per connection; null when the server wants none. */
  login: { userId: string; password: string; locationCode: string | null } | null;
  /** AO of every request. */
  institution: string;
  charset: SipCharset;
  timeoutMs: number;
  /** Send AY/AZ checksums. */
  checksums: boolean;
  ageBands: AgeBandRule;
  /** A `Y` in any of these patron-status positions refuses the login (ACCOUNT_DISABLED). */
  denyOn: readonly PatronStatusFlag[];
}

const snake = (flag: string): string => flag.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const flagNames = new Map(PATRON_STATUS_FLAGS.map((f) => [snake(f), f]));

export const PCS_SIP2_HOST = optionalSetting('PCS_SIP2_HOST', {
  default: 'unset: Carrel’s own patrons',
  description:
    'SIP2 server of the library system (Koha, Evergreen, Sierra…) that checks card and PIN of public-computer logins; unset: Carrel’s own patrons.',
});

export const PCS_SIP2_PORT = intSetting('PCS_SIP2_PORT', {
  default: 6001,
  min: 1,
  max: 65535,
  description: 'Port of that SIP2 server.',
});

export const PCS_SIP2_TLS = boolSetting('PCS_SIP2_TLS', {
  default: true,
  description: 'Connect to the SIP2 server with TLS (turn off only inside a trusted network).',
});

export const PCS_SIP2_CA: Setting<string | null> = {
  name: 'PCS_SIP2_CA',
  default: 'system CAs',
  description: "PEM file of a private CA to trust for the SIP2 server's certificate.",
  parse(v, r) {
    if (v !== undefined && !fs.existsSync(v)) r.problem(`PCS_SIP2_CA file ${v} does not exist.`);
    return v ?? null;
  },
};

export const PCS_SIP2_LOGIN = optionalSetting('PCS_SIP2_LOGIN', {
  default: 'unset: no 93 login',
  description: 'SIP2 login user id (CN) Carrel signs in with (with `PCS_SIP2_PASSWORD_FILE`).',
});

export const PCS_SIP2_PASSWORD_FILE = optionalSetting('PCS_SIP2_PASSWORD_FILE', {
  default: 'unset',
  description: 'File holding the SIP2 login password (CO); a trailing newline is ignored.',
});

export const PCS_SIP2_LOCATION = optionalSetting('PCS_SIP2_LOCATION', {
  default: 'unset',
  description: 'Location code (CP) sent with the SIP2 login.',
});

export const PCS_SIP2_INSTITUTION = optionalSetting('PCS_SIP2_INSTITUTION', {
  default: 'empty',
  description: 'Institution id (AO) sent with every SIP2 request.',
});

export const PCS_SIP2_CHARSET: Setting<SipCharset> = {
  name: 'PCS_SIP2_CHARSET',
  default: '`utf-8`',
  description: 'Character set of the SIP2 connection: `utf-8` or `ibm850`.',
  parse(v, r) {
    const s = (v ?? 'utf-8').toLowerCase();
    if (s === 'utf-8' || s === 'utf8') return 'utf8';
    if (s === 'ibm850' || s === 'cp850') return 'ibm850';
    r.problem(`PCS_SIP2_CHARSET=${JSON.stringify(v)} is not utf-8 or ibm850.`);
    return 'utf8';
  },
};

export const PCS_SIP2_TIMEOUT_SECONDS = intSetting('PCS_SIP2_TIMEOUT_SECONDS', {
  default: 5,
  min: 1,
  max: 60,
  description: 'Seconds to wait for the SIP2 server to connect or answer before a login is refused.',
});

export const PCS_SIP2_CHECKSUMS = boolSetting('PCS_SIP2_CHECKSUMS', {
  default: false,
  description: 'Send AY/AZ checksums on SIP2 requests (replies’ checksums are always verified).',
});

export const PCS_SIP2_AGE_FIELD: Setting<string> = {
  name: 'PCS_SIP2_AGE_FIELD',
  default: '`PC`',
  description:
    'Field of the 64 reply the age band is read from: a patron category (`PC`), or `PB`, the birth date (YYYYMMDD).',
  parse(v, r) {
    if (v === undefined) return 'PC';
    if (!/^[A-Z0-9]{2}$/.test(v))
      r.problem(`PCS_SIP2_AGE_FIELD=${JSON.stringify(v)} is not a two-letter field id.`);
    return v;
  },
};

/** One key of PCS_SIP2_AGE_BANDS with PB: `13-17` or `18+`. */
function ageRange(key: string): { from: number; to: number } | undefined {
  const m = /^(\d{1,3})(?:-(\d{1,3})|(\+))$/.exec(key);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[3] ? Infinity : Number(m[2]);
  return from <= to ? { from, to } : undefined;
}

export const PCS_SIP2_AGE_BANDS: Setting<AgeBandRule, { library: LibraryIdentity; field: string }> = {
  name: 'PCS_SIP2_AGE_BANDS',
  default: 'unset: no age band',
  description:
    'Patron category → age band, e.g. `J=child,YA=teen,*=adult` (`*`: any other); with `PCS_SIP2_AGE_FIELD=PB` (birth date) ages, e.g. `0-12=child,13-17=teen,18+=adult`. A patron without a band is refused by groups limited to age bands.',
  parse(v, r, { library, field }) {
    const bands = library.circulation.ageBands;
    const byBirthDate = field === 'PB';
    const map = new Map<string, string>();
    const ages: Array<{ from: number; to: number; band: string }> = [];
    let fallback: string | null = null;
    for (const entry of listOf(v)) {
      const m = /^([^=]+)=([^=]+)$/.exec(entry);
      const [key, band] = m ? [m[1]!.trim(), m[2]!.trim()] : ['', ''];
      const range = byBirthDate && key !== '*' ? ageRange(key) : undefined;
      if (!key || !band || (byBirthDate && key !== '*' && !range)) {
        r.problem(
          `PCS_SIP2_AGE_BANDS entry ${JSON.stringify(entry)} is not ${byBirthDate ? 'AGES=BAND (13-17=teen, 18+=adult)' : 'CATEGORY=BAND'}.`,
        );
        continue;
      }
      if (!bands.includes(band)) {
        r.problem(
          `PCS_SIP2_AGE_BANDS entry ${JSON.stringify(entry)}: the age bands are ${bands.join(', ')}.`,
        );
        continue;
      }
      if (key === '*') fallback = band;
      else if (range) ages.push({ ...range, band });
      else map.set(key.toLowerCase(), band);
    }
    return { field, map, ages, fallback };
  },
};

export const PCS_SIP2_DENY_ON: Setting<PatronStatusFlag[]> = {
  name: 'PCS_SIP2_DENY_ON',
  default: '`charge_privileges_denied,renewal_privileges_denied,card_reported_lost`',
  description:
    'Patron-status flags that refuse a public-computer login (any of the 14 positions in snake case, e.g. `excessive_outstanding_fines`).',
  parse(v, r) {
    const names =
      v === undefined
        ? ['charge_privileges_denied', 'renewal_privileges_denied', 'card_reported_lost']
        : listOf(v);
    const flags: PatronStatusFlag[] = [];
    for (const n of names) {
      const f = flagNames.get(n.toLowerCase());
      if (f) flags.push(f);
      else
        r.problem(
          `PCS_SIP2_DENY_ON entry ${JSON.stringify(n)} is not a patron-status flag such as charge_privileges_denied.`,
        );
    }
    return flags;
  },
};

const dependents: ReadonlyArray<Setting<unknown, never>> = [
  PCS_SIP2_PORT,
  PCS_SIP2_TLS,
  PCS_SIP2_CA,
  PCS_SIP2_LOGIN,
  PCS_SIP2_PASSWORD_FILE,
  PCS_SIP2_LOCATION,
  PCS_SIP2_INSTITUTION,
  PCS_SIP2_CHARSET,
  PCS_SIP2_TIMEOUT_SECONDS,
  PCS_SIP2_CHECKSUMS,
  PCS_SIP2_AGE_FIELD,
  PCS_SIP2_AGE_BANDS,
  PCS_SIP2_DENY_ON,
];

function readPassword(r: EnvReader, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch {
    r.problem(`PCS_SIP2_PASSWORD_FILE file ${file} cannot be read.`);
    return '';
  }
}

/** The SIP2 patron source, or null when PCS_SIP2_HOST is unset (Carrel's own patrons). */
export function readPcsSip2(r: EnvReader, library: LibraryIdentity): PcsSip2Config | null {
  const host = r.read(PCS_SIP2_HOST);
  if (host === undefined) {
    const stray = dependents.filter((s) => r.has(s as Setting<unknown>)).map((s) => s.name);
    if (stray.length > 0)
      r.problem(`${stray.join(', ')} ${stray.length > 1 ? 'need' : 'needs'} PCS_SIP2_HOST.`);
    return null;
  }
  const userId = r.read(PCS_SIP2_LOGIN);
  const passwordFile = r.read(PCS_SIP2_PASSWORD_FILE);
  if ((userId === undefined) !== (passwordFile === undefined))
    r.problem('PCS_SIP2_LOGIN and PCS_SIP2_PASSWORD_FILE must be set together (or neither).');
  const location = r.read(PCS_SIP2_LOCATION);
  const useTls = r.read(PCS_SIP2_TLS);
  const caFile = r.read(PCS_SIP2_CA);
  if (!useTls && caFile !== null) r.problem('PCS_SIP2_CA needs PCS_SIP2_TLS on.');
  const ageBands = r.read(PCS_SIP2_AGE_BANDS, { library, field: r.read(PCS_SIP2_AGE_FIELD) });
  return {
    host,
    port: r.read(PCS_SIP2_PORT),
    tls: useTls ? { caFile } : null,
    login:
      userId !== undefined && passwordFile !== undefined
        ? { userId, password: readPassword(r, passwordFile), locationCode: location ?? null }
        : null,
    institution: r.read(PCS_SIP2_INSTITUTION) ?? '',
    charset: r.read(PCS_SIP2_CHARSET),
    timeoutMs: r.read(PCS_SIP2_TIMEOUT_SECONDS) * 1000,
    checksums: r.read(PCS_SIP2_CHECKSUMS),
    ageBands,
    denyOn: r.read(PCS_SIP2_DENY_ON),
  };
}

export const pcsSip2Settings = [PCS_SIP2_HOST, ...dependents];
