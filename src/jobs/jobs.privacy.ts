// Data inventory entry for the job queue (G1). Job payloads carry internal ids only, never
// names, addresses or titles; finished jobs are purged so the queue is not a history.
import type { TableEntry } from '../privacy/inventory.ts';

export function jobsInventory(): TableEntry[] {
  return [
    {
      table: 'jobs',
      description:
        'Background work waiting, running or recently finished (purges, and later e-mail sending).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the job.' },
        name: { personal: false, description: 'Kind of job, e.g. privacy.purge.' },
        payload: {
          personal: true,
          category: 'activity',
          description: 'What the job needs to do its work: internal record identifiers only.',
          purpose: 'Carrying out work after the request that caused it.',
          clauses: ['G2'],
          retention: 'jobs.done',
          readableBy: ['admin'],
          inExport: false,
        },
        status: { personal: false, description: 'queued, running, done or failed.' },
        attempts: { personal: false, description: 'How many times the job was tried.' },
        max_attempts: { personal: false, description: 'How many times it may be tried.' },
        run_at: { personal: false, description: 'Earliest time of the next attempt.' },
        locked_at: { personal: false, description: 'When a worker took the job.' },
        locked_by: { personal: false, description: 'Which worker process took the job.' },
        last_error: {
          personal: false,
          description: 'Error of the last failed attempt, with personal values removed.',
        },
        unique_key: {
          personal: false,
          description: 'Key that stops the same scheduled job being queued twice.',
        },
        created_at: { personal: false, description: 'When the job was queued.' },
        finished_at: { personal: false, description: 'When the job finished or finally failed.' },
      },
      retention: [
        {
          id: 'jobs.done',
          description: 'A finished background job is deleted 7 days after it finished.',
          after: 'finished_at',
          period: { days: 7 },
          where: [{ column: 'status', op: '=', value: 'done' }],
        },
        {
          id: 'jobs.failed',
          description: 'A background job that finally failed is deleted 30 days after it failed.',
          after: 'finished_at',
          period: { days: 30 },
          where: [{ column: 'status', op: '=', value: 'failed' }],
        },
      ],
    },
  ];
}
