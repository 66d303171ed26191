// The job registry from the parts the composition root (src/app/root.ts) lists: every job each
// declares, and the recurring ones. Shared code: it knows no feature by name.
import type { Config } from '../config.ts';
import { JobRegistry, type JobDefinition, type RecurringJob } from './registry.ts';

export interface JobSource {
  jobs?: readonly JobDefinition[];
  recurring?: (config: Config) => readonly RecurringJob[];
}

export function buildJobRegistry(config: Config, sources: readonly JobSource[]): JobRegistry {
  return new JobRegistry(
    sources.flatMap((s) => s.jobs ?? []),
    sources.flatMap((s) => s.recurring?.(config) ?? []),
  );
}
