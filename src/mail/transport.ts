// How a message leaves: through the configured SMTP relay with nodemailer (TLS required unless the
// operator allows plain text), or — with no SMTP_URL, the embedded default — into the development
// mailbox that administrators read in the staff interface.
import fs from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../config.ts';

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  replyTo?: string | null;
  headers?: Record<string, string> | null;
  /** A stable Message-ID, so a message re-sent after a crash can be recognised as the same one. */
  messageId?: string;
  /** Envelope sender (Return-Path) when it differs from MAIL_FROM: a notice's signed bounce address. */
  envelopeFrom?: string | null;
}

/** A message the server refuses for good (5xx to MAIL FROM, RCPT TO or DATA): counted, never retried. */
export class PermanentMailError extends Error {
  constructor(readonly responseCode: number) {
    super(`SMTP server refused the message permanently (${responseCode})`);
    this.name = 'PermanentMailError';
  }
}

const transports = new WeakMap<MailConfig, Transporter>();
const pooledTransports = new WeakMap<MailConfig, Transporter>();

/**
 * The nodemailer transport for the configured relay, built once per configuration. Notices use
 * one connection per message (they are few); announcements share a pool of connections.
 */
function smtpTransport(config: MailConfig, url: URL, pooled = false): Transporter {
  const cache = pooled ? pooledTransports : transports;
  let t = cache.get(config);
  if (t) return t;
  const secure = url.protocol === 'smtps:';
  t = nodemailer.createTransport({
    ...(pooled ? { pool: true as const, maxConnections: config.poolConnections, maxMessages: 1000 } : {}),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // STARTTLS is required unless the operator allowed plain SMTP (a relay on this machine).
    requireTLS: !secure && !config.allowPlain,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    tls: {
      minVersion: 'TLSv1.2',
      ...(config.caFile ? { ca: [fs.readFileSync(config.caFile, 'utf8')] } : {}),
    },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    // nodemailer's own logger would write addresses; it stays off (G4).
    logger: false,
    debug: false,
    ...(config.dkim
      ? {
          dkim: {
            domainName: config.dkim.domain,
            keySelector: config.dkim.selector,
            privateKey: fs.readFileSync(config.dkim.keyFile, 'utf8'),
          },
        }
      : {}),
  });
  cache.set(config, t);
  return t;
}

/** Closes pooled connections (at shutdown and at the end of an announcement run). */
export function closePooledTransport(config: MailConfig): void {
  pooledTransports.get(config)?.close();
  pooledTransports.delete(config);
}

/**
 * Hands the message to the SMTP relay. Throws PermanentMailError when the message is refused for
 * good; any other error (connection refused, time-out, 4xx, TLS unavailable) is retried by the job.
 */
export async function sendSmtp(
  config: MailConfig,
  url: URL,
  msg: OutgoingMessage,
  opts: { pooled?: boolean } = {},
): Promise<void> {
  try {
    await smtpTransport(config, url, opts.pooled).sendMail({
      from: config.from,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      ...(msg.html !== null ? { html: msg.html } : {}),
      ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
      ...(msg.messageId ? { messageId: msg.messageId } : {}),
      ...(msg.envelopeFrom ? { envelope: { from: msg.envelopeFrom, to: [msg.to] } } : {}),
      // RFC 3834: an automatic message, so auto-responders stay quiet.
      headers: { 'Auto-Submitted': 'auto-generated', ...(msg.headers ?? {}) },
    });
  } catch (err) {
    // Only a 5xx about this message (its sender, recipient or content) is permanent; a 5xx to
    // STARTTLS or AUTH is the relay's set-up, which an operator can fix, so it is retried.
    const { responseCode, code } = err as { responseCode?: unknown; code?: unknown };
    if (
      typeof responseCode === 'number' &&
      responseCode >= 500 &&
      responseCode < 600 &&
      (code === 'EENVELOPE' || code === 'EMESSAGE')
    )
      throw new PermanentMailError(responseCode);
    throw err;
  }
}
