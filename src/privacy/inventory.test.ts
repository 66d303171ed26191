// G1: the migrated schema and the data inventory must agree, on both databases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { checkInventory, type TableEntry } from './inventory.ts';

describeEachDialect('data inventory matches the schema (G1)', (env, dialect) => {
  test('every table and column in the database is declared, and nothing declared is missing', async () => {
    const { ctx } = env();
    const problems: string[] = [];
    const tables = await ctx.database.ops.listTables(ctx.db);
    const declared = new Map(ctx.inventory.map((t) => [t.table, t]));
    for (const table of tables) {
      const entry = declared.get(table);
      if (!entry) {
        problems.push(`table ${table} is not in the inventory`);
        continue;
      }
      const columns = await ctx.database.ops.listColumns(ctx.db, table);
      for (const c of columns)
        if (!(c in entry.columns)) problems.push(`column ${table}.${c} is not in the inventory`);
      for (const [c, col] of Object.entries(entry.columns))
        if (!columns.includes(c) && (col.onlyIn ?? dialect) === dialect)
          problems.push(`inventory names ${table}.${c}, which does not exist`);
    }
    for (const t of declared.keys())
      if (!tables.includes(t)) problems.push(`inventory names table ${t}, which does not exist`);
    assert.deepEqual(problems, []);
    assert.ok(tables.length >= 7, 'the foundation tables exist');
  });
});

test('checkInventory reports rules and columns that do not line up', () => {
  const bad: TableEntry[] = [
    {
      table: 'things',
      description: 'test',
      primaryKey: 'nope',
      columns: {
        id: { personal: false, description: 'id' },
        email: {
          personal: true,
          category: 'contact',
          description: 'e-mail',
          purpose: 'reach',
          clauses: ['N1'],
          retention: 'things.missing',
          readableBy: [],
          inExport: true,
        },
      },
      retention: [{ id: 'things.old', description: 'old', after: 'created_at', period: { days: 1 } }],
      holdScope: { dateColumn: 'when', subject: { kind: 'patron', column: 'who' } },
    },
  ];
  const problems = checkInventory(bad);
  assert.ok(problems.some((p) => p.includes('primary key nope')));
  assert.ok(problems.some((p) => p.includes('things.created_at is not declared')));
  assert.ok(
    problems.some((p) => p.includes('things.email is personal but its retention rule things.missing')),
  );
  assert.ok(problems.some((p) => p.includes('hold date column when')));
  assert.ok(problems.some((p) => p.includes('hold subject column who')));
  assert.deepEqual(checkInventory([...bad.slice(0, 0)]), []);
});

describeEachDialect('the inventory reads well on the privacy page (G3)', (env) => {
  test('no description or retention rule repeats a word ("Deleted deleted")', () => {
    const texts = env().ctx.inventory.flatMap((t) => [
      t.description,
      ...t.retention.map((r) => r.description),
      ...Object.values(t.columns).map((c) => c.description),
    ]);
    assert.ok(texts.length > 50);
    const doubled = texts.filter((s) => /\b(\w+) \1\b/i.test(s));
    assert.deepEqual(doubled, []);
  });
});
