// Throttling of failed sign-ins (A3), stored as keyed hashes so neither the account name nor the
// address is kept. Three counters per attempt (see signInKeys and docs/patron-accounts.md):
//
// - the account *from this source* backs off quickly (3 free failures, then 1 s doubling to 1 h):
//   this is what stops one guesser, and it is the only counter the account's owner shares with
//   a stranger, so a stranger elsewhere cannot lock the owner out;
// - the source across all accounts backs off after 20 failures (a branch's computers share one);
// - the account across all sources is a leaky bucket (50 failures, one forgiven every 15 minutes)
//   that caps a distributed attack at under 100 guesses a day and warns staff: a log line, and a
//   count on the administrators' staff home page (throttle-alerts.ts).
//
// An attempt is *reserved* — counted as a failure — before the secret is checked, in one
// transaction that locks the counters, so a burst of parallel guesses is throttled exactly like
// guesses sent one after another. A successful attempt gives its reservation back.
import net from 'node:net';
import type { Kysely } from 'kysely';
import { addMs, iso, MINUTE } from '../clock.ts';
import type { DialectOps } from '../db/dialects.ts';
import type { DB } from '../db/schema.ts';
import { hmac } from '../ids.ts';
import { TooManyRequestsError } from '../errors.ts';
import { plural } from '../plural.ts';
import {
  deleteCounter,
  deleteCounters,
  findCountersForUpdate,
  insertMissingCounters,
  updateCounter,
  type CounterValues,
} from './throttle.repository.ts';

/** Growing back-off: `freeFailures` without delay, then 1 s, 2 s, 4 s … up to `maxDelayMs`. */
export interface BackoffRule {
  kind: 'backoff';
  freeFailures: number;
  maxDelayMs: number;
}

/** A leaky bucket: at most `capacity` failures held; one is forgiven every `leakEveryMs`. */
export interface CapRule {
  kind: 'cap';
  capacity: number;
  leakEveryMs: number;
  /** Staff are warned at this level (a log line, and a count on the staff home page while it lasts). */
  alertAt: number;
}

export interface ThrottleKey {
  key: string;
  /** What is counted, e.g. "patron-account"; stored beside the hash so staff can count attacks. */
  kind: string;
  rule: BackoffRule | CapRule;
  /** Names the kind of counter in warnings, e.g. "patron card"; never the account itself (G4). */
  label: string;
}

/** Whoever wants to hear about sustained attacks; pino's logger fits. */
export interface AlertSink {
  warn(obj: object, msg: string): void;
}

const EPOCH = '1970-01-01T00:00:00.000Z';
const HOUR_MS = 60 * MINUTE;

/** The documented numbers (docs/patron-accounts.md, "How failed sign-ins are slowed down"). */
export const PAIR_RULE: BackoffRule = { kind: 'backoff', freeFailures: 3, maxDelayMs: HOUR_MS };
export const SOURCE_RULE: BackoffRule = { kind: 'backoff', freeFailures: 20, maxDelayMs: 15 * MINUTE };
export const ACCOUNT_RULE: CapRule = { kind: 'cap', capacity: 50, leakEveryMs: 15 * MINUTE, alertAt: 25 };

/** Delay after the n-th failure in a row: nothing for the free ones, then 1 s, 2 s, 4 s … the maximum. */
export const backoffMs = (
  failures: number,
  rule: Pick<BackoffRule, 'freeFailures' | 'maxDelayMs'>,
): number =>
  failures <= rule.freeFailures
    ? 0
    : Math.min(1000 * 2 ** Math.min(failures - rule.freeFailures - 1, 30), rule.maxDelayMs);

/** A counter for one value of one kind (e.g. kind "patron-card", value the card number). */
export const throttleKey = (
  secret: string,
  kind: string,
  value: string,
  rule: BackoffRule | CapRule,
  label = kind,
): ThrottleKey => ({ key: hmac(secret, `${kind}:${value}`), kind, rule, label });

export interface SignInKeys {
  /** This account from this source: cleared when the right secret is given from it. */
  pair: ThrottleKey;
  /** This source, whatever the account. */
  source: ThrottleKey;
  /** This account, whatever the source. */
  account: ThrottleKey;
}

/**
 * The three counters of a sign-in attempt. `scope` separates patrons from staff (and from other
 * uses such as PIN reset requests); `source` is a client address, or a session id for checks of
 * the current secret inside a session. Values are only ever hashed with the secret.
 */
/**
 * The "source" a throttle counts: an IPv4 address as it is (an IPv4-mapped IPv6 address too), an
 * IPv6 address by its /64 network — one subscriber or host is given a whole /64, so counting single
 * IPv6 addresses would hand a guesser billions of fresh sources. Anything else (a session key) as is.
 */
export function throttleSource(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!net.isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  // An embedded IPv4 tail (e.g. 64:ff9b::1.2.3.4) lies outside the first 64 bits; it needs no expansion.
  const groups = address.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function signInKeys(secret: string, scope: string, account: string, address: string): SignInKeys {
  const source = throttleSource(address);
  return {
    pair: throttleKey(secret, `${scope}-pair`, `${account}\n${source}`, PAIR_RULE, `${scope} account+source`),
    source: throttleKey(secret, `${scope}-client`, source, SOURCE_RULE, `${scope} source`),
    account: accountKey(secret, scope, account),
  };
}

/** The kind of an account's all-sources counter, e.g. "patron-account" (counted by throttle-alerts.ts). */
export const accountKind = (scope: string): string => `${scope}-account`;

/** The all-sources counter of one account (also cleared by a PIN reset through an e-mailed link). */
export const accountKey = (secret: string, scope: string, account: string): ThrottleKey =>
  throttleKey(secret, accountKind(scope), account, ACCOUNT_RULE, `${scope} account`);

function tooMany(seconds: number): TooManyRequestsError {
  return new TooManyRequestsError(
    `Too many failed sign-in attempts. Please wait ${seconds < 120 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute')} and try again.`,
    seconds,
  );
}

type Counter = CounterValues;

/**
 * The bucket now: its level, and when the current leak period began. A bucket's
 * `last_failure_at` is that start, not the last failure's time, so that a failure does not restart
 * the period: otherwise failures closer together than `leakEveryMs` would never be forgiven, and
 * a guess every 14 minutes would fill a bucket that forgives one every 15 (issue 12 item 7).
 */
function capState(row: Counter | undefined, rule: CapRule, now: Date): { level: number; since: number } {
  if (!row) return { level: 0, since: now.getTime() };
  const since = Date.parse(row.last_failure_at);
  const leaked = Math.max(0, Math.floor((now.getTime() - since) / rule.leakEveryMs));
  const level = Math.max(0, row.failures - leaked);
  return { level, since: level === 0 ? now.getTime() : since + leaked * rule.leakEveryMs };
}

/** The counter after one more failure now. */
function afterFailure(row: Counter | undefined, k: ThrottleKey, now: Date): Counter {
  if (k.rule.kind === 'cap') {
    const { level, since } = capState(row, k.rule, now);
    const failures = level + 1;
    const full = failures >= k.rule.capacity;
    return {
      failures,
      last_failure_at: iso(new Date(since)),
      // Full, it takes no try until the next failure is forgiven.
      blocked_until: full ? iso(new Date(since + k.rule.leakEveryMs)) : EPOCH,
    };
  }
  const failures = (row?.failures ?? 0) + 1;
  return { failures, last_failure_at: iso(now), blocked_until: iso(addMs(now, backoffMs(failures, k.rule))) };
}

/** The counter with one failure (a reservation, made moments ago) given back. */
function afterGiveBack(row: Counter, k: ThrottleKey): Counter {
  const failures = row.failures - 1;
  let blocked = EPOCH;
  if (k.rule.kind === 'cap') blocked = failures >= k.rule.capacity ? row.blocked_until : EPOCH;
  else blocked = iso(addMs(new Date(Date.parse(row.last_failure_at)), backoffMs(failures, k.rule)));
  return { failures, last_failure_at: row.last_failure_at, blocked_until: blocked };
}

/**
 * Counts an attempt against every key, or throws TooManyRequestsError (counting nothing) while
 * any key is blocked. Account buckets that reach their alert level or fill up warn `alerts`.
 */
export async function reserveAttempt(
  db: Kysely<DB>,
  ops: DialectOps,
  keys: ThrottleKey[],
  now: Date,
  alerts?: AlertSink,
): Promise<void> {
  const warnings: object[] = [];
  await db.transaction().execute(async (trx) => {
    await insertMissingCounters(
      trx,
      keys.map((k) => ({
        key: k.key,
        kind: k.kind,
        failures: 0,
        last_failure_at: iso(now),
        blocked_until: EPOCH,
      })),
    );
    const rows = await findCountersForUpdate(
      trx,
      ops,
      keys.map((k) => k.key),
    );
    const until = Math.max(0, ...rows.map((r) => Date.parse(r.blocked_until)));
    if (until > now.getTime()) throw tooMany(Math.ceil((until - now.getTime()) / 1000));
    for (const k of keys) {
      const row = rows.find((r) => r.key === k.key);
      const next = afterFailure(row, k, now);
      await updateCounter(trx, k.key, { ...next, kind: k.kind });
      if (k.rule.kind === 'cap' && (next.failures === k.rule.alertAt || next.failures >= k.rule.capacity))
        warnings.push({
          event: 'sign-in.sustained-failures',
          counter: k.label,
          failures: next.failures,
          capacity: k.rule.capacity,
        });
    }
  });
  // Counts only: no account name, card number or address (G4).
  for (const w of warnings)
    alerts?.warn(w, 'many failed sign-ins for one account from several places; see docs/operators.md');
}

/**
 * After a successful attempt: the `clear` counters are deleted (the pair the owner just used, or
 * the account after a PIN reset by e-mail), and the `giveBack` counters return their reservation.
 */
export async function attemptSucceeded(
  db: Kysely<DB>,
  ops: DialectOps,
  clear: ThrottleKey[],
  giveBack: ThrottleKey[] = [],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (clear.length)
      await deleteCounters(
        trx,
        clear.map((k) => k.key),
      );
    if (!giveBack.length) return;
    const rows = await findCountersForUpdate(
      trx,
      ops,
      giveBack.map((k) => k.key),
    );
    for (const k of giveBack) {
      const row = rows.find((r) => r.key === k.key);
      if (!row) continue;
      const next = afterGiveBack(row, k);
      if (next.failures <= 0) await deleteCounter(trx, k.key);
      else await updateCounter(trx, k.key, next);
    }
  });
}
