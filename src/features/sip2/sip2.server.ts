// The SIP2 server for self-check machines (issue 14 item 8): TLS on SIP2_PORT, optionally plain
// TCP on SIP2_PLAIN_PORT (only from an account's plain ranges). Each connection signs in with 93
// first, then sends one message at a time; a reply goes out before the next message is read.
// Each exchange is logged as its message code, the account's login and the outcome only: never a
// field value, so no card number, PIN, name or password reaches a log (P3, G4).
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { AppContext } from '../../context.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, encodeFrame, SipFrameReader } from '../../sip2/framing.ts';
import { parseMessage } from '../../sip2/message.ts';
import { formatSipDate } from '../../sip2/sip-date.ts';
import type { SipMessage } from '../../sip2/spec.ts';
import { authenticateSip2 } from './sip2.accounts.ts';
import { dispatch } from './sip2.dispatch.ts';
import type { Sip2Session } from './sip2.session.ts';

export interface Sip2ServerOptions {
  /** TLS port (0: any free port) with the PEM key and certificate; omitted: none. */
  tls?: { port: number; cert: string | Buffer; key: string | Buffer };
  /** Plain-TCP port (0: any free port); omitted: none. */
  plainPort?: number;
  host: string;
  idleMs: number;
  maxConnections: number;
}

export interface Sip2Server {
  /** The ports actually bound. */
  tlsPort: number | null;
  plainPort: number | null;
  stop(): Promise<void>;
}

/** Starts the listeners. */
export async function startSip2Server(ctx: AppContext, opts: Sip2ServerOptions): Promise<Sip2Server> {
  const logger = ctx.logger.child({ component: 'sip2' });
  const open = new Set<net.Socket>();
  const accept = (plain: boolean) => (socket: net.Socket) => {
    if (open.size >= opts.maxConnections) {
      logger.warn({ event: 'sip2.refused', outcome: 'too-many-connections' }, 'sip2 connection refused');
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    handleConnection(ctx, logger, socket, plain, opts.idleMs);
  };
  const servers: net.Server[] = [];
  const listen = (server: net.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  let tlsPort: number | null = null;
  let plainPort: number | null = null;
  if (opts.tls) {
    const server = tls.createServer(
      { cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' },
      accept(false),
    );
    // A failed handshake is the client's problem; it must not reach the process.
    server.on('tlsClientError', () => undefined);
    servers.push(server);
    tlsPort = await listen(server, opts.tls.port);
  }
  if (opts.plainPort !== undefined) {
    const server = net.createServer(accept(true));
    servers.push(server);
    plainPort = await listen(server, opts.plainPort);
  }
  logger.info({ tlsPort, plainPort }, 'sip2 server listening');
  return {
    tlsPort,
    plainPort,
    async stop() {
      for (const s of open) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** The manifest's service: the server, when SIP2_PORT or SIP2_PLAIN_PORT is set. */
export async function startConfiguredSip2(ctx: AppContext): Promise<{ stop(): Promise<void> } | null> {
  const cfg = ctx.config.sip2;
  if (cfg.port === null && cfg.plainPort === null) return null;
  return startSip2Server(ctx, {
    host: cfg.host,
    idleMs: cfg.idleSeconds * 1000,
    maxConnections: cfg.maxConnections,
    ...(cfg.port !== null && cfg.tls
      ? {
          tls: {
            port: cfg.port,
            cert: fs.readFileSync(cfg.tls.certFile),
            key: fs.readFileSync(cfg.tls.keyFile),
          },
        }
      : {}),
    ...(cfg.plainPort !== null ? { plainPort: cfg.plainPort } : {}),
  });
}

function handleConnection(
  ctx: AppContext,
  logger: Logger,
  socket: net.Socket,
  plain: boolean,
  idleMs: number,
): void {
  const address = socket.remoteAddress ?? '';
  const tz = ctx.config.library.timezone;
  let session: Sip2Session | undefined;
  let reader = new SipFrameReader();
  let lastReply: Buffer | undefined;
  socket.setNoDelay(true);
  socket.setTimeout(idleMs, () => {
    logger.info(
      { event: 'sip2.idle', account: session?.account.login ?? null },
      'sip2 connection idle: closed',
    );
    socket.destroy();
  });
  socket.on('error', () => socket.destroy());

  const log = (code: string, outcome: string) =>
    logger.info({ sip2: code, account: session?.account.login ?? null, outcome }, 'sip2 exchange');

  const send = (message: SipMessage, trailer: { sequence?: number; checksum?: boolean }) => {
    if (socket.destroyed) return;
    const charset = session?.account.charset ?? 'utf8';
    const bytes = encodeFrame(message, { charset, ...trailer });
    if (message.code !== '96') lastReply = bytes;
    socket.write(bytes);
  };

  const handleFrame = async (text: string | null): Promise<void> => {
    if (text === null) {
      log('??', 'too-long');
      return send({ code: '96' }, {});
    }
    const charset = session?.account.charset ?? 'utf8';
    const parsed = parseMessage(text, { charset });
    if (!parsed.ok) {
      const code = parsed.error.messageCode ?? '??';
      log(code, parsed.error.code);
      // A bad checksum (or a message garbled in transit) is asked for again; an unsupported
      // message is not answered, as other servers do.
      if (parsed.error.code !== 'unknown-message') send({ code: '96' }, {});
      return;
    }
    const msg = parsed.message;
    const trailer = parsed.hasChecksum
      ? { ...(parsed.sequence !== undefined ? { sequence: parsed.sequence } : {}), checksum: true }
      : {};
    if (msg.code === '97') {
      log('97', lastReply ? 'resent' : 'nothing-to-resend');
      if (lastReply && !socket.destroyed) socket.write(lastReply);
      return;
    }
    if (session?.account.checksumsRequired && !parsed.hasChecksum) {
      log(msg.code, 'checksum-required');
      return send({ code: '96' }, {});
    }
    if (msg.code === '93') {
      if (session) {
        log('93', 'already-signed-in');
        return send({ code: '94', ok: false }, trailer);
      }
      const result = await authenticateSip2(ctx, {
        login: msg.loginUserId,
        password: msg.loginPassword,
        address,
        plain,
      });
      if (!result.ok) {
        log('93', result.reason);
        return send({ code: '94', ok: false }, trailer);
      }
      const account = result.account;
      session = {
        account,
        address,
        actor: { kind: 'sip2', accountId: account.id },
        now: () => formatSipDate(ctx.clock.now(), tz),
        date: (isoText) => formatSipDate(new Date(isoText), tz),
      };
      // The rest of the conversation is in the account's charset.
      reader = new SipFrameReader({ charset: account.charset });
      log('93', 'ok');
      return send({ code: '94', ok: true }, trailer);
    }
    if (!session) {
      // Login first: anything else ends the connection.
      log(msg.code, 'not-signed-in');
      socket.destroy();
      return;
    }
    const { reply, outcome } = await dispatch(ctx, session, msg);
    log(msg.code, outcome);
    if (reply) send(reply, trailer);
  };

  // One message at a time: bytes wait here until the reply to the message before has gone, and
  // the reader is given one terminated message at a time, so a message after a login is read in
  // the account's charset even when it arrived in the same packet.
  let inbox: Buffer = Buffer.alloc(0);
  let working = false;
  const pump = async (): Promise<void> => {
    if (working) return;
    working = true;
    try {
      for (;;) {
        const end = inbox.findIndex((b) => b === 0x0d || b === 0x0a);
        if (end < 0) {
          // No terminator yet: an overlong message is refused now and its bytes dropped (framing.ts).
          if (inbox.length > DEFAULT_MAX_MESSAGE_BYTES) {
            const frames = reader.push(inbox);
            inbox = Buffer.alloc(0);
            for (const f of frames) await handleFrame(f.ok ? f.text : null);
          }
          return;
        }
        const piece = inbox.subarray(0, end + 1);
        inbox = inbox.subarray(end + 1);
        for (const f of reader.push(piece)) await handleFrame(f.ok ? f.text : null);
        if (socket.destroyed) return;
      }
    } catch (e) {
      logger.error(
        { event: 'sip2.error', err: e instanceof Error ? e.name : 'unknown' },
        'sip2 exchange failed',
      );
      socket.destroy();
    } finally {
      working = false;
    }
  };
  socket.on('data', (chunk: Buffer) => {
    inbox = inbox.length ? Buffer.concat([inbox, chunk]) : chunk;
    void pump();
  });
}
