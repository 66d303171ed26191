// Bar charts for statistics pages (reference desk now, website statistics next): inline SVG drawn
// on the server, so they work without JavaScript and under the strict CSP (colours and sizes are
// SVG presentation attributes, which are not CSS; layout classes live in site.css).
//
// Accessibility pattern. Each chart is a <figure> holding three things in reading order:
//   1. a visible caption (title, optional note, and a privacy note when anything is suppressed);
//   2. the SVG, role="img", named by its own <title> and <desc> through aria-labelledby. The desc
//      is a short summary (how many bars, the largest value, how many are withheld) — a text
//      alternative for the picture (WCAG 1.1.1), not a second copy of the data;
//   3. an always-visible <table> with every number. Tables are what screen readers navigate best
//      (row and column headers are announced with each cell), sighted keyboard and magnifier users
//      can read exact values without hovering, and nothing hides behind a <details> toggle.
// role="img" makes the SVG's inner text presentational, so a screen reader hears the summary once
// and then reaches the table, instead of a stream of tick labels and truncated bar labels.
//
// Privacy (G7): counts from 1 to k never appear exactly. The chart is drawn from "shown" values
// only — a suppressed count becomes a bar of length k, hatched with a dashed outline and labelled
// "k or fewer" — and the scale, the summary and the layout are computed from those shown values,
// so two data sets that differ only inside 1..k render the same SVG. Zero is drawn as zero.
//
// Bars are horizontal: every label sits on its own line in normal reading direction, so labels
// never overlap (60 rows is just a taller chart), nothing needs rotating, and each bar has room
// for its value written at its end ("5 or fewer" included), so colour is never needed to read it.
//
// This file holds the figures (caption, SVG, table); the shown values, scale and summary sentences
// are in chart-values.ts, and the SVG's palette, patterns and bars in chart-svg.tsx.
import { ScrollRegion } from '../http/layout.tsx';
import { suppressedText } from './suppress.ts';
import { plural } from '../plural.ts';
import { checkChartArgs, largestSentence, privacyNote, shown, suppressedSentence } from './chart-values.ts';
import { HorizontalBars, NEUTRAL, styleOf, type LegendEntry } from './chart-svg.tsx';

export { niceScale, truncateLabel } from './chart-values.ts';

export interface BarChartProps {
  title: string;
  /** HTML id of the figure; other ids inside the chart are derived from it. */
  id: string;
  /** What is counted, plural: "questions". */
  unit: string;
  rows: Array<{ label: string; value: number }>;
  /** Counts from 1 to k are suppressed (G7). */
  k: number;
  /** A note shown under the title, e.g. the period and branch the numbers cover. */
  caption?: string;
  /** Heading of the table's label column, e.g. "Month"; "Category" when not given. */
  labelHeading?: string;
}

export interface SeriesChartProps {
  title: string;
  id: string;
  unit: string;
  /** One group of bars (one table row) per category, e.g. months. */
  categories: string[];
  /** One bar per category for each series; values[i] belongs to categories[i]. */
  series: Array<{ name: string; values: number[] }>;
  k: number;
  caption?: string;
  labelHeading?: string;
}

function FigureCaption(p: { id: string; title: string; caption?: string | undefined; note: string | null }) {
  return (
    <figcaption>
      <p class="chart-title" id={`${p.id}-title`}>
        {p.title}
      </p>
      {p.caption && <p class="chart-caption">{p.caption}</p>}
      {p.note && <p class="chart-privacy">{p.note}</p>}
    </figcaption>
  );
}

function NoData({ id, title, unit, caption }: { id: string; title: string; unit: string; caption?: string }) {
  return (
    <figure class="chart" id={id} aria-labelledby={`${id}-title`}>
      <FigureCaption id={id} title={title} caption={caption} note={null} />
      <p>No {unit} to show.</p>
    </figure>
  );
}

/** A horizontal bar chart with its data table; counts from 1 to k are suppressed (G7). */
export function BarChart({ title, id, unit, rows, k, caption, labelHeading = 'Category' }: BarChartProps) {
  checkChartArgs(id, k);
  if (rows.length === 0) return <NoData id={id} title={title} unit={unit} caption={caption} />;
  const items = rows.map((r) => ({ name: r.label, shown: shown(r.value, k) }));
  const suppressedCount = items.filter((i) => i.shown.suppressed).length;
  const summary =
    `Bar chart of ${unit} for ${plural(rows.length, 'row', 'rows')}. ${largestSentence(items, unit)}` +
    `${suppressedSentence(suppressedCount, k, unit)} The table after the chart lists every value.`;
  const legend: LegendEntry[] = suppressedCount
    ? [{ text: `${k} or fewer ${unit}: exact count withheld`, series: 0, suppressed: true }]
    : [];
  return (
    <figure class="chart" id={id} aria-labelledby={`${id}-title`}>
      <FigureCaption id={id} title={title} caption={caption} note={suppressedCount ? privacyNote(k) : null} />
      <ScrollRegion label={`${title}, chart`}>
        <HorizontalBars
          prefix={id}
          title={title}
          summary={summary}
          unit={unit}
          groups={items.map((i) => ({ label: i.name, bars: [{ series: 0, shown: i.shown }] }))}
          seriesCount={1}
          legend={legend}
        />
      </ScrollRegion>
      <table class="chart-table">
        {/* Hidden: the figure's visible caption already titles it; this names the table for
            screen-reader table navigation. */}
        <caption class="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{labelHeading}</th>
            <th scope="col" class="num">
              {`Number of ${unit}`}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((i, n) => (
            <tr key={n}>
              <th scope="row">{i.name}</th>
              <td class="num">{i.shown.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/**
 * Grouped horizontal bars, one bar per series in each category, with a legend that pairs every
 * colour with a pattern, and a table with exact totals. Grouped rather than stacked: a stacked bar
 * would either reveal a suppressed segment through the stack's end or draw a total that is not the
 * real one; side by side, every bar stands alone.
 */
export function SeriesChart({
  title,
  id,
  unit,
  categories,
  series,
  k,
  caption,
  labelHeading = 'Category',
}: SeriesChartProps) {
  checkChartArgs(id, k);
  for (const s of series)
    if (s.values.length !== categories.length)
      throw new RangeError(
        `series "${s.name}" has ${s.values.length} values for ${categories.length} categories`,
      );
  if (categories.length === 0 || series.length === 0)
    return <NoData id={id} title={title} unit={unit} caption={caption} />;

  const cells = categories.map((_, c) => series.map((s) => shown(s.values[c]!, k)));
  const flat = categories.flatMap((cat, c) =>
    series.map((s, si) => ({ name: `${s.name} in ${cat}`, shown: cells[c]![si]! })),
  );
  const suppressedCount = flat.filter((i) => i.shown.suppressed).length;
  const keyText = series.map((s, i) => `${s.name} (${styleOf(i).name})`).join(', ');
  const summary =
    `Grouped bar chart of ${unit} for ${plural(categories.length, 'row', 'rows')}, one bar each for ${keyText}. ` +
    `${largestSentence(flat, unit)}${suppressedSentence(suppressedCount, k, unit)}` +
    ' The table after the chart lists every value, with totals.';
  const legend: LegendEntry[] = series.map((s, i) => ({ text: s.name, series: i, suppressed: false }));
  if (suppressedCount)
    legend.push({
      text: `Hatched, dashed outline: ${k} or fewer ${unit}, exact count withheld`,
      series: NEUTRAL,
      suppressed: true,
    });

  // Totals add the exact counts, then go through the same suppression: exact when 0 or above k,
  // "k or fewer" when the total itself is from 1 to k (G7).
  const sum = (ns: number[]): number => ns.reduce((a, b) => a + b, 0);
  const rowTotals = categories.map((_, c) => sum(series.map((s) => s.values[c]!)));
  const colTotals = series.map((s) => sum(s.values));
  const grand = sum(rowTotals);

  return (
    <figure class="chart" id={id} aria-labelledby={`${id}-title`}>
      <FigureCaption id={id} title={title} caption={caption} note={suppressedCount ? privacyNote(k) : null} />
      <ScrollRegion label={`${title}, chart`}>
        <HorizontalBars
          prefix={id}
          title={title}
          summary={summary}
          unit={unit}
          groups={categories.map((cat, c) => ({
            label: cat,
            bars: series.map((_, si) => ({ series: si, shown: cells[c]![si]! })),
          }))}
          seriesCount={series.length}
          legend={legend}
        />
      </ScrollRegion>
      <ScrollRegion label={`${title}, table`}>
        <table class="chart-table">
          <caption class="visually-hidden">{`${title}: number of ${unit}`}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeading}</th>
              {series.map((s, si) => (
                <th key={si} scope="col" class="num">
                  {s.name}
                </th>
              ))}
              <th scope="col" class="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {categories.map((cat, c) => (
              <tr key={c}>
                <th scope="row">{cat}</th>
                {cells[c]!.map((s, si) => (
                  <td key={si} class="num">
                    {s.text}
                  </td>
                ))}
                <td class="num chart-total">{suppressedText(rowTotals[c]!, k)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              {colTotals.map((t, si) => (
                <td key={si} class="num chart-total">
                  {suppressedText(t, k)}
                </td>
              ))}
              <td class="num chart-total">{suppressedText(grand, k)}</td>
            </tr>
          </tfoot>
        </table>
      </ScrollRegion>
    </figure>
  );
}
