// The SIP2 date: 18 characters, YYYYMMDDZZZZHHMMSS. ZZZZ is the time zone: four spaces mean the
// local time of the library, "   Z" means UTC. Callers pass the instant (from their Clock) and the
// library's time zone; nothing here reads the system clock.

/** The length of every fixed-position SIP2 date. */
export const SIP_DATE_LENGTH = 18;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
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
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone, as a UTC timestamp (the zone's "local" reading). */
function wallClock(t: number, tz: string): number {
  const p = Object.fromEntries(
    formatter(tz)
      .formatToParts(new Date(t))
      .map((x) => [x.type, x.value]),
  );
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * An instant as a SIP2 date: in UTC with zone "   Z" when no time zone is given, otherwise the
 * local time of `timeZone` with a blank zone (what most self-check machines expect).
 */
export function formatSipDate(at: Date, timeZone?: string): string {
  const t = at.getTime();
  const local = new Date(timeZone ? wallClock(t, timeZone) : t);
  const ymd = `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}`;
  const hms = `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
  return `${ymd}${timeZone ? '    ' : '   Z'}${hms}`;
}

const SIP_DATE = /^(\d{4})(\d{2})(\d{2})(.{4})(\d{2})(\d{2})(\d{2})$/;

/**
 * A SIP2 date as an instant, or undefined when it is not one (terminals send blanks for "no
 * date"). A blank zone is read as local time in `timeZone`; "Z" in the zone as UTC; any other
 * zone text is not understood and also read as local time, as other servers do.
 */
export function parseSipDate(text: string, timeZone: string): Date | undefined {
  const m = SIP_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, zone, h, mi, s] = [+m[1]!, +m[2]!, +m[3]!, m[4]!, +m[5]!, +m[6]!, +m[7]!];
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  if (zone.trim().toUpperCase() === 'Z') return check;
  // Guess, then correct by the zone's offset at the guess (twice, for days the clocks change).
  let t = naive;
  for (let i = 0; i < 2; i++) t += naive - wallClock(t, timeZone);
  return new Date(t);
}
