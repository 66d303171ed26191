// Public computers (issue 14, P1–P3): groups and stations, the day's key, usage and live sessions
// keyed only by a keyed hash of the card under that key, the waiting list, guest passes, and the
// anonymous aggregates that survive the day. No table has a card number, patron id, name or PIN.
// Frozen in time like every migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pc_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('daily_minutes', 'integer', (c) => c.notNull().defaultTo(120))
    .addColumn('session_minutes', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('age_bands', 'text')
    .addColumn('hold_minutes', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('ticket_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pc_groups_branch_name_idx')
    .on('pc_groups')
    .columns(['branch', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('pc_stations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.references('pc_groups.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('age_bands', 'text')
    .addColumn('is_reservable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_out_of_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_approved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('key_hash', 'text')
    .addColumn('last_seen_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('is_kicked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('pc_stations_branch_name_idx')
    .on('pc_stations')
    .columns(['branch', 'name'])
    .unique()
    .execute();
  await db.schema.createIndex('pc_stations_group_idx').on('pc_stations').column('group_id').execute();

  await db.schema
    .createTable('pc_day_keys')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pc_usage')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('card_key', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pc_usage_day_idx').on('pc_usage').column('day').execute();

  await db.schema
    .createTable('pc_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull().references('pc_stations.id'))
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('card_key', 'text')
    .addColumn('pass_id', 'text')
    .addColumn('age_band', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('minutes_granted', 'integer', (c) => c.notNull())
    .addColumn('staff_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('closing_warnings', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('pc_sessions_station_idx')
    .on('pc_sessions')
    .column('station_id')
    .unique()
    .execute();
  await db.schema.createIndex('pc_sessions_card_key_idx').on('pc_sessions').column('card_key').execute();
  await db.schema
    .createIndex('pc_sessions_token_idx')
    .on('pc_sessions')
    .column('token_hash')
    .unique()
    .execute();

  await db.schema
    .createTable('pc_ticket_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pc_waitlist')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('card_key', 'text')
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('called_station_id', 'text')
    .addColumn('called_at', 'text')
    .addColumn('hold_until', 'text')
    .addColumn('is_released', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('pc_waitlist_group_idx')
    .on('pc_waitlist')
    .columns(['group_id', 'joined_at', 'number'])
    .execute();
  await db.schema
    .createIndex('pc_waitlist_card_key_idx')
    .on('pc_waitlist')
    .column('card_key')
    .unique()
    .execute();
  await db.schema
    .createIndex('pc_waitlist_station_idx')
    .on('pc_waitlist')
    .column('called_station_id')
    .execute();

  await db.schema
    .createTable('pc_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('pc_waits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('seconds', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pc_waits_day_idx').on('pc_waits').column('day').execute();

  await db.schema
    .createTable('pc_stats')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('sessions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('guest_sessions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('minutes_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passes_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('waits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('median_wait_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('longest_wait_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('pc_stats_day_idx').on('pc_stats').columns(['day', 'branch']).execute();

  await db.schema
    .createTable('pc_refusals')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pc_refusals_day_idx').on('pc_refusals').columns(['day', 'branch']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'pc_refusals',
    'pc_stats',
    'pc_waits',
    'pc_passes',
    'pc_waitlist',
    'pc_ticket_counters',
    'pc_sessions',
    'pc_usage',
    'pc_day_keys',
    'pc_stations',
    'pc_groups',
  ])
    await db.schema.dropTable(t).execute();
}
