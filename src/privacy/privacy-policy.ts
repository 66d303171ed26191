// The published privacy policy as data (G3): built from the same inventory the purge engine runs,
// plus configuration, so what the library says and what the software does cannot drift apart.
import type { Config } from '../config.ts';
import { roleLabels } from '../auth/roles.ts';
import { personalCategories, type Inventory, type PersonalCategory } from './inventory.ts';
import { websiteStatisticsItems } from './website-statistics.ts';

export interface PolicyItem {
  table: string;
  column: string;
  what: string;
  why: string;
  /** The retention rule's sentence, e.g. "A staff session is deleted as soon as it expires…". */
  howLong: string;
  whoCanSee: string[];
  inYourCopy: boolean;
  clauses: string[];
}

export interface PolicySection {
  category: PersonalCategory;
  title: string;
  items: PolicyItem[];
}

/** One table of the inventory as published: every column, personal or not, and its rules. */
export interface PublishedTable {
  table: string;
  description: string;
  columns: Array<{ name: string; personal: boolean; description: string }>;
  retention: Array<{ id: string; description: string }>;
}

export interface PrivacyPolicy {
  libraryName: string;
  /** The whole inventory, column by column, for /api/v1/privacy. */
  tables: PublishedTable[];
  sections: PolicySection[];
  purgeEveryMinutes: number;
  /**
   * SQLite: deleted values are overwritten in the database files (the WAL included) within this
   * many seconds of the deletion (db/wal-scrub.ts). Null on PostgreSQL, where the server may keep
   * the bytes until it reuses the space (issue 17).
   */
  deletedGoneWithinSeconds: number | null;
  tablesWithoutPersonalData: string[];
  contacts: Config['library']['contacts'];
  /** What the website statistics keep of a visit, from configuration (W2). */
  websiteStatistics: {
    collected: string[];
    hourlyDays: number;
    keepDays: number;
    statsK: number;
    /** Other sites of the library that count their visits here (beacon). */
    otherSites: string[];
  };
}

export function buildPrivacyPolicy(inventory: Inventory, config: Config): PrivacyPolicy {
  const byCategory = new Map<PersonalCategory, PolicyItem[]>();
  const plainTables: string[] = [];
  for (const t of inventory) {
    const rules = new Map(t.retention.map((r) => [r.id, r]));
    let personal = false;
    for (const [column, c] of Object.entries(t.columns)) {
      if (!c.personal) continue;
      personal = true;
      const items = byCategory.get(c.category) ?? [];
      items.push({
        table: t.table,
        column,
        what: c.description,
        why: c.purpose,
        howLong: rules.get(c.retention)?.description ?? c.retention,
        whoCanSee: c.readableBy.length
          ? c.readableBy.map((r) => roleLabels[r])
          : ['Nobody: it is checked by the software only'],
        inYourCopy: c.inExport,
        clauses: c.clauses,
      });
      byCategory.set(c.category, items);
    }
    if (!personal) plainTables.push(t.description);
  }
  const sections = (Object.keys(personalCategories) as PersonalCategory[])
    .filter((c) => byCategory.has(c))
    .map((c) => ({ category: c, title: personalCategories[c], items: byCategory.get(c)! }));
  const tables = inventory.map((t) => ({
    table: t.table,
    description: t.description,
    columns: Object.entries(t.columns).map(([name, c]) => ({
      name,
      personal: c.personal,
      description: c.description,
    })),
    retention: t.retention.map((r) => ({ id: r.id, description: r.description })),
  }));
  return {
    libraryName: config.library.name,
    tables,
    sections,
    purgeEveryMinutes: config.purge.intervalMinutes,
    deletedGoneWithinSeconds:
      config.database.dialect === 'sqlite' ? config.database.scrubDelayMs / 1000 : null,
    tablesWithoutPersonalData: plainTables,
    contacts: config.library.contacts,
    websiteStatistics: {
      collected: websiteStatisticsItems(config),
      hourlyDays: config.webstats.hourlyDays,
      keepDays: config.webstats.keepDays,
      statsK: config.statsK,
      otherSites: config.webstats.siteOrigins,
    },
  };
}
