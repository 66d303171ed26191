// How long staff and patron sessions last (A4: a short idle time-out on public computers).
import { EnvReader, intSetting } from './setting.ts';

export const STAFF_SESSION_IDLE_MINUTES = intSetting('STAFF_SESSION_IDLE_MINUTES', {
  default: 30,
  min: 1,
  max: 24 * 60,
  description: 'Staff sessions end after this much inactivity.',
});

export const STAFF_SESSION_MAX_HOURS = intSetting('STAFF_SESSION_MAX_HOURS', {
  default: 10,
  min: 1,
  max: 24 * 7,
  description: 'Staff sessions end this long after sign-in, active or not.',
});

export const PATRON_SESSION_IDLE_MINUTES = intSetting('PATRON_SESSION_IDLE_MINUTES', {
  default: 20,
  min: 1,
  max: 24 * 60,
  description: 'Patron sessions end after this much inactivity.',
});

export const PATRON_PUBLIC_IDLE_MINUTES = intSetting('PATRON_PUBLIC_IDLE_MINUTES', {
  default: 5,
  min: 1,
  max: 60,
  description: 'Idle time-out when the patron ticked "I am on a public computer" (A4).',
});

export const PATRON_SESSION_MAX_HOURS = intSetting('PATRON_SESSION_MAX_HOURS', {
  default: 4,
  min: 1,
  max: 24 * 7,
  description: 'Patron sessions end this long after sign-in, active or not.',
});

export function readStaffSession(r: EnvReader): { idleMinutes: number; maxHours: number } {
  return { idleMinutes: r.read(STAFF_SESSION_IDLE_MINUTES), maxHours: r.read(STAFF_SESSION_MAX_HOURS) };
}

/** Run once everything is read: a staff idle time-out longer than the whole session is a mistake. */
export function checkStaffSession(r: EnvReader, s: { idleMinutes: number; maxHours: number }): void {
  if (s.idleMinutes > s.maxHours * 60)
    r.problem('STAFF_SESSION_IDLE_MINUTES must not exceed STAFF_SESSION_MAX_HOURS × 60.');
}

export function readPatronSession(r: EnvReader): {
  idleMinutes: number;
  publicIdleMinutes: number;
  maxHours: number;
} {
  return {
    idleMinutes: r.read(PATRON_SESSION_IDLE_MINUTES),
    publicIdleMinutes: r.read(PATRON_PUBLIC_IDLE_MINUTES),
    maxHours: r.read(PATRON_SESSION_MAX_HOURS),
  };
}

export const sessionSettings = [
  STAFF_SESSION_IDLE_MINUTES,
  STAFF_SESSION_MAX_HOURS,
  PATRON_SESSION_IDLE_MINUTES,
  PATRON_PUBLIC_IDLE_MINUTES,
  PATRON_SESSION_MAX_HOURS,
];
