// A real SMTP server on loopback for mail tests (smtp-server receiving, mailparser reading), with a
// throw-away certificate for 127.0.0.1 made by openssl, trusted by Carrel through SMTP_CA_FILE.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

let cert: { keyFile: string; certFile: string } | undefined;

/** A self-signed certificate for 127.0.0.1 and localhost, made once per test process. */
export function testCertificate(): { keyFile: string; certFile: string } {
  if (cert) return cert;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-smtp-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  cert = { keyFile, certFile };
  return cert;
}

export interface Received {
  mail: ParsedMail;
  /** Whether the session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
  rcptTo: string[];
  /** The envelope sender (MAIL FROM), '' for a null sender. */
  mailFrom: string;
}

export interface SmtpSink {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1:port that accepts everything (unless options say otherwise). */
export async function startSmtpSink(port: number, options: SMTPServerOptions = {}): Promise<SmtpSink> {
  const { keyFile, certFile } = testCertificate();
  const received: Received[] = [];
  const server = new SMTPServer({
    key: fs.readFileSync(keyFile),
    cert: fs.readFileSync(certFile),
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            mail,
            secure: session.secure,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
