// The web server: where it listens, how it is reached, which proxies it believes, TLS, logs, limits.
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import {
  EnvReader,
  intSetting,
  isAddressOrCidr,
  oneOfSetting,
  optionalSetting,
  textSetting,
  type Setting,
} from './setting.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const PORT = intSetting('PORT', {
  default: 8080,
  min: 1,
  max: 65535,
  description: 'TCP port for the web server.',
});

export const HOST = textSetting('HOST', {
  default: 'localhost',
  description:
    'Interface to bind (localhost: this machine only); use `0.0.0.0` or a proxy for other machines.',
});

export const PUBLIC_URL: Setting<URL, { port: number }> = {
  name: 'PUBLIC_URL',
  default: '`http://localhost:PORT`',
  description: 'The address patrons use to reach the site (absolute links).',
  parse(v, r, { port }) {
    let publicUrl = new URL(`http://localhost:${port}`);
    if (v === undefined) return publicUrl;
    try {
      publicUrl = new URL(v);
      if (!['http:', 'https:'].includes(publicUrl.protocol)) throw new Error('scheme');
    } catch {
      r.problem(`PUBLIC_URL=${JSON.stringify(v)} is not an http:// or https:// URL.`);
    }
    return publicUrl;
  },
};

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

export const TRUST_PROXY: Setting<string[]> = {
  name: 'TRUST_PROXY',
  default: 'none',
  description:
    'Comma-separated proxy addresses/CIDRs (or `loopback`) whose `X-Forwarded-For`/`-Proto` are believed.',
  parse(v, r) {
    if (v === undefined || ['false', 'no', 'off', 'none'].includes(v.toLowerCase())) return [];
    const entries = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const e of entries) {
      if (!proxyNames.has(e) && !isAddressOrCidr(e)) {
        r.problem(
          `TRUST_PROXY entry ${JSON.stringify(e)} is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal.`,
        );
      }
    }
    return entries;
  },
};

export const TLS_CERT_FILE = optionalSetting('TLS_CERT_FILE', {
  default: 'unset',
  description: 'PEM certificate to serve HTTPS directly (with `TLS_KEY_FILE`).',
});

export const TLS_KEY_FILE = optionalSetting('TLS_KEY_FILE', {
  default: 'unset',
  description: 'PEM private key to serve HTTPS directly (with `TLS_CERT_FILE`).',
});

/** Both TLS files or neither, and each must exist. */
export function readTls(r: EnvReader): { certFile: string; keyFile: string } | null {
  const certFile = r.read(TLS_CERT_FILE);
  const keyFile = r.read(TLS_KEY_FILE);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    r.problem('TLS_CERT_FILE and TLS_KEY_FILE must be set together (or neither).');
    return null;
  }
  if (certFile === undefined || keyFile === undefined) return null;
  for (const [name, f] of [
    ['TLS_CERT_FILE', certFile],
    ['TLS_KEY_FILE', keyFile],
  ] as const) {
    if (!fs.existsSync(f)) r.problem(`${name} file ${f} does not exist.`);
  }
  return { certFile, keyFile };
}

export const LOG_LEVEL = oneOfSetting('LOG_LEVEL', {
  default: 'info',
  allowed: logLevels,
  description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
});

export const BODY_LIMIT_KB = intSetting('BODY_LIMIT_KB', {
  default: 1024,
  min: 1,
  max: 1024 * 1024,
  description:
    'Largest request body accepted (MARC uploads: 128 MB); larger requests, or forms of more than 1,000 fields, get 413.',
});

export const UPLOAD_IDLE_SECONDS = intSetting('UPLOAD_IDLE_SECONDS', {
  default: 60,
  min: 1,
  max: 3600,
  description:
    'A catalog upload that sends nothing for this long is dropped (408), so a stalled one cannot hold an upload slot.',
});

export const JOB_POLL_MS = intSetting('JOB_POLL_MS', {
  default: 1000,
  min: 10,
  max: 60_000,
  description: 'How often an idle worker looks for queued jobs.',
});

export const serverSettings = [
  PORT,
  HOST,
  PUBLIC_URL,
  TRUST_PROXY,
  TLS_CERT_FILE,
  TLS_KEY_FILE,
  LOG_LEVEL,
  BODY_LIMIT_KB,
  UPLOAD_IDLE_SECONDS,
  JOB_POLL_MS,
];

/** Null when host:port can be bound on every address the host name resolves to; else a problem line. */
export async function checkPortFree(host: string, port: number): Promise<string | null> {
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `HOST ${JSON.stringify(host)} does not resolve to an address of this machine.`;
  }
  for (const address of addresses) {
    const problem = await new Promise<string | null>((resolve) => {
      const probe = net.createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => {
        resolve(
          err.code === 'EADDRINUSE'
            ? `PORT ${port} on ${host} is already in use; stop the other program or set PORT to a free port.`
            : `Cannot listen on ${host}:${port} (${err.code ?? 'error'}); check HOST and PORT.`,
        );
      });
      probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve(null)));
    });
    if (problem) return problem;
  }
  return null;
}
