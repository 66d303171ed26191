// Time comes from a Clock so tests can move it; everything stores ISO-8601 UTC text.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC text, the one timestamp format stored in either database. */
export const iso = (d: Date): string => d.toISOString();

export const addMs = (d: Date, ms: number): Date => new Date(d.getTime() + ms);

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(tz: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dayFormatters.set(tz, f);
  }
  return f;
}

const QUARTER_HOUR = 15 * MINUTE;
const offsets = new Map<string, number>();

/**
 * The zone's offset from UTC (ms) at an instant. Zones change offset only on quarter-hour
 * boundaries, so the answer is cached per zone and quarter hour: formatting with Intl costs
 * more than the rest of a check-out (bench/README.md, circulation).
 */
function offsetAt(t: number, tz: string): number {
  const key = `${tz}|${Math.floor(t / QUARTER_HOUR)}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const p = Object.fromEntries(
      dayFormatter(tz)
        .formatToParts(new Date(t))
        .map((x) => [x.type, x.value]),
    );
    const shown = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    off = shown - Math.floor(t / 1000) * 1000;
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, off);
  }
  return off;
}

function localParts(
  d: Date,
  tz: string,
): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const l = new Date(d.getTime() + offsetAt(d.getTime(), tz));
  return {
    y: l.getUTCFullYear(),
    m: l.getUTCMonth() + 1,
    d: l.getUTCDate(),
    h: l.getUTCHours(),
    min: l.getUTCMinutes(),
    s: l.getUTCSeconds(),
  };
}

/** The calendar day (YYYY-MM-DD) of an instant in the library's time zone. */
export function localDay(d: Date, tz: string): string {
  const p = localParts(d, tz);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/**
 * The last second (23:59:59) of the local day that is `days` after the day of `d`, as an instant.
 * Due dates and hold-shelf expiry end with the library's day, whatever the time of check-out.
 */
export function endOfLocalDay(d: Date, tz: string, days = 0): Date {
  const p = localParts(d, tz);
  // Guess in UTC, then correct by the zone's offset at that moment (twice, across DST changes).
  let t = Date.UTC(p.y, p.m - 1, p.d + days, 23, 59, 59);
  for (let i = 0; i < 2; i++) {
    const q = localParts(new Date(t), tz);
    const shown = Date.UTC(q.y, q.m - 1, q.d, q.h, q.min, q.s);
    const wanted = Date.UTC(p.y, p.m - 1, p.d + days, 23, 59, 59);
    t += wanted - shown;
  }
  return new Date(t);
}

/** True for a real calendar day written YYYY-MM-DD (so 2026-02-30 is not one). */
export function isCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const t = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return t.getUTCFullYear() === +m[1]! && t.getUTCMonth() === +m[2]! - 1 && t.getUTCDate() === +m[3]!;
}

/**
 * The first instant of a calendar day (YYYY-MM-DD, see isCalendarDay) in the library's time zone.
 * A date a person picks means that day where the library is, west or east of UTC and on the days
 * the clocks change; formatting the result in the same zone gives the same day back.
 */
export function startOfLocalDay(day: string, tz: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d);
  const shownAt = (t: number) => {
    const q = localParts(new Date(t), tz);
    return Date.UTC(q.y, q.m - 1, q.d, q.h, q.min, q.s);
  };
  // Guess in UTC, then correct by the zone's offset at that moment (twice, across DST changes).
  let t = wanted;
  for (let i = 0; i < 2; i++) t += wanted - shownAt(t);
  // Where the clocks skip midnight itself the guess can land in the evening before: the day then
  // starts at the change.
  if (shownAt(t) < wanted) t += wanted - shownAt(t);
  return new Date(t);
}
