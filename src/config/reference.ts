// Ask a Librarian (issue 4, R1–R3): the desk's address, how e-mailed questions arrive, limits.
import { EnvReader, intSetting, oneOfSetting, textSetting, type Setting } from './setting.ts';

export interface ReferenceConfig {
  /** The reference desk's address; replies thread by a +token in it (ask+TOKEN@…). */
  address: string;
  /** How e-mailed questions arrive: a built-in SMTP listener, IMAP polling, or not at all. */
  inbound: 'off' | 'smtp' | 'imap';
  smtpHost: string;
  smtpPort: number;
  imapUrl: URL | null;
  pollSeconds: number;
  /** Largest inbound message accepted, in bytes. */
  maxBytes: number;
  /** Open questions with no activity for this many days are closed and scrubbed (R2). */
  idleDays: number;
  /** Questions one client may send through the web form per hour. */
  perClientPerHour: number;
}

const emailLike = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export const REFERENCE_ADDRESS: Setting<string, URL> = {
  name: 'REFERENCE_ADDRESS',
  default: '`ask@` the `PUBLIC_URL` host',
  description: 'Address of Ask a Librarian; replies thread by a token in `ask+TOKEN@…` (R3).',
  parse(v, r, publicUrl) {
    const fallbackDomain = publicUrl.hostname.includes('.') ? publicUrl.hostname : 'library.example';
    const address = (v ?? `ask@${fallbackDomain}`).toLowerCase();
    if (!emailLike.test(address) || address.split('@')[0]!.includes('+'))
      r.problem(
        `REFERENCE_ADDRESS=${JSON.stringify(address)} is not an address like ask@library.org (without +).`,
      );
    return address;
  },
};

export const REFERENCE_INBOUND = oneOfSetting('REFERENCE_INBOUND', {
  default: 'off',
  allowed: ['off', 'smtp', 'imap'],
  description: 'How e-mailed questions arrive: `off`, `smtp` (built-in listener) or `imap` (polling).',
});

export const REFERENCE_IMAP_URL: Setting<URL | null> = {
  name: 'REFERENCE_IMAP_URL',
  default: 'unset',
  description: '`imaps://user:pass@host:993/INBOX` mailbox to poll; messages are deleted once read.',
  parse(v, r) {
    if (v === undefined) return null;
    try {
      const imapUrl = new URL(v);
      if (!['imap:', 'imaps:'].includes(imapUrl.protocol)) throw new Error('scheme');
      return imapUrl;
    } catch {
      // May hold a password: not echoed.
      r.problem('REFERENCE_IMAP_URL is not an imaps://user:password@host:993/INBOX URL.');
      return null;
    }
  },
};

export const REFERENCE_SMTP_HOST = textSetting('REFERENCE_SMTP_HOST', {
  default: '127.0.0.1',
  description: 'Where the built-in SMTP listener binds (put your MX or relay in front of it).',
});

export const REFERENCE_SMTP_PORT = intSetting('REFERENCE_SMTP_PORT', {
  default: 2525,
  min: 0,
  max: 65535,
  description: 'The port the built-in SMTP listener binds.',
});

export const REFERENCE_POLL_SECONDS = intSetting('REFERENCE_POLL_SECONDS', {
  default: 60,
  min: 5,
  max: 3600,
  description: 'How often the IMAP mailbox is polled.',
});

export const REFERENCE_MAX_KB = intSetting('REFERENCE_MAX_KB', {
  default: 1024,
  min: 16,
  max: 50 * 1024,
  description: 'Largest e-mailed question accepted.',
});

export const REFERENCE_IDLE_DAYS = intSetting('REFERENCE_IDLE_DAYS', {
  default: 30,
  min: 1,
  max: 365,
  description: 'Open questions idle this long are closed and scrubbed (R2).',
});

export const REFERENCE_PER_CLIENT_PER_HOUR = intSetting('REFERENCE_PER_CLIENT_PER_HOUR', {
  default: 5,
  min: 1,
  max: 1000,
  description: 'Questions one client may send through the web form per hour.',
});

export function readReference(r: EnvReader, publicUrl: URL): ReferenceConfig {
  const address = r.read(REFERENCE_ADDRESS, publicUrl);
  const inbound = r.read(REFERENCE_INBOUND);
  const imapUrl = r.read(REFERENCE_IMAP_URL);
  // Checked against the raw variable: a malformed URL is already a problem of its own.
  if (inbound === 'imap' && imapUrl === null && !r.has(REFERENCE_IMAP_URL))
    r.problem('REFERENCE_INBOUND=imap needs REFERENCE_IMAP_URL.');
  return {
    address,
    inbound,
    smtpHost: r.read(REFERENCE_SMTP_HOST),
    smtpPort: r.read(REFERENCE_SMTP_PORT),
    imapUrl,
    pollSeconds: r.read(REFERENCE_POLL_SECONDS),
    maxBytes: r.read(REFERENCE_MAX_KB) * 1024,
    idleDays: r.read(REFERENCE_IDLE_DAYS),
    perClientPerHour: r.read(REFERENCE_PER_CLIENT_PER_HOUR),
  };
}

export const referenceSettings = [
  REFERENCE_ADDRESS,
  REFERENCE_INBOUND,
  REFERENCE_SMTP_HOST,
  REFERENCE_SMTP_PORT,
  REFERENCE_IMAP_URL,
  REFERENCE_POLL_SECONDS,
  REFERENCE_MAX_KB,
  REFERENCE_IDLE_DAYS,
  REFERENCE_PER_CLIENT_PER_HOUR,
];
