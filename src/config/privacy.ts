// Retention and disclosure: small counts suppressed (G7), how long records are kept, the purge engine.
import { EnvReader, intSetting } from './setting.ts';

export const STATS_K = intSetting('STATS_K', {
  default: 5,
  min: 1,
  max: 100,
  description: 'Statistics show counts from 1 to this number as "k or fewer" (G7).',
});

export const PATRON_LAPSED_DAYS = intSetting('PATRON_LAPSED_DAYS', {
  default: 3 * 365,
  min: 30,
  max: 20 * 365,
  description: 'An account is deleted this long after its card expired, if nothing is out.',
});

export const ACCESS_LOG_DAYS = intSetting('ACCESS_LOG_DAYS', {
  default: 365,
  min: 7,
  max: 10 * 365,
  description: 'Entries of the staff access log (who opened which patron record) are kept this long.',
});

export const PURGE_INTERVAL_MINUTES = intSetting('PURGE_INTERVAL_MINUTES', {
  default: 60,
  min: 1,
  max: 24 * 60,
  description: 'How often the purge engine applies every retention rule.',
});

export const PURGE_BATCH_SIZE = intSetting('PURGE_BATCH_SIZE', {
  default: 2000,
  min: 10,
  max: 100_000,
  description: 'Largest number of rows one purge transaction deletes (it shrinks itself to stay brief).',
});

export function readPatrons(r: EnvReader): { lapsedAfterDays: number; accessLogDays: number } {
  return { lapsedAfterDays: r.read(PATRON_LAPSED_DAYS), accessLogDays: r.read(ACCESS_LOG_DAYS) };
}

export function readPurge(r: EnvReader): { intervalMinutes: number; batchSize: number } {
  return { intervalMinutes: r.read(PURGE_INTERVAL_MINUTES), batchSize: r.read(PURGE_BATCH_SIZE) };
}

export const privacySettings = [
  STATS_K,
  PATRON_LAPSED_DAYS,
  ACCESS_LOG_DAYS,
  PURGE_INTERVAL_MINUTES,
  PURGE_BATCH_SIZE,
];
