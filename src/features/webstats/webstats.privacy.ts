// Data inventory entries for website statistics (G1, W1–W4) and the privacy page's list of what
// is collected, generated from configuration (switching the domain lookup off changes the page).
import type { Config } from '../../config.ts';
import type { TableEntry } from '../../privacy/inventory.ts';
import { plural } from '../../plural.ts';

// The privacy page's list of what is collected is in src/privacy/website-statistics.ts, where the
// privacy page reads it without importing a feature (issue 13 part 1).
export { websiteStatisticsItems } from '../../privacy/website-statistics.ts';

export function webstatsInventory(config: Config): TableEntry[] {
  const w = config.webstats;
  const count = { personal: false as const, description: 'How many.' };
  return [
    {
      table: 'stats_salts',
      description:
        'The random value that makes each day’s visitor counts unlinkable; destroyed when the day ends (W2).',
      primaryKey: 'day',
      columns: {
        day: { personal: false, description: 'The day.' },
        salt: {
          personal: false,
          description:
            'A random value, mixed into the day’s visitor codes; without it they cannot be recomputed.',
        },
        created_at: { personal: false, description: 'When it was made.' },
      },
      retention: [
        {
          id: 'stats_salts.rollover',
          description: 'Destroyed shortly after the day ends.',
          event: 'day rollover',
        },
        {
          id: 'stats_salts.stale',
          description: 'Any salt left over (no rollover ran) is deleted two days after it was made.',
          after: 'created_at',
          period: { days: 2 },
        },
      ],
    },
    {
      table: 'stats_visitors',
      description: 'One code per visitor per day, to count unique visitors; deleted when the day ends (W2).',
      primaryKey: 'key',
      columns: {
        key: {
          personal: true,
          category: 'network',
          description:
            'The day and a one-way code made from your network address, your browser identification and that day’s random salt; it cannot be turned back, and after the day it cannot be recomputed.',
          purpose: 'Counting unique visitors per day without recognising anyone on another day.',
          clauses: ['W2'],
          retention: 'stats_visitors.rollover',
          readableBy: [],
          inExport: false,
        },
        day: { personal: false, description: 'The day.' },
      },
      retention: [
        {
          id: 'stats_visitors.rollover',
          description: 'Counted and deleted shortly after the day ends, together with the day’s salt.',
          event: 'day rollover',
        },
        {
          id: 'stats_visitors.stale',
          description: 'Any code left over is deleted two days after its day.',
          after: 'day',
          period: { days: 2 },
        },
      ],
    },
    {
      table: 'stats_hourly',
      description:
        'Page views per hour and per item (page, referring site, domain, browser, system, place); aggregates only.',
      primaryKey: 'key',
      columns: {
        key: { personal: false, description: 'Hour, item and value joined, for counting.' },
        hour: { personal: false, description: 'The hour (UTC).' },
        dimension: { personal: false, description: 'Which item is counted, e.g. page or browser.' },
        value: { personal: false, description: 'The value counted, e.g. "/catalog" or "Firefox 133".' },
        count,
      },
      retention: [
        {
          id: 'stats_hourly.folded',
          description: `Hourly figures are added into daily ones after ${plural(w.hourlyDays, 'day')} and deleted.`,
          after: 'hour',
          period: { days: w.hourlyDays + 2 },
        },
      ],
    },
    {
      table: 'stats_daily',
      description: 'Page views and unique visitors per day and per item; aggregates only.',
      primaryKey: 'key',
      columns: {
        key: { personal: false, description: 'Day, item and value joined, for counting.' },
        day: { personal: false, description: 'The day.' },
        dimension: { personal: false, description: 'Which item is counted.' },
        value: { personal: false, description: 'The value counted.' },
        count,
      },
      retention: [
        {
          id: 'stats_daily.old',
          description: `Daily website figures are deleted after ${plural(w.keepDays, 'day')}.`,
          after: 'day',
          period: { days: w.keepDays },
        },
      ],
    },
    {
      table: 'stats_log_imports',
      description:
        'Which server-log files were already imported (a fingerprint of each), so none is counted twice.',
      primaryKey: 'fingerprint',
      columns: {
        fingerprint: { personal: false, description: 'A hash of the file’s size, beginning and end.' },
        lines: { personal: false, description: 'Lines read.' },
        bytes: { personal: false, description: 'Size of the file.' },
        imported_at: { personal: false, description: 'When it was imported.' },
      },
      retention: [
        {
          id: 'stats_log_imports.old',
          description: 'Forgotten after two years.',
          after: 'imported_at',
          period: { days: 730 },
        },
      ],
    },
  ];
}
