// The configuration tables in README.md and docs/operators.md, generated from the declarations
// (`npm run docs:config` writes them; test/docs.test.ts fails when the committed ones differ).
import { configAreas, type SettingDoc } from './index.ts';

const header = '| Variable | Default | Meaning |\n| --- | --- | --- |';
const row = (s: SettingDoc) => `| \`${s.name}\` | ${s.default} | ${s.description} |`;

/** The README's table: every variable, area by area, in one table. */
export function readmeTable(): string {
  return [header, ...configAreas.flatMap((a) => a.settings.map(row))].join('\n');
}

/** docs/operators.md: one table per area, under a heading. */
export function operatorsTables(): string {
  return configAreas
    .map((a) => [`### ${a.title}`, '', header, ...a.settings.map(row)].join('\n'))
    .join('\n\n');
}

const start =
  '<!-- config-table:start (generated from src/config/ by `npm run docs:config`; do not edit) -->';
const end = '<!-- config-table:end -->';

/** Replaces what stands between the markers with the generated table; throws if they are missing. */
export function withGeneratedTable(document: string, table: string, file: string): string {
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} markers.`);
  return `${document.slice(0, from + start.length)}\n\n${table}\n\n${document.slice(to)}`;
}

/** The documents that carry a configuration table, with the table each should hold. */
export const generatedTables: ReadonlyArray<{ file: string; table: () => string }> = [
  { file: 'README.md', table: readmeTable },
  { file: 'docs/operators.md', table: operatorsTables },
];
