// Shared by the inbound mail tests: thread tokens, a log catcher, messages composed by nodemailer,
// and a real IMAP server on loopback (hoodiecrow, an in-memory IMAP4rev1 server written for client
// tests by the author of imapflow; MIT, a devDependency only).
import fs from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { createRequire } from 'node:module';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { testCertificate } from '../../../test/support/smtp.ts';
import type { InboundLogger } from './inbound-log.ts';
import { plusAddressToken } from './inbound-message.ts';

export const TOKEN = 'q7Hx_2mPzR-k4vLwT9aB';
export const OTHER_TOKEN = 'ZZZZyyyyXXXXwwww1234';
export const tokenFromAddress = plusAddressToken({ localPart: 'ask', domains: ['library.example'] });

/** A logger that keeps every line, so tests can look for personal data in it. */
export function captureLogs(): InboundLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (obj: object, msg: string) =>
    lines.push(JSON.stringify({ level, ...obj, msg }));
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

/** The bytes nodemailer would send for a message, without sending it. */
export async function compose(mail: Mail.Options): Promise<Buffer> {
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(mail);
  return info.message as Buffer;
}

/** A message as hoodiecrow stores it. */
export interface StoredMessage {
  raw: string;
  flags?: string[];
  uid?: number;
}

export interface TestImapServer {
  port: number;
  /** The live INBOX: what a client would find there now. */
  inbox(): StoredMessage[];
  close(): Promise<void>;
}

interface Hoodiecrow {
  server: Server;
  listen(port: number, host: string, cb: () => void): void;
  close(cb: () => void): void;
  getMailbox(path: string): { messages: StoredMessage[] };
}

// hoodiecrow is CommonJS without type declarations.
const hoodiecrow = createRequire(import.meta.url)('hoodiecrow-imap') as (options: object) => Hoodiecrow;

/**
 * Starts an IMAP server on 127.0.0.1 with user `carrel` / `secret` and the given INBOX. `tls`:
 * 'implicit' for imaps, 'starttls' to offer STARTTLS, both with the test certificate.
 */
export async function startImapServer(
  messages: StoredMessage[],
  opts: { tls?: 'implicit' | 'starttls'; plugins?: string[] } = {},
): Promise<TestImapServer> {
  const { keyFile, certFile } = testCertificate();
  const server = hoodiecrow({
    users: { carrel: { password: 'secret' } },
    plugins: [...(opts.tls === 'starttls' ? ['STARTTLS'] : []), ...(opts.plugins ?? [])],
    secureConnection: opts.tls === 'implicit',
    credentials: { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) },
    storage: { INBOX: { messages }, '': {} },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    inbox: () => server.getMailbox('INBOX').messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The test certificate's PEM, for clients that must trust it. */
export const testCa = (): string => fs.readFileSync(testCertificate().certFile, 'utf8');
