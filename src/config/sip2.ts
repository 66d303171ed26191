// The SIP2 server for self-check machines (issue 14 item 8): off unless a port is set. TLS on
// SIP2_PORT with its own certificate files; an optional plain-TCP port accepted only from the
// address ranges an account allows for plain TCP.
import fs from 'node:fs';
import { EnvReader, intSetting, optionalSetting, type Setting } from './setting.ts';

export interface Sip2Config {
  /** TLS port; null: no SIP2 server. */
  port: number | null;
  /** Plain TCP port; null: none. */
  plainPort: number | null;
  /** Interface both ports bind to. */
  host: string;
  tls: { certFile: string; keyFile: string } | null;
  /** A connection with no message for this long is closed. */
  idleSeconds: number;
  /** Connections open at once, both ports together. */
  maxConnections: number;
}

const portSetting = (name: string, description: string): Setting<number | null> => ({
  name,
  default: 'unset',
  description,
  parse(v, r) {
    if (v === undefined) return null;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
      r.problem(`${name}=${JSON.stringify(v)} is not a port number from 1 to 65535.`);
      return null;
    }
    return n;
  },
});

export const SIP2_PORT = portSetting(
  'SIP2_PORT',
  'TLS port of the SIP2 server for self-check machines (with `SIP2_TLS_CERT` and `SIP2_TLS_KEY`); unset: no SIP2 server.',
);
export const SIP2_PLAIN_PORT = portSetting(
  'SIP2_PLAIN_PORT',
  'Plain-TCP SIP2 port, accepted only from the address ranges an account allows for plain TCP; unset: none.',
);
export const SIP2_HOST = optionalSetting('SIP2_HOST', {
  default: '`HOST`',
  description: 'Interface the SIP2 ports bind to.',
});
export const SIP2_TLS_CERT = optionalSetting('SIP2_TLS_CERT', {
  default: 'unset',
  description: 'PEM certificate (chain) for the SIP2 TLS port.',
});
export const SIP2_TLS_KEY = optionalSetting('SIP2_TLS_KEY', {
  default: 'unset',
  description: 'PEM private key for the SIP2 TLS port.',
});
export const SIP2_IDLE_SECONDS = intSetting('SIP2_IDLE_SECONDS', {
  default: 600,
  min: 10,
  max: 86400,
  description: 'A SIP2 connection that sends nothing for this many seconds is closed.',
});
export const SIP2_MAX_CONNECTIONS = intSetting('SIP2_MAX_CONNECTIONS', {
  default: 100,
  min: 1,
  max: 10000,
  description: 'SIP2 connections open at once (both ports); more are closed at once.',
});

export function readSip2(r: EnvReader, host: string): Sip2Config {
  const port = r.read(SIP2_PORT);
  const plainPort = r.read(SIP2_PLAIN_PORT);
  const certFile = r.read(SIP2_TLS_CERT);
  const keyFile = r.read(SIP2_TLS_KEY);
  let tls: Sip2Config['tls'] = null;
  if (port !== null) {
    if (certFile === undefined || keyFile === undefined)
      r.problem('SIP2_PORT needs SIP2_TLS_CERT and SIP2_TLS_KEY (PEM files).');
    else {
      for (const [name, f] of [
        ['SIP2_TLS_CERT', certFile],
        ['SIP2_TLS_KEY', keyFile],
      ] as const)
        if (!fs.existsSync(f)) r.problem(`${name} file ${f} does not exist.`);
      tls = { certFile, keyFile };
    }
  }
  if (port !== null && port === plainPort) r.problem('SIP2_PORT and SIP2_PLAIN_PORT must differ.');
  return {
    port,
    plainPort,
    host: r.read(SIP2_HOST) ?? host,
    tls,
    idleSeconds: r.read(SIP2_IDLE_SECONDS),
    maxConnections: r.read(SIP2_MAX_CONNECTIONS),
  };
}

export const sip2Settings = [
  SIP2_PORT,
  SIP2_PLAIN_PORT,
  SIP2_HOST,
  SIP2_TLS_CERT,
  SIP2_TLS_KEY,
  SIP2_IDLE_SECONDS,
  SIP2_MAX_CONNECTIONS,
];
