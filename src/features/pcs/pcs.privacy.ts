// Data inventory entries for public computers (G1, P1–P3). A card is recognised only during one
// library day, by a keyed hash under that day's random key; the key, the hashes, the waiting list
// and unused guest passes are destroyed at the day's rollover. Only aggregates survive.
import type { Config } from '../../config.ts';
import type { ColumnEntry, TableEntry } from '../../privacy/inventory.ts';
import { plural } from '../../plural.ts';

const plain = (description: string): ColumnEntry => ({ personal: false, description });

/** The day's card key: personal (it recognises a card for one day), readable by nobody. */
const cardKey = (retention: string, purpose: string): ColumnEntry => ({
  personal: true,
  category: 'activity',
  description:
    'A one-way code made from your card number and that day’s random key; it recognises your card for that day only and cannot be turned back. After the day ends the key is destroyed and the code means nothing.',
  purpose,
  clauses: ['P1', 'P2', 'P3'],
  retention,
  readableBy: [],
  inExport: false,
});

const rollover = (table: string, what: string, staleAfter: string): TableEntry['retention'] => [
  {
    id: `${table}.rollover`,
    description: `${what} shortly after the library day ends.`,
    event: 'day rollover',
  },
  {
    id: `${table}.stale`,
    description: 'Anything left over (no rollover ran) is deleted two days later.',
    after: staleAfter,
    period: { days: 2 },
  },
];

export function pcsInventory(config: Config): TableEntry[] {
  const keep = `Deleted after ${plural(config.pcs.statsDays, 'day')}.`;
  // With PCS_SIP2_HOST the card and PIN typed at a computer are checked by the library's
  // circulation system over SIP2 (issue 14 item 9): the policy says so where the card is used.
  const checkedBy = config.pcs.sip2
    ? ` The card number and PIN you type at a computer are checked by the library's circulation system (${config.pcs.sip2.host}); Carrel keeps nothing of its answer except whether you may sign in and your age band, for the session only.`
    : '';
  const statsRule = (table: string) => [
    { id: `${table}.old`, description: keep, after: 'day', period: { days: config.pcs.statsDays } },
  ];
  const where = {
    day: plain('The library day.'),
    hour: plain('The hour of the day (library time).'),
    branch: plain('The branch.'),
    group_id: plain('The group of computers.'),
  };
  return [
    {
      table: 'pc_groups',
      description: 'Groups of public computers at each branch and their rules (time per day, per session).',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        branch: plain('The branch.'),
        name: plain('The group’s name, e.g. "Internet".'),
        daily_minutes: plain('Minutes one card may use per day.'),
        session_minutes: plain('Minutes of one session.'),
        age_bands: plain('Age bands allowed, or everyone.'),
        hold_minutes: plain('Minutes a freed computer is held for the next ticket.'),
        ticket_prefix: plain('The letter of this group’s tickets.'),
        created_at: plain('When it was made.'),
      },
      retention: [
        { id: 'pc_groups.deleted', description: 'Kept until staff delete the group.', event: 'staff delete' },
      ],
    },
    {
      table: 'pc_stations',
      description: 'The public computers: name, group and state; never who uses them.',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        branch: plain('The branch.'),
        group_id: plain('Its group, once approved.'),
        name: plain('The computer’s name.'),
        age_bands: plain('Age bands allowed on it, or the group’s rule.'),
        is_reservable: plain('Whether it can be held for a waiting ticket.'),
        is_out_of_order: plain('Whether staff took it out of order.'),
        is_approved: plain('Whether staff approved it.'),
        key_hash: plain('A one-way hash of the computer’s station key.'),
        last_seen_at: plain('When the computer last contacted Carrel.'),
        created_at: plain('When it was made.'),
        is_kicked: plain('Whether staff ended its last session and the computer has not yet been told.'),
      },
      retention: [
        {
          id: 'pc_stations.unapproved',
          description: 'A computer never approved is forgotten 30 days after it was last seen.',
          after: 'last_seen_at',
          period: { days: 30 },
          where: [{ column: 'is_approved', op: '=', value: 0 }],
        },
      ],
    },
    {
      table: 'pc_day_keys',
      description:
        'A random secret made fresh each day. It turns card numbers into codes that work for that day only; it is destroyed after the day ends, so nobody can later tell which card used a computer (P3).',
      primaryKey: 'day',
      columns: {
        day: plain('The library day.'),
        key: plain('A random value; without it the day’s card codes cannot be recomputed.'),
        created_at: plain('When it was made.'),
      },
      retention: rollover('pc_day_keys', 'Destroyed', 'created_at'),
    },
    {
      table: 'pc_usage',
      description:
        'How many minutes each card has used today, kept under the day’s code of the card (never the card number), so that everyone gets a fair share (P2). Deleted when the day ends.' +
        checkedBy,
      primaryKey: 'key',
      columns: {
        key: cardKey('pc_usage.rollover', 'Keeping the daily time allowance fair.'),
        day: plain('The library day.'),
        card_key: cardKey('pc_usage.rollover', 'Keeping the daily time allowance fair.'),
        minutes: plain('Minutes used.'),
      },
      retention: rollover('pc_usage', 'Deleted', 'day'),
    },
    {
      table: 'pc_sessions',
      description:
        'Which computers are in use right now and how much time is left. It holds no name and no card number, only the day’s code of the card; deleted when you sign out or your time ends (P1).',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        station_id: plain('The computer.'),
        branch: plain('The branch.'),
        group_id: plain('The group.'),
        day: plain('The library day it started.'),
        token_hash: plain('A one-way hash of the session’s random token.'),
        card_key: cardKey(
          'pc_sessions.ended',
          'One session per card at a time, and counting the minutes against the day’s allowance.',
        ),
        pass_id: plain('The guest pass used, if any.'),
        age_band: {
          personal: true,
          category: 'account',
          description: 'Your age band, when a group of computers is limited to some ages.',
          purpose: 'Applying age rules during the session.',
          clauses: ['P1'],
          retention: 'pc_sessions.ended',
          readableBy: [],
          inExport: false,
        },
        started_at: plain('When it started.'),
        minutes_granted: plain('Minutes granted.'),
        staff_minutes: plain('Minutes staff added.'),
        closes_at: plain('When the branch closes.'),
        message: plain('A message from staff not yet shown.'),
        closing_warnings: plain('Which closing-time warnings the computer has shown.'),
      },
      retention: [
        { id: 'pc_sessions.ended', description: 'Deleted when the session ends.', event: 'session end' },
        {
          id: 'pc_sessions.stale',
          description: 'Any session left over is deleted a day after it started.',
          after: 'started_at',
          period: { days: 1 },
        },
      ],
    },
    {
      table: 'pc_ticket_counters',
      description: 'The last waiting-list ticket number given at each branch today.',
      primaryKey: 'key',
      columns: {
        key: plain('Day and branch.'),
        day: plain('The library day.'),
        branch: plain('The branch.'),
        last_number: plain('The last number given.'),
      },
      retention: rollover('pc_ticket_counters', 'Deleted', 'day'),
    },
    {
      table: 'pc_waitlist',
      description:
        'The waiting list for computers, by ticket number ("B-17"), without names. If you gave your card to take a ticket, only the day’s code of the card is kept with it. Deleted when your turn comes, and all tickets when the day ends (P2).',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        branch: plain('The branch.'),
        group_id: plain('The group waited for.'),
        day: plain('The library day.'),
        ticket: plain('The ticket, e.g. "B-17".'),
        number: plain('The ticket’s number.'),
        card_key: cardKey(
          'pc_waitlist.rollover',
          'One ticket per card, and holding a computer for that card.',
        ),
        joined_at: plain('When the ticket was taken.'),
        called_station_id: plain('The computer it is called to.'),
        called_at: plain('When it was called.'),
        hold_until: plain('Until when the computer is held.'),
        is_released: plain('Whether staff released the held computer.'),
        is_claimed: plain('Whether the ticket was confirmed at the computer it is called to.'),
      },
      retention: [
        ...rollover(
          'pc_waitlist',
          'Tickets are deleted when served, skipped or removed, and all are deleted',
          'joined_at',
        ),
      ],
    },
    {
      table: 'pc_passes',
      description:
        'Guest passes for one day. Only a scrambled form of each pass code is kept, not the code and not who received it; unused passes are destroyed when the day ends.',
      primaryKey: 'id',
      columns: {
        id: plain('Identifier.'),
        branch: plain('The branch.'),
        day: plain('The library day.'),
        code_hash: plain('A one-way code of the pass under the day’s key.'),
        minutes: plain('Minutes the pass gives.'),
        created_at: plain('When it was printed.'),
        used_at: plain('When it was used.'),
      },
      retention: rollover('pc_passes', 'Destroyed', 'created_at'),
    },
    {
      table: 'pc_waits',
      description: 'How long served tickets waited today (no ticket, no card); summed at the day’s end.',
      primaryKey: 'id',
      columns: { id: plain('Identifier.'), ...where, seconds: plain('Seconds waited.') },
      retention: rollover('pc_waits', 'Summed into statistics and deleted', 'day'),
    },
    {
      table: 'pc_stats',
      description: `Counts for planning, with no card and no person in them: sessions, minutes used, guest passes used and waits per branch, group of computers and hour. Counts from 1 to ${config.statsK} are never shown or published (G7).`,
      primaryKey: 'key',
      columns: {
        key: plain('Day, hour, branch and group joined.'),
        ...where,
        sessions: plain('Sessions by card.'),
        guest_sessions: plain('Sessions by guest pass.'),
        minutes_used: plain('Minutes used.'),
        passes_used: plain('Guest passes used.'),
        waits: plain('Tickets served.'),
        median_wait_seconds: plain('Median wait.'),
        longest_wait_seconds: plain('Longest wait.'),
      },
      retention: statsRule('pc_stats'),
    },
    {
      table: 'pc_refusals',
      description:
        'How many computer sign-ins were refused, per branch, group, hour and reason (for example, no time left today); counts only, no card.',
      primaryKey: 'key',
      columns: {
        key: plain('Day, hour, branch, group and reason joined.'),
        ...where,
        reason: plain('Why it was refused.'),
        count: plain('How many.'),
      },
      retention: statsRule('pc_refusals'),
    },
  ];
}
