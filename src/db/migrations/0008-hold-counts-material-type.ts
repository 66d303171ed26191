// Hold counts under the material type every other circulation count uses (issue 12 item 18, C2).
// Until now a placed or cancelled hold was counted under its record's format code ("video") while
// check-outs of the same copy counted under the copy's material type ("dvd"), so one DVD showed on
// two rows of the statistics. This moves the stored hold counts whose material type is a format
// code to the type that format gives new copies, merging them into a counter that already exists.
// Holds left no trace of which copy they were for, so a title whose copies are of another type
// ("dvd-mature") is counted under its format's default ("dvd"): the best the counts allow.
// Frozen in time like every migration: the mapping is copied here, not imported.
import { sql, type Kysely } from 'kysely';

/** Format codes that are not also material types, and the material type they give new copies. */
const typeOfFormat: Record<string, string> = {
  'large-print': 'book',
  serial: 'magazine',
  video: 'dvd',
  'music-recording': 'music-cd',
  'computer-file': 'software',
  'mixed-materials': 'kit',
};

interface CountRow {
  key: string;
  day: string;
  branch_code: string;
  material_type: string;
  action: string;
  count: number | string;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // The migrator runs each migration in a transaction already (on PostgreSQL).
  const trx = db as unknown as Kysely<{ circulation_counts: CountRow }>;
  const rows = await trx
    .selectFrom('circulation_counts')
    .selectAll()
    .where('action', 'in', ['hold_placed', 'hold_cancelled'])
    .where('material_type', 'in', Object.keys(typeOfFormat))
    .execute();
  for (const r of rows) {
    const materialType = typeOfFormat[r.material_type]!;
    // The key is "day|branch|material type|action|shard"; the shard stays.
    const shard = r.key.split('|').pop() ?? '0';
    const count = Number(r.count);
    await trx
      .insertInto('circulation_counts')
      .values({
        key: `${r.day}|${r.branch_code}|${materialType}|${r.action}|${shard}`,
        day: r.day,
        branch_code: r.branch_code,
        material_type: materialType,
        action: r.action,
        count,
      })
      .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`circulation_counts.count + ${count}` }))
      .execute();
    await trx.deleteFrom('circulation_counts').where('key', '=', r.key).execute();
  }
}

/** Forward only: merged counters cannot be split again. */
export async function down(): Promise<void> {}
