// Helpers for the SIP2 server's tests: a running server on free ports with three accounts, a
// patron with a real PIN, and a raw socket for what the client would not send (split reads, bad
// checksums, CRLF).
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { hashSecret } from '../../auth/passwords.ts';
import type { AppContext } from '../../context.ts';
import type { SipCharset } from '../../sip2/charset.ts';
import { connectSip2, type Sip2Client } from '../../sip2/client.ts';
import { decodeText } from '../../sip2/charset.ts';
import { testCertificate } from '../../../test/support/smtp.ts';
import { addPatron } from '../../../test/support/circulation-fixtures.ts';
import { addSip2Account, addSip2AccountSchema } from './sip2.accounts.ts';
import { startSip2Server, type Sip2Server } from './sip2.server.ts';

export const PASSWORD = 'terminal-password-1';
export const PIN = '4817';

/** Accounts: `kiosk` (UTF-8, plain TCP from loopback), `old850` (IBM850, checksums required),
 * `far` (allowed only from 10.0.0.0/8). */
export async function addAccounts(ctx: AppContext): Promise<void> {
  const base = { password: PASSWORD, institution: 'CARREL', branch: 'MAIN', checksumsRequired: false };
  const loopback = ['127.0.0.0/8', '::1'];
  for (const input of [
    { ...base, login: 'kiosk', networks: loopback, plainNetworks: loopback, charset: 'utf-8' },
    {
      ...base,
      login: 'old850',
      networks: loopback,
      plainNetworks: loopback,
      charset: 'ibm850',
      checksumsRequired: true,
    },
    { ...base, login: 'far', networks: ['10.0.0.0/8', '2001:db8::/32'], plainNetworks: [], charset: 'utf-8' },
    { ...base, login: 'tlsonly', networks: loopback, plainNetworks: [], charset: 'utf-8' },
  ])
    await addSip2Account(ctx, addSip2AccountSchema.parse(input));
}

export async function startTestServer(
  ctx: AppContext,
  opts: { idleMs?: number; maxConnections?: number } = {},
): Promise<Sip2Server> {
  const { keyFile, certFile } = testCertificate();
  return startSip2Server(ctx, {
    host: '127.0.0.1',
    tls: { port: 0, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) },
    plainPort: 0,
    idleMs: opts.idleMs ?? 10_000,
    maxConnections: opts.maxConnections ?? 20,
  });
}

/** A patron whose PIN is PIN. */
export async function patronWithPin(ctx: AppContext, opts: { name?: string } = {}) {
  const p = await addPatron(ctx, opts);
  await ctx.db
    .updateTable('patrons')
    .set({ pin_hash: await hashSecret(PIN) })
    .where('id', '=', p.id)
    .execute();
  return p;
}

export async function client(
  server: Sip2Server,
  opts: { plain?: boolean; charset?: SipCharset; errorDetection?: boolean } = {},
): Promise<Sip2Client> {
  const ca = fs.readFileSync(testCertificate().certFile);
  return connectSip2({
    host: '127.0.0.1',
    port: opts.plain ? server.plainPort! : server.tlsPort!,
    ...(opts.plain ? {} : { tls: { ca } }),
    charset: opts.charset ?? 'utf8',
    errorDetection: opts.errorDetection ?? false,
    institutionId: 'CARREL',
    timeoutMs: 5000,
  });
}

/** A raw connection: write bytes, read whole replies (CR-terminated) as text. */
export async function rawConnection(server: Sip2Server, opts: { tls?: boolean; charset?: SipCharset } = {}) {
  const socket: net.Socket = await new Promise((resolve, reject) => {
    const s = opts.tls
      ? tls.connect({
          host: '127.0.0.1',
          port: server.tlsPort!,
          ca: fs.readFileSync(testCertificate().certFile),
        })
      : net.connect({ host: '127.0.0.1', port: server.plainPort! });
    s.once(opts.tls ? 'secureConnect' : 'connect', () => resolve(s));
    s.once('error', reject);
  });
  let buffer = Buffer.alloc(0);
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  let closed = false;
  const closedP = new Promise<void>((r) => socket.on('close', () => ((closed = true), r())));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    let i: number;
    while ((i = buffer.indexOf(0x0d)) >= 0) {
      const line = decodeText(buffer.subarray(0, i), opts.charset ?? 'utf8');
      buffer = buffer.subarray(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  return {
    socket,
    get closed() {
      return closed;
    },
    closedP,
    write: (data: string | Buffer) => socket.write(data),
    next: (ms = 5000) =>
      new Promise<string>((resolve, reject) => {
        const line = lines.shift();
        if (line !== undefined) return resolve(line);
        const timer = setTimeout(() => reject(new Error('no reply')), ms);
        waiting.push((l) => {
          clearTimeout(timer);
          resolve(l);
        });
      }),
    close: () => socket.destroy(),
  };
}

export const login93 = (user: string, password: string) => `9300CN${user}|CO${password}|CPMAIN|`;
