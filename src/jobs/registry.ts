// The typed job registry: job name → payload schema → idempotent handler. Checked at start-up so
// a misspelt schedule or a duplicate name stops the process before it serves anything.
import type { z } from 'zod';
import type { JobDefinition, Jobs, RecurringJob } from '../context.ts';

// Declared beside AppContext (a job's handler takes the context, and the context holds the jobs), so
// the two files do not import each other; re-exported here, where jobs are defined.
export type { JobDefinition, JobMeta, RecurringJob } from '../context.ts';

/** Declares a job with its payload type inferred from the schema. */
export const defineJob = <S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> => def;

export class JobRegistry implements Jobs {
  private readonly byName = new Map<string, JobDefinition>();

  constructor(
    defs: readonly JobDefinition[],
    readonly recurring: readonly RecurringJob[],
  ) {
    const problems: string[] = [];
    for (const d of defs) {
      if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(d.name))
        problems.push(`job name ${d.name} is not feature.action`);
      if (this.byName.has(d.name)) problems.push(`job ${d.name} is registered twice`);
      this.byName.set(d.name, d);
    }
    for (const r of recurring) {
      if (this.byName.get(r.job.name) !== r.job)
        problems.push(`recurring job ${r.job.name} is not registered`);
      if (!r.job.payload.safeParse(r.payload).success)
        problems.push(`recurring job ${r.job.name} has an invalid payload`);
      if (!(r.everyMinutes > 0)) problems.push(`recurring job ${r.job.name} needs a positive interval`);
    }
    if (problems.length) throw new Error(`Job registry is invalid:\n- ${problems.join('\n- ')}`);
  }

  get(name: string): JobDefinition | undefined {
    return this.byName.get(name);
  }

  has(def: JobDefinition): boolean {
    return this.byName.get(def.name) === def;
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
