// Every job the application knows, and the recurring ones, declared in one place.
import type { Config } from '../config.ts';
import { expireHoldsJob } from '../features/circulation/circulation.jobs.ts';
import { sendAnnouncementJob } from '../features/announcements/announcements.jobs.ts';
import { scrubIdleQuestionsJob } from '../features/reference/reference.jobs.ts';
import { rollOverStatsJob } from '../features/webstats/webstats.jobs.ts';
import { scanNoticesJob } from '../features/notices/notices.jobs.ts';
import { pinResetJob } from '../features/patrons/pin-reset.jobs.ts';
import { sendMailJob } from '../mail/mail.jobs.ts';
import { purgeJob } from '../privacy/privacy.jobs.ts';
import { JobRegistry, type JobDefinition } from './registry.ts';

export const allJobs: readonly JobDefinition[] = [
  purgeJob,
  expireHoldsJob,
  sendMailJob,
  scanNoticesJob,
  sendAnnouncementJob,
  scrubIdleQuestionsJob,
  rollOverStatsJob,
  pinResetJob,
];

export function buildJobRegistry(config: Config): JobRegistry {
  return new JobRegistry(allJobs, [
    { job: purgeJob, everyMinutes: config.purge.intervalMinutes, payload: { trigger: 'schedule' } },
    { job: expireHoldsJob, everyMinutes: 60, payload: {} },
    { job: scanNoticesJob, everyMinutes: 60, payload: {} },
    { job: scrubIdleQuestionsJob, everyMinutes: 60, payload: {} },
    // Every 15 minutes, so a day's salt is gone soon after midnight.
    { job: rollOverStatsJob, everyMinutes: 15, payload: {} },
  ]);
}
