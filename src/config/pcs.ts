// Public computers (issue 14, P1–P3): how long the anonymous aggregates are kept.
import type { LibraryIdentity } from '../library.ts';
import { readPcsSip2, type PcsSip2Config } from './pcs-sip2.ts';
import { EnvReader, intSetting } from './setting.ts';

export interface PcsConfig {
  /** Public-computer statistics (sessions, minutes, waits, refusals per hour) are kept this many days. */
  statsDays: number;
  /** Logins checked against another library system over SIP2; null: Carrel's own patrons. */
  sip2: PcsSip2Config | null;
}

export const PCS_STATS_DAYS = intSetting('PCS_STATS_DAYS', {
  default: 730,
  min: 30,
  max: 3650,
  description:
    'Public-computer statistics (sessions, minutes, waits and refusals per branch and hour) are kept this many days.',
});

export function readPcs(r: EnvReader, library: LibraryIdentity): PcsConfig {
  return { statsDays: r.read(PCS_STATS_DAYS), sip2: readPcsSip2(r, library) };
}

export const pcsSettings = [PCS_STATS_DAYS];
