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
}

/** A message the server refuses for good (5xx to MAIL FROM, RCPT TO or DATA): counted, never retried. */
export class PermanentMailError extends Error {
  constructor(readonly responseCode: number) {
    super(`SMTP server refused the message permanently (${responseCode})`);
    this.name = 'PermanentMailError';
  }
}

const transports = new WeakMap<MailConfig, Transporter>();

/** The nodemailer transport for the configured relay, built once per configuration. */
function smtpTransport(config: MailConfig, url: URL): Transporter {
  let t = transports.get(config);
  if (t) return t;
  const secure = url.protocol === 'smtps:';
  t = nodemailer.createTransport({
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
  });
  transports.set(config, t);
  return t;
}

/**
 * Hands the message to the SMTP relay. Throws PermanentMailError when the message is refused for
 * good; any other error (connection refused, time-out, 4xx, TLS unavailable) is retried by the job.
 */
export async function sendSmtp(config: MailConfig, url: URL, msg: OutgoingMessage): Promise<void> {
  try {
    await smtpTransport(config, url).sendMail({
      from: config.from,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      ...(msg.html !== null ? { html: msg.html } : {}),
      // RFC 3834: an automatic message, so auto-responders stay quiet.
      headers: { 'Auto-Submitted': 'auto-generated' },
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
