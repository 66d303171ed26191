// The notices feature's manifest: what it adds to the application (issue 13 part 1).
import type { Feature } from '../../app/feature.ts';
import { scanNoticesJob } from './notices.jobs.ts';

export const notices: Feature = {
  name: 'notices',
  jobs: [scanNoticesJob],
  recurring: () => [{ job: scanNoticesJob, everyMinutes: 60, payload: {} }],
};
