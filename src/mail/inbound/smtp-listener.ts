// The built-in SMTP listener for the reference address: an MX-style receiver (no AUTH, no relaying)
// that accepts mail only for `localPart@` and `localPart+TOKEN@` in the library's domains, refuses
// oversize messages, and answers 250 only once the message is in Carrel's hands, so a crash or a
// failing handler makes the sending server try again instead of losing a patron's question.
import type { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { errorCode, type InboundLogger } from './inbound-log.ts';
import {
  matchReferenceAddress,
  parseInbound,
  plusAddressToken,
  type InboundMessage,
} from './inbound-message.ts';

export interface SmtpListenerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Recipient domains accepted, e.g. ['library.example']. */
  acceptDomains: string[];
  /** The reference address's local part, e.g. 'ask' for ask@ and ask+TOKEN@. */
  localPart: string;
  /** Largest message accepted, in bytes; larger ones get 552 (1 MiB is a sensible default). */
  maxBytes: number;
  /** Offered through STARTTLS when given. */
  tls?: { key: Buffer; cert: Buffer };
  /** Takes the message over; a rejection answers 451 so the sender retries. */
  onMessage: (msg: InboundMessage, envelope: { rcpt: string[] }) => Promise<void>;
  logger: InboundLogger;
}

/** An SMTP error with the reply code smtp-server sends. */
const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

/** Reads DATA up to maxBytes; past that it keeps draining (so the reply can be sent) but drops bytes. */
async function readLimited(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as Readable) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  return size > maxBytes || stream.sizeExceeded ? null : Buffer.concat(chunks);
}

/** Starts the listener; resolves once it is accepting connections. */
export async function startSmtpListener(
  opts: SmtpListenerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const reference = { localPart: opts.localPart, domains: opts.acceptDomains };
  const { logger } = opts;
  const server = new SMTPServer({
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    // Patrons' mail servers deliver here as to any MX: nobody logs in, nothing is relayed.
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: opts.maxBytes,
    // The reverse lookup would reach the network and note who connects; neither is needed.
    disableReverseLookup: true,
    // smtp-server's logger writes addresses and client IPs (G4).
    logger: false,
    maxClients: 50,
    onRcptTo(address, _session, callback) {
      if (matchReferenceAddress(address.address, reference)) return callback();
      logger.info({ outcome: 'recipient-refused' }, 'inbound mail');
      callback(smtpError(550, 'No such mailbox here'));
    },
    onData(stream, session, callback) {
      const rcpt = session.envelope.rcptTo.map((r) => r.address);
      const mailFrom = session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address;
      const receive = async () => {
        const raw = await readLimited(stream, opts.maxBytes);
        if (!raw) {
          logger.info({ outcome: 'too-large' }, 'inbound mail');
          throw smtpError(552, 'Message too large');
        }
        let msg: InboundMessage;
        try {
          msg = await parseInbound(raw, {
            tokenFromAddress: plusAddressToken(reference),
            recipients: rcpt,
            mailFrom,
          });
        } catch (err) {
          logger.warn({ outcome: 'unparsable', err: errorCode(err) }, 'inbound mail');
          throw smtpError(451, 'Message could not be read, please try again later');
        }
        try {
          await opts.onMessage(msg, { rcpt });
        } catch (err) {
          logger.error({ outcome: 'handler-failed', err: errorCode(err) }, 'inbound mail');
          throw smtpError(451, 'Temporary failure, please try again later');
        }
        logger.info(
          {
            outcome: 'accepted',
            recipients: rcpt.length,
            threaded: msg.threadToken !== null,
            hasAttachments: msg.hasAttachments,
            isAutoReply: msg.isAutoReply,
          },
          'inbound mail',
        );
      };
      receive().then(
        () => callback(null, 'Message received'),
        (err: Error) => callback(err),
      );
    },
  });
  // Socket errors carry the peer's address; only the code is logged.
  server.on('error', (err) => logger.warn({ err: errorCode(err) }, 'inbound smtp connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  logger.info({ port, starttls: Boolean(opts.tls) }, 'inbound smtp listening');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
