// IMAP polling for the reference address, for libraries whose mail is hosted elsewhere: each poll
// logs in, reads the unseen messages, hands each to Carrel, and then deletes it from the mailbox.
// The mailbox must not keep patron mail: Carrel's own retention rules (R2) only work if the copy
// on the mail server is gone once Carrel holds the message, so deletion is part of receiving.
import { ImapFlow } from 'imapflow';
import { errorCode, type InboundLogger } from './inbound-log.ts';
import { parseInbound, type InboundMessage, type TokenFromAddress } from './inbound-message.ts';

export interface ImapPollerOptions {
  /** imaps://user:pass@host:port/INBOX (imap:// upgrades with STARTTLS unless allowPlain). */
  url: URL;
  /** Pause between the end of one poll and the start of the next. */
  intervalMs: number;
  /** Permit an imap:// server without STARTTLS (a server on this machine). */
  allowPlain?: boolean;
  /** Extra trusted CA certificates (PEM), for a server with a private certificate. */
  ca?: string;
  /** Messages larger than this are not read (default 1 MiB); they are marked seen and left for staff. */
  maxBytes?: number;
  tokenFromAddress: TokenFromAddress;
  /** Takes the message over; a rejection keeps the message in the mailbox for the next poll. */
  onMessage: (msg: InboundMessage) => Promise<void>;
  logger: InboundLogger;
}

export interface ImapPoller {
  /** Stops the timer and waits for a poll in progress. */
  stop(): Promise<void>;
  /** Polls now (or joins the poll in progress); resolves to the number of messages handed over. */
  pollOnce(): Promise<number>;
}

const MiB = 1024 * 1024;

function connect(opts: ImapPollerOptions): ImapFlow {
  const { url } = opts;
  const secure = url.protocol === 'imaps:';
  const client = new ImapFlow({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    // Without allowPlain the password never crosses the wire in clear: STARTTLS or no login.
    doSTARTTLS: secure ? undefined : !opts.allowPlain,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    tls: { minVersion: 'TLSv1.2', ...(opts.ca ? { ca: [opts.ca] } : {}) },
    // imapflow's logger would write addresses and subjects (G4).
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    socketTimeout: 120_000,
  });
  // A dropped connection is reported by the command that was waiting on it; this only keeps an
  // 'error' event from crashing the process.
  client.on('error', (err: unknown) => opts.logger.warn({ err: errorCode(err) }, 'imap connection error'));
  return client;
}

/** One poll: every unseen message is parsed, handed over, then deleted; failures stay for next time. */
async function poll(opts: ImapPollerOptions): Promise<number> {
  const maxBytes = opts.maxBytes ?? MiB;
  const mailbox = decodeURIComponent(opts.url.pathname.replace(/^\//, '')) || 'INBOX';
  const client = connect(opts);
  let handled = 0;
  let failed = 0;
  try {
    await client.connect();
    const lock = await client.getMailboxLock(mailbox);
    try {
      // Sizes first: imapflow runs no other command while a FETCH is being iterated.
      const unseen: { uid: number; size: number }[] = [];
      for await (const m of client.fetch({ seen: false }, { uid: true, size: true }, { uid: true }))
        unseen.push({ uid: m.uid, size: m.size ?? 0 });
      for (const { uid, size } of unseen) {
        const range = String(uid);
        if (size > maxBytes) {
          // Reading it would take unbounded memory and deleting it unread would lose a question.
          await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
          opts.logger.warn({ outcome: 'too-large' }, 'inbound mail left in the mailbox');
          continue;
        }
        try {
          // imapflow fetches with BODY.PEEK, so a message that fails here stays unseen.
          const fetched = await client.fetchOne(range, { source: true }, { uid: true });
          if (!fetched || !fetched.source) continue; // expunged by someone else meanwhile
          const msg = await parseInbound(fetched.source, { tokenFromAddress: opts.tokenFromAddress });
          await opts.onMessage(msg);
        } catch (err) {
          failed++;
          opts.logger.error(
            { outcome: 'handler-failed', err: errorCode(err) },
            'inbound mail kept for the next poll',
          );
          continue;
        }
        // Flag \Deleted and expunge (UID EXPUNGE where the server has UIDPLUS). If this fails
        // after the handover, the next poll hands the message over again: at least once, so
        // onMessage should treat a repeated messageId as already received.
        await client.messageDelete(range, { uid: true });
        handled++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  if (handled || failed) opts.logger.info({ handled, failed }, 'imap poll');
  return handled;
}

/** Starts polling every intervalMs (first poll after one interval); polls never overlap. */
export function startImapPoller(opts: ImapPollerOptions): ImapPoller {
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const pollOnce = (): Promise<number> => {
    running ??= poll(opts).finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      pollOnce()
        .catch((err: unknown) => opts.logger.warn({ err: errorCode(err) }, 'imap poll failed'))
        .finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    pollOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
  };
}
