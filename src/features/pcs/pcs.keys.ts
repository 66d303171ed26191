// The secrets of public-computer time (P1, P3): a card is recognised during one library day by
// HMAC-SHA256(day key, normalized card number); guest-pass codes are stored the same way; session
// tokens and station keys only as SHA-256. The poll cache keeps, per process and in memory only,
// a digest of card + PIN under a random per-process key so a poll needs no argon2 verification.
import crypto from 'node:crypto';

/** A random 32-byte key, hex: one per library day. */
export const newDayKey = (): string => crypto.randomBytes(32).toString('hex');

/** HMAC-SHA256 (hex) of a value under a day key (hex). */
export const dayHmac = (dayKeyHex: string, value: string): string =>
  crypto.createHmac('sha256', Buffer.from(dayKeyHex, 'hex')).update(value, 'utf8').digest('hex');

export const sha256 = (value: string): string =>
  crypto.createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * The 4-digit claim code of a ticket taken without a card: HMAC-SHA256(server secret, ticket id),
 * never stored; shown only on the ticket's own page (whose link carries the random id).
 */
export function claimCodeFor(secret: string, ticketId: string): string {
  const mac = crypto.createHmac('sha256', secret).update(`pc-claim|${ticketId}`, 'utf8').digest();
  return String(mac.readUInt32BE(0) % 10_000).padStart(4, '0');
}

/** Compares two short strings without an early exit. */
export function sameText(a: string, b: string): boolean {
  const [x, y] = [sha256(a), sha256(b)].map((h) => Buffer.from(h, 'hex')) as [Buffer, Buffer];
  return crypto.timingSafeEqual(x, y);
}

/** A random token for a session or a station key: 32 bytes, base64url. */
export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

/** No 0/O, 1/I/L: read from paper and typed at a login screen. 31 letters: ~4.95 bits each. */
const PASS_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const PASS_LENGTH = 12; // 12 × log2(31) ≈ 59.5 bits (≥ 50 bits asked for)

/** A guest-pass code such as "K7DP-9XQ2-MH4T", from an unambiguous alphabet, without bias. */
export function newPassCode(): string {
  let out = '';
  for (let i = 0; i < PASS_LENGTH; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += PASS_ALPHABET[crypto.randomInt(PASS_ALPHABET.length)];
  }
  return out;
}

/** A pass code as typed: upper case, without spaces or dashes. */
export const normalizePassCode = (raw: string): string => raw.toUpperCase().replace(/[\s-]/g, '');

/**
 * The poll cache: session id → HMAC(process key, card NUL pin). In memory only, never written;
 * a new process starts empty and pays one verification per live session on its first poll.
 */
export class PollCache {
  private readonly key = crypto.randomBytes(32);
  private readonly digests = new Map<string, Buffer>();

  private digest(card: string, pin: string): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${card}\0${pin}`, 'utf8').digest();
  }

  /** Remembers that these credentials were verified for this session. */
  set(sessionId: string, card: string, pin: string): void {
    this.digests.set(sessionId, this.digest(card, pin));
  }

  /** true: same credentials as verified; false: different; undefined: nothing cached here. */
  matches(sessionId: string, card: string, pin: string): boolean | undefined {
    const d = this.digests.get(sessionId);
    if (!d) return undefined;
    return crypto.timingSafeEqual(d, this.digest(card, pin));
  }

  delete(sessionId: string): void {
    this.digests.delete(sessionId);
  }

  get size(): number {
    return this.digests.size;
  }
}

/** This process's poll cache. */
export const pollCache = new PollCache();
