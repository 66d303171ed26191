// The pure rules of fair time (P2): opening hours in the library's time zone, the minutes a
// session is granted, the local hour statistics are counted in. No I/O.
import { MINUTE, localDay, startOfLocalDay } from '../../clock.ts';
import { weekdays, type Branch } from '../../library.ts';

/**
 * A computer not heard from for longer than this is offline: a running Libki client registers
 * every 10 s. The one threshold for the staff map, `carrel pcs status`, the public page's free
 * count and calling tickets (a switched-off computer is never free).
 */
export const OFFLINE_AFTER_MS = MINUTE;

/** Whether a computer last heard from at `lastSeenAt` counts as offline at `now`. */
export const isOffline = (lastSeenAt: string | null, now: Date): boolean =>
  lastSeenAt === null || now.getTime() - Date.parse(lastSeenAt) > OFFLINE_AFTER_MS;

/** The earliest last_seen_at of a computer still online at `now` (ISO), for queries. */
export const onlineSince = (now: Date): string => new Date(now.getTime() - OFFLINE_AFTER_MS).toISOString();

const hm = (s: string): number => {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

const minuteFormatters = new Map<string, Intl.DateTimeFormat>();
/** Minutes since local midnight of an instant, as the wall clock in `tz` shows it. */
export function localMinuteOfDay(at: Date, tz: string): number {
  let f = minuteFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    minuteFormatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return Number(p.hour) * 60 + Number(p.minute);
}

/** The local hour (0–23) of an instant, for statistics. */
export const localHour = (at: Date, tz: string): number => Math.floor(localMinuteOfDay(at, tz) / 60);

/** The instant a local wall-clock time ("HH:MM") happens on a library day. */
export function localInstant(day: string, hhmm: string, tz: string): Date {
  const start = startOfLocalDay(day, tz);
  const wanted = hm(hhmm);
  let t = start.getTime() + wanted * MINUTE;
  // Across a clock change the wall clock differs from minutes since midnight: correct once.
  t += (wanted - localMinuteOfDay(new Date(t), tz)) * MINUTE;
  return new Date(t);
}

/** Today's opening hours of a branch at an instant, or null when it is closed that day. */
export function hoursOn(
  branch: Branch,
  at: Date,
  tz: string,
): { day: string; opensAt: Date; closesAt: Date } | null {
  const day = localDay(at, tz);
  const weekday = weekdays[(new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7]!;
  const h = branch.hours[weekday];
  if (!h) return null;
  return { day, opensAt: localInstant(day, h.opens, tz), closesAt: localInstant(day, h.closes, tz) };
}

/** Whole minutes from `at` until the branch closes; 0 when it is closed or not yet open. */
export function minutesUntilClose(
  branch: Branch,
  at: Date,
  tz: string,
): { minutes: number; closesAt: Date | null } {
  const h = hoursOn(branch, at, tz);
  if (!h || at < h.opensAt || at >= h.closesAt) return { minutes: 0, closesAt: h?.closesAt ?? null };
  return { minutes: Math.floor((h.closesAt.getTime() - at.getTime()) / MINUTE), closesAt: h.closesAt };
}

/** Minutes a new session gets: the least of session length, allowance left and time to closing. */
export const grantMinutes = (sessionMinutes: number, allowanceLeft: number, untilClose: number): number =>
  Math.max(0, Math.min(sessionMinutes, allowanceLeft, untilClose));

/** Real minutes used between two instants, rounded up (a started minute counts). */
export const minutesUsed = (startedAt: Date, endedAt: Date): number =>
  Math.max(0, Math.ceil((endedAt.getTime() - startedAt.getTime()) / MINUTE));

/** Whether an age band passes a list of allowed bands (null: everyone; no band: refused). */
export function ageBandAllowed(allowedJson: string | null, band: string | null): boolean {
  if (allowedJson === null) return true;
  const allowed: unknown = JSON.parse(allowedJson);
  return Array.isArray(allowed) && band !== null && allowed.includes(band);
}
