// A small SIP2 client over TCP or TLS: Carrel asking another library system about a patron
// (issue 14 item 9), and the tests of Carrel's own SIP2 server. One request at a time (later calls
// wait their turn), each with a timeout; optional AY/AZ error detection, verifying the server's
// checksum when it sends one; a 96 from the server makes it resend its last request once, and a
// reply with a bad checksum makes it ask for the reply again (97) once. Errors never carry message
// text: a request holds a PIN.
import net from 'node:net';
import tls from 'node:tls';
import { systemClock, type Clock } from '../clock.ts';
import type { SipCharset } from './charset.ts';
import { encodeFrame, SipFrameReader, type Frame } from './framing.ts';
import { parseMessage } from './message.ts';
import { formatSipDate } from './sip-date.ts';
import { RESPONSE_CODE, type RequestCode, type SipMessage, type SipMessageOf } from './spec.ts';
import { formatSummary, type SummaryList } from './status.ts';

/** How to reach and talk to a SIP2 server. */
export interface Sip2ClientOptions {
  host: string;
  port: number;
  /** Connect with TLS. `ca` trusts a private CA; `servername` is the name checked in the certificate. */
  tls?: { ca?: string | Buffer | Array<string | Buffer>; servername?: string; rejectUnauthorized?: boolean };
  /** The connection's character set (default utf8). */
  charset?: SipCharset;
  /** Milliseconds to wait for connecting and for each reply (default 10 000). */
  timeoutMs?: number;
  /** Send AY/AZ on every request (default false). Replies' checksums are verified whenever present. */
  errorDetection?: boolean;
  /** Institution id (AO) for the helpers' requests (default empty). */
  institutionId?: string;
  /** Language code for requests (default "000", unknown). */
  language?: string;
  /** Time for transaction dates (default the system clock). */
  clock?: Clock;
  /** Write transaction dates as local time in this zone; UTC ("   Z") when unset. */
  timeZone?: string;
  /** Longest reply accepted, in bytes. */
  maxMessageBytes?: number;
}

/** Why a SIP2 exchange failed. */
export type Sip2ClientErrorCode = 'connect' | 'timeout' | 'closed' | 'checksum' | 'protocol';

/** A failed SIP2 exchange. The message says what went wrong, never what was sent. */
export class Sip2ClientError extends Error {
  constructor(
    readonly code: Sip2ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Sip2ClientError';
  }
}

type ReplyOf<C extends RequestCode> = SipMessageOf<(typeof RESPONSE_CODE)[C]>;
type Request = { [C in RequestCode]: SipMessageOf<C> }[RequestCode];

/** Opens a connection to a SIP2 server. */
export async function connectSip2(options: Sip2ClientOptions): Promise<Sip2Client> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = options.tls
      ? tls.connect({
          host: options.host,
          port: options.port,
          ca: options.tls.ca,
          servername: options.tls.servername ?? (net.isIP(options.host) ? undefined : options.host),
          rejectUnauthorized: options.tls.rejectUnauthorized ?? true,
          minVersion: 'TLSv1.2',
        })
      : net.connect({ host: options.host, port: options.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Sip2ClientError('connect', `no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once(options.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      // Never leave the socket without an error listener (an unhandled 'error' would throw).
      s.removeAllListeners('error');
      s.on('error', () => s.destroy());
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      reject(new Sip2ClientError('connect', `cannot connect: ${err.code ?? err.message}`));
    });
  });
  socket.setNoDelay(true);
  return new Sip2Client(socket, options);
}

/** One connection to a SIP2 server. Create with connectSip2. */
export class Sip2Client {
  private readonly reader: SipFrameReader;
  private waiter: ((frame: Frame | Error) => void) | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private sequence = 0;
  private closed = false;
  private readonly charset: SipCharset;
  private readonly timeoutMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: Sip2ClientOptions,
  ) {
    this.charset = options.charset ?? 'utf8';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
    this.reader = new SipFrameReader({ charset: this.charset, maxBytes: options.maxMessageBytes });
    socket.on('data', (chunk: Buffer) => {
      // A frame nobody waits for (a late reply after a timeout has already closed us) is dropped.
      for (const frame of this.reader.push(chunk)) this.deliver(frame);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      this.deliver(new Sip2ClientError('closed', 'connection closed by the server'));
    });
  }

  /** Whether the connection is gone (closed by either side or after a timeout). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a request and resolves with its reply (the matching response code). */
  request<C extends RequestCode>(message: SipMessageOf<C>): Promise<ReplyOf<C>> {
    // TypeScript cannot narrow a generic code to one union member; exchange checks the reply code.
    const run = this.turn.then(() => this.exchange(message as unknown as Request));
    this.turn = run.catch(() => undefined);
    return run as unknown as Promise<ReplyOf<C>>;
  }

  /** 93 Login: true when the server accepted the user id and password. */
  async login(input: { userId: string; password: string; locationCode?: string }): Promise<boolean> {
    const reply = await this.request<'93'>({
      code: '93',
      uidAlgorithm: '0',
      pwdAlgorithm: '0',
      loginUserId: input.userId,
      loginPassword: input.password,
      ...(input.locationCode !== undefined ? { locationCode: input.locationCode } : {}),
    });
    return reply.ok;
  }

  /** 99 SC Status: the server's status and capabilities (98). */
  scStatus(input: { statusCode?: '0' | '1' | '2'; maxPrintWidth?: number } = {}): Promise<ReplyOf<'99'>> {
    return this.request<'99'>({
      code: '99',
      statusCode: input.statusCode ?? '0',
      maxPrintWidth: input.maxPrintWidth ?? 80,
      protocolVersion: '2.00',
    });
  }

  /** 23 Patron Status. */
  patronStatus(input: PatronQuery): Promise<ReplyOf<'23'>> {
    return this.request<'23'>({
      code: '23',
      language: this.language(),
      transactionDate: this.now(),
      ...this.patronFields(input),
    });
  }

  /** 63 Patron Information, optionally with one item list (summary) and a range of it. */
  patronInformation(input: PatronQuery & { list?: SummaryList; startItem?: number; endItem?: number }) {
    return this.request<'63'>({
      code: '63',
      language: this.language(),
      transactionDate: this.now(),
      summary: formatSummary(input.list),
      ...this.patronFields(input),
      ...(input.startItem !== undefined ? { startItem: String(input.startItem) } : {}),
      ...(input.endItem !== undefined ? { endItem: String(input.endItem) } : {}),
    });
  }

  /** 35 End Patron Session. */
  endPatronSession(input: PatronQuery): Promise<ReplyOf<'35'>> {
    return this.request<'35'>({ code: '35', transactionDate: this.now(), ...this.patronFields(input) });
  }

  /** Closes the connection after any request in flight, waiting for the socket to close. */
  async close(): Promise<void> {
    await this.turn;
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), this.timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  private now(): string {
    return formatSipDate(this.clock.now(), this.options.timeZone);
  }

  private language(): string {
    return this.options.language ?? '000';
  }

  private patronFields(input: PatronQuery) {
    return {
      institutionId: input.institutionId ?? this.options.institutionId ?? '',
      patronIdentifier: input.patronIdentifier,
      ...(input.terminalPassword !== undefined ? { terminalPassword: input.terminalPassword } : {}),
      ...(input.patronPassword !== undefined ? { patronPassword: input.patronPassword } : {}),
    };
  }

  private deliver(frame: Frame | Error): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(frame);
  }

  private send(bytes: Buffer): Promise<Frame> {
    if (this.closed || this.socket.destroyed) {
      return Promise.reject(new Sip2ClientError('closed', 'connection is closed'));
    }
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        // The reply may still come and would be taken for the next one's: this connection is done.
        this.closed = true;
        this.socket.destroy();
        reject(new Sip2ClientError('timeout', `no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiter = (frame) => {
        clearTimeout(timer);
        if (frame instanceof Error) reject(frame);
        else resolve(frame);
      };
      this.socket.write(bytes);
    });
  }

  private async exchange(message: Request): Promise<SipMessage> {
    const expected = RESPONSE_CODE[message.code];
    const errorDetection = this.options.errorDetection ?? false;
    const sequence = errorDetection ? this.sequence : undefined;
    if (errorDetection) this.sequence = (this.sequence + 1) % 10;
    const bytes = encodeFrame(message, { charset: this.charset, sequence });
    let frame = await this.send(bytes);
    let resent = false;
    let askedAgain = false;
    for (;;) {
      if (!frame.ok) throw new Sip2ClientError('protocol', 'reply longer than the maximum message length');
      const parsed = parseMessage(frame.text, { charset: this.charset });
      if (!parsed.ok && parsed.error.code === 'bad-checksum' && !askedAgain) {
        askedAgain = true;
        frame = await this.send(
          encodeFrame({ code: '97' }, { charset: this.charset, checksum: errorDetection }),
        );
        continue;
      }
      if (!parsed.ok) {
        const code = parsed.error.code === 'bad-checksum' ? 'checksum' : 'protocol';
        throw new Sip2ClientError(code, `unreadable reply to ${message.code}: ${parsed.error.reason}`);
      }
      if (parsed.message.code === '96' && !resent) {
        resent = true;
        frame = await this.send(bytes);
        continue;
      }
      if (parsed.message.code !== expected) {
        throw new Sip2ClientError(
          'protocol',
          `expected ${expected} in reply to ${message.code}, got ${parsed.message.code}`,
        );
      }
      if (sequence !== undefined && parsed.sequence !== undefined && parsed.sequence !== sequence) {
        throw new Sip2ClientError(
          'protocol',
          `reply sequence ${parsed.sequence} does not match request ${sequence}`,
        );
      }
      return parsed.message;
    }
  }
}

/** Who a patron request is about. */
export interface PatronQuery {
  patronIdentifier: string;
  patronPassword?: string;
  terminalPassword?: string;
  /** Overrides the client's institution id. */
  institutionId?: string;
}
