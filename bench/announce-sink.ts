// The SMTP sink of the announce benchmark (bench/announce.ts): smtp-server on 127.0.0.1, plain SMTP
// (no STARTTLS, no AUTH), reading each message's stream without parsing it and taking the Message-ID
// from the header. It counts messages, distinct Message-IDs and duplicates (deliveries of a Message-ID
// already received), with a per-second histogram. It runs in the benchmark's (parent) process, so it
// outlives the sender.
import { SMTPServer } from 'smtp-server';
import { round } from './lib.ts';

export interface SinkStats {
  received: number;
  distinct: number;
  /** Deliveries of a Message-ID already received (a Message-ID received twice counts 1). */
  duplicates: number;
  /** Message-IDs received more than once (up to 20 listed). */
  duplicateIds: string[];
  withoutMessageId: number;
  firstAt: number;
  lastAt: number;
  messagesPerSecond: number;
  /** Messages received in each second since the phase began. */
  perSecond: number[];
}

export class Sink {
  private server: SMTPServer | null = null;
  port = 0;
  received = 0;
  private ids = new Map<string, number>();
  private duplicates = 0;
  private withoutId = 0;
  private phaseStart = performance.now();
  private firstAt = 0;
  private lastAt = 0;
  private perSecond: number[] = [];
  /** Called after each message is counted and acknowledged (the kill hook). */
  onMessage: ((received: number) => void) | null = null;

  reset(): void {
    this.received = 0;
    this.ids = new Map();
    this.duplicates = 0;
    this.withoutId = 0;
    this.phaseStart = performance.now();
    this.firstAt = 0;
    this.lastAt = 0;
    this.perSecond = [];
    this.onMessage = null;
  }

  /** The time of the last message received, ms on performance.now()'s clock (0: none yet). */
  get lastMessageAt(): number {
    return this.lastAt;
  }

  private count(head: string): void {
    const now = performance.now();
    const end = head.indexOf('\r\n\r\n');
    const header = end >= 0 ? head.slice(0, end) : head;
    const m = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]+>)/im.exec(header);
    if (m?.[1]) {
      const seen = this.ids.get(m[1]) ?? 0;
      if (seen > 0) this.duplicates++;
      this.ids.set(m[1], seen + 1);
    } else this.withoutId++;
    this.received++;
    if (this.firstAt === 0) this.firstAt = now;
    this.lastAt = now;
    const s = Math.floor((now - this.phaseStart) / 1000);
    while (this.perSecond.length <= s) this.perSecond.push(0);
    this.perSecond[s]!++;
  }

  async start(): Promise<void> {
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      // Many messages per connection, as a relay allows.
      maxClients: 100,
      onData: (stream, _session, callback) => {
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 8192) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          this.count(head);
          callback();
          this.onMessage?.(this.received);
        });
      },
    });
    this.server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.server.address();
    if (!addr || typeof addr === 'string') throw new Error('sink: no port');
    this.port = addr.port;
  }

  stats(): SinkStats {
    const span = (this.lastAt - this.firstAt) / 1000;
    return {
      received: this.received,
      distinct: this.ids.size,
      duplicates: this.duplicates,
      duplicateIds: [...this.ids]
        .filter(([, n]) => n > 1)
        .slice(0, 20)
        .map(([id]) => id),
      withoutMessageId: this.withoutId,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      messagesPerSecond: span > 0 ? round((this.received - 1) / span, 1) : Number.NaN,
      perSecond: [...this.perSecond],
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
