// Spam protection for the public question form without third parties: a signed render time (too
// quick or too old a submission is refused) and a per-client hourly limit kept in memory under an
// HMAC of the client address — the address itself is never stored or logged (G4, W2).
import crypto from 'node:crypto';
import { HOUR } from '../../clock.ts';
import { hmac, sameHash } from '../../ids.ts';

/** A person needs longer than this to read the form and type a question. */
export const MIN_FILL_MS = 3_000;
/** A form older than this is stale (and its signature must not be replayable forever). */
export const MAX_FORM_AGE_MS = 24 * HOUR;

/** "<ms>.<hmac>": when the form was rendered, signed so it cannot be back-dated. */
export function signFormTime(secret: string, now: Date): string {
  const ms = String(now.getTime());
  return `${ms}.${hmac(secret, `ask-form:${ms}`)}`;
}

export type FormTimeCheck = 'ok' | 'too-fast' | 'too-old' | 'invalid';

export function checkFormTime(secret: string, value: string | undefined, now: Date): FormTimeCheck {
  const m = /^(\d{1,15})\.([0-9a-f]{64})$/.exec(value ?? '');
  if (!m || !sameHash(m[2]!, hmac(secret, `ask-form:${m[1]}`))) return 'invalid';
  const age = now.getTime() - Number(m[1]);
  if (age < MIN_FILL_MS) return 'too-fast';
  if (age > MAX_FORM_AGE_MS) return 'too-old';
  return 'ok';
}

/** Most distinct clients remembered at once; past this the oldest entries are forgotten. */
const MAX_CLIENTS = 50_000;

/**
 * Questions per client per hour, in memory (one process; a restart forgets, which errs towards the
 * patron). Keys are HMACs of the client address with a key drawn at start-up and never written
 * anywhere, so not even the library's secret turns a key back into an address.
 */
export class ClientRateLimiter {
  private readonly key = crypto.randomBytes(32).toString('hex');
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly windowMs = HOUR,
  ) {}

  private keyOf(clientAddress: string): string {
    return hmac(this.key, clientAddress);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  /** Seconds until this client may submit again, or 0 when it may now. */
  retryAfterSeconds(clientAddress: string, now: Date): number {
    const list = this.recent(this.keyOf(clientAddress), now.getTime());
    if (list.length < this.perHour) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.windowMs - now.getTime()) / 1000));
  }

  /** Counts one submission for this client. */
  record(clientAddress: string, now: Date): void {
    const key = this.keyOf(clientAddress);
    const list = this.recent(key, now.getTime());
    list.push(now.getTime());
    this.hits.delete(key); // re-insert: Map order is then least recently used first
    this.hits.set(key, list);
    while (this.hits.size > MAX_CLIENTS) this.hits.delete(this.hits.keys().next().value!);
  }
}
