// Enqueueing: inside the caller's transaction, so a rolled-back write never runs its job.
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { iso, type Clock } from '../clock.ts';
import type { DB } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { insertJob } from './jobs.repository.ts';
import type { JobDefinition } from './registry.ts';

export interface EnqueueOptions {
  runAt?: Date;
  /** A job with the same key is queued only once (e.g. one purge per schedule slot). */
  uniqueKey?: string;
}

/** Queues a job after validating its payload; returns false when uniqueKey was already queued. */
export async function enqueueJob<S extends z.ZodType>(
  db: Kysely<DB> | Transaction<DB>,
  clock: Clock,
  def: JobDefinition<S>,
  payload: z.input<S>,
  opts: EnqueueOptions = {},
): Promise<boolean> {
  const parsed = def.payload.parse(payload);
  const now = clock.now();
  return insertJob(db, {
    id: newId(),
    name: def.name,
    payload: JSON.stringify(parsed),
    maxAttempts: def.maxAttempts ?? 5,
    runAt: iso(opts.runAt ?? now),
    uniqueKey: opts.uniqueKey ?? null,
    createdAt: iso(now),
  });
}
