// Outgoing e-mail: the relay, the sender, DKIM, and the notices and announcements it carries.
import fs from 'node:fs';
import type { LibraryIdentity } from '../library.ts';
import { boolSetting, EnvReader, intSetting, optionalSetting, type Setting } from './setting.ts';

export interface MailConfig {
  /** smtp:// or smtps:// relay; null sends every message to the development mailbox instead. */
  smtpUrl: URL | null;
  /** Allow an SMTP connection without TLS (a relay on this machine); otherwise STARTTLS is required. */
  allowPlain: boolean;
  /** PEM file with a private CA to trust for the SMTP server, besides the system's CAs. */
  caFile: string | null;
  /** The sender every message carries, in the library's name. */
  from: { name: string; address: string };
  /** Optional DKIM signing of every outgoing message. */
  dkim: { domain: string; selector: string; keyFile: string } | null;
  /** Connections announcements keep open to the relay at once. */
  poolConnections: number;
}

/** Service notices (issue 4, N2). */
export interface NoticesConfig {
  /** A due-soon notice goes this many days before the due date (0: none). */
  dueSoonDays: number;
}

/** Announcements (issue 4, N1). */
export interface AnnouncementsConfig {
  /** Throttle: messages per minute handed to the relay. */
  perMinute: number;
  /** Hosts (and their subdomains) announcement links may point to; the site's own host always may. */
  linkHosts: string[];
}

export const SMTP_URL: Setting<URL | null> = {
  name: 'SMTP_URL',
  default: 'unset: development mailbox',
  description:
    '`smtp://user:pass@host:587` or `smtps://…:465` relay for outgoing e-mail; unset, messages go to the admin-only development mailbox.',
  parse(v, r) {
    if (v === undefined) return null;
    let smtpUrl: URL | null;
    try {
      smtpUrl = new URL(v);
    } catch {
      smtpUrl = null;
    }
    if (!smtpUrl || !['smtp:', 'smtps:'].includes(smtpUrl.protocol) || smtpUrl.hostname === '') {
      // The value may hold a password, so it is not echoed back.
      r.problem('SMTP_URL is not an smtp://user:password@host:port or smtps://… URL.');
      return null;
    }
    return smtpUrl;
  },
};

export const SMTP_ALLOW_PLAIN = boolSetting('SMTP_ALLOW_PLAIN', {
  default: false,
  description:
    'Allow an `smtp://` relay without STARTTLS (only for a relay on this machine or a trusted network).',
});

export const SMTP_CA_FILE: Setting<string | null> = {
  name: 'SMTP_CA_FILE',
  default: 'system CAs',
  description: "PEM file of a private CA to trust for the SMTP relay's certificate.",
  parse(v, r) {
    if (v !== undefined && !fs.existsSync(v)) r.problem(`SMTP_CA_FILE file ${v} does not exist.`);
    return v ?? null;
  },
};

export const MAIL_FROM: Setting<MailConfig['from'], LibraryIdentity> = {
  name: 'MAIL_FROM',
  default: "library name and webmaster's e-mail",
  description: 'Sender of every e-mail: `library@example.org` or `Name <library@example.org>`.',
  parse(given, r, library) {
    const from = { name: library.name, address: library.contacts.webmaster.email };
    if (given === undefined) return from;
    const m = /^(?:"?([^"<>]*?)"?\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))$/.exec(given);
    if (m) return { name: m[1]?.trim() || library.name, address: (m[2] ?? m[3])! };
    r.problem(
      `MAIL_FROM=${JSON.stringify(given)} is not an address like library@example.org or "Name <library@example.org>".`,
    );
    return from;
  },
};

export const DKIM_DOMAIN = optionalSetting('DKIM_DOMAIN', {
  default: 'unset (no DKIM)',
  description:
    'Sign outgoing e-mail with DKIM for this domain (with `DKIM_SELECTOR` and `DKIM_PRIVATE_KEY_FILE`).',
});

export const DKIM_SELECTOR = optionalSetting('DKIM_SELECTOR', {
  default: 'unset (no DKIM)',
  description: 'The DKIM selector (set with `DKIM_DOMAIN` and `DKIM_PRIVATE_KEY_FILE`).',
});

export const DKIM_PRIVATE_KEY_FILE = optionalSetting('DKIM_PRIVATE_KEY_FILE', {
  default: 'unset (no DKIM)',
  description: 'PEM private key file for DKIM signing (set with `DKIM_DOMAIN` and `DKIM_SELECTOR`).',
});

/** All three DKIM variables or none, and the key file must exist. */
function readDkim(r: EnvReader): MailConfig['dkim'] {
  const domain = r.read(DKIM_DOMAIN);
  const selector = r.read(DKIM_SELECTOR);
  const keyFile = r.read(DKIM_PRIVATE_KEY_FILE);
  const set = [domain, selector, keyFile].filter((v) => v !== undefined).length;
  if (set > 0 && set < 3) {
    r.problem('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE must be set together (or none).');
    return null;
  }
  if (!domain || !selector || !keyFile) return null;
  if (!fs.existsSync(keyFile)) r.problem(`DKIM_PRIVATE_KEY_FILE file ${keyFile} does not exist.`);
  return { domain, selector, keyFile };
}

export const SMTP_POOL_CONNECTIONS = intSetting('SMTP_POOL_CONNECTIONS', {
  default: 5,
  min: 1,
  max: 50,
  description: 'Connections to the relay an announcement run keeps open at once.',
});

export function readMail(r: EnvReader, library: LibraryIdentity): MailConfig {
  const smtpUrl = r.read(SMTP_URL);
  const caFile = r.read(SMTP_CA_FILE);
  const from = r.read(MAIL_FROM, library);
  const dkim = readDkim(r);
  return {
    smtpUrl,
    allowPlain: r.read(SMTP_ALLOW_PLAIN),
    caFile,
    from,
    dkim,
    poolConnections: r.read(SMTP_POOL_CONNECTIONS),
  };
}

export const NOTICE_DUE_SOON_DAYS = intSetting('NOTICE_DUE_SOON_DAYS', {
  default: 3,
  min: 0,
  max: 30,
  description: 'Days before the due date the "due soon" notice goes (0: no such notice).',
});

export const ANNOUNCEMENT_PER_MINUTE = intSetting('ANNOUNCEMENT_PER_MINUTE', {
  default: 600,
  min: 1,
  max: 1_000_000,
  description: 'Throttle: announcement messages handed to the relay per minute.',
});

export const ANNOUNCEMENT_LINK_HOSTS: Setting<string[], URL> = {
  name: 'ANNOUNCEMENT_LINK_HOSTS',
  default: "the site's own host",
  description:
    'Comma-separated hosts (with their subdomains) announcements may link to; any other link is refused.',
  parse(v, r, publicUrl) {
    const hosts = (v ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    for (const h of hosts)
      if (!/^[a-z0-9.-]+$/.test(h) || !h.includes('.'))
        r.problem(`ANNOUNCEMENT_LINK_HOSTS entry ${JSON.stringify(h)} is not a host name like example.org.`);
    return [...new Set([publicUrl.hostname.toLowerCase(), ...hosts])];
  },
};

export function readAnnouncements(r: EnvReader, publicUrl: URL): AnnouncementsConfig {
  const linkHosts = r.read(ANNOUNCEMENT_LINK_HOSTS, publicUrl);
  return { perMinute: r.read(ANNOUNCEMENT_PER_MINUTE), linkHosts };
}

export const mailSettings = [
  SMTP_URL,
  SMTP_ALLOW_PLAIN,
  SMTP_CA_FILE,
  MAIL_FROM,
  DKIM_DOMAIN,
  DKIM_SELECTOR,
  DKIM_PRIVATE_KEY_FILE,
  SMTP_POOL_CONNECTIONS,
  NOTICE_DUE_SOON_DAYS,
  ANNOUNCEMENT_PER_MINUTE,
  ANNOUNCEMENT_LINK_HOSTS,
];
