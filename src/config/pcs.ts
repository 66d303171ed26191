// Public computers (issue 14, P1–P3): how long the anonymous aggregates are kept.
import { EnvReader, intSetting } from './setting.ts';

export interface PcsConfig {
  /** Public-computer statistics (sessions, minutes, waits, refusals per hour) are kept this many days. */
  statsDays: number;
}

export const PCS_STATS_DAYS = intSetting('PCS_STATS_DAYS', {
  default: 730,
  min: 30,
  max: 3650,
  description:
    'Public-computer statistics (sessions, minutes, waits and refusals per branch and hour) are kept this many days.',
});

export function readPcs(r: EnvReader): PcsConfig {
  return { statsDays: r.read(PCS_STATS_DAYS) };
}

export const pcsSettings = [PCS_STATS_DAYS];
