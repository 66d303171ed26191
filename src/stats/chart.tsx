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
import type { VNode } from 'preact';
import { ScrollRegion } from '../http/layout.tsx';
import { suppress, suppressedText } from './suppress.ts';
import { plural } from '../plural.ts';

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

// The site's palette (src/http/assets/site.css). Repeated here because SVG presentation
// attributes cannot read CSS custom properties reliably, and the chart should draw correctly even
// before the stylesheet arrives.
const INK = '#1b1b1b'; // 16.9:1 on white
const MUTED = '#4a4a4a'; // 8.9:1
const GRID = '#c9c5bc'; // decorative only: every bar carries its value as text
const PAPER = '#ffffff';

// Series colours, each at least 4.8:1 against white (WCAG 1.4.11 asks 3:1 for graphics), and each
// paired with its own fill pattern so that no series is told apart by colour alone (1.4.1).
// Adjacent bars are separated by a white gap, so neighbours need no contrast with each other.
const SERIES_STYLES = [
  { colour: '#0b4f6c', pattern: 'solid', name: 'solid' }, // 8.9:1, the site accent
  { colour: '#b35900', pattern: 'diagonal', name: 'diagonal stripes' }, // 4.8:1
  { colour: '#6a3d9a', pattern: 'dots', name: 'dots' }, // 7.6:1
  { colour: '#1e6b34', pattern: 'cross', name: 'cross-hatch' }, // 6.6:1
  { colour: '#a6266e', pattern: 'horizontal', name: 'horizontal stripes' }, // 6.7:1
  { colour: '#4a4a4a', pattern: 'vertical', name: 'vertical stripes' }, // 8.9:1
] as const;
type SeriesStyle = (typeof SERIES_STYLES)[number];

/** The legend's key to suppressed bars in a multi-series chart, which belongs to no one series. */
const NEUTRAL = -1;

/** Style for the i-th series; past six, colour and pattern shift apart so combinations stay unique. */
function styleOf(i: number): { colour: string; pattern: SeriesStyle['pattern']; name: string } {
  if (i === NEUTRAL) return { colour: MUTED, pattern: 'solid', name: 'grey' };
  const n = SERIES_STYLES.length;
  const c = SERIES_STYLES[i % n]!;
  const p = SERIES_STYLES[(i + Math.floor(i / n)) % n]!;
  return { colour: c.colour, pattern: p.pattern, name: p.name };
}

// Geometry in viewBox units. The SVG is shown at about 1 unit = 1 CSS px (see .chart-svg in
// site.css), so FONT is a 14 px label.
const WIDTH = 720;
const FONT = 14;
const SMALL = 13;
/** Average glyph width as a share of the font size; generous, so estimates err towards fitting. */
const CHAR_EM = 0.6;
const LABEL_COLUMN = 200;
const GAP = 8;
const LEGEND_PITCH = 22;
const AXIS_SPACE = 50;

/** What a count looks like once suppression applies: its text and the length its bar is drawn to. */
interface Shown {
  text: string;
  bar: number;
  suppressed: boolean;
}

function shown(value: number, k: number): Shown {
  // Counts only: a negative or fractional "count" is a caller's bug, better loud than drawn.
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`not a count: ${value}`);
  const s = suppress(value, k);
  return s.kind === 'at-most'
    ? { text: suppressedText(value, k), bar: s.k, suppressed: true }
    : { text: suppressedText(value, k), bar: s.value, suppressed: false };
}

function checkChartArgs(id: string, k: number): void {
  // The id is spliced into url(#…) fill references and aria-labelledby lists, where a space or a
  // parenthesis would silently break the patterns or the accessible name.
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) throw new RangeError(`chart id must be a simple HTML id: ${id}`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a whole number: ${k}`);
}

/**
 * An axis from 0 to a round maximum at or above `max`: the finest step of 1, 2 or 5 times a power
 * of ten that needs at most `maxIntervals` intervals, so the axis ends close to the longest bar.
 * All-zero data gets an axis from 0 to 1, so its zero-length bars still sit on a visible scale.
 */
export function niceScale(max: number, maxIntervals = 7): { max: number; ticks: number[] } {
  if (!Number.isFinite(max)) throw new RangeError(`no scale for ${max}`);
  if (max <= 0) max = 1;
  const limit = Math.max(1, Math.floor(maxIntervals));
  // Whole-number steps only (counts), found by stepping up through the powers of ten rather than
  // with Math.log10, whose floating-point result can land just under a power of ten.
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const m of [1, 2, 5]) {
      const step = m * magnitude;
      const intervals = Math.ceil(max / step);
      if (intervals <= limit)
        return { max: intervals * step, ticks: Array.from({ length: intervals + 1 }, (_, i) => i * step) };
    }
  }
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Shortens a label to at most maxChars user-perceived characters, ending with "…" when cut. */
export function truncateLabel(label: string, maxChars: number): string {
  // Cutting by grapheme keeps emoji and accented letters whole (never half a surrogate pair).
  const parts = Array.from(graphemes.segment(label), (s) => s.segment);
  if (parts.length <= maxChars) return label;
  // Trailing spaces and separators go too: "Help with e-readers…", not "Help with e-readers,…".
  const kept = parts
    .slice(0, Math.max(1, maxChars - 1))
    .join('')
    .replace(/[\s,;:.\-–—]+$/u, '');
  return `${kept || parts[0]}…`;
}

const textWidth = (text: string, size: number): number => Array.from(text).length * size * CHAR_EM;
const round = (n: number): number => Math.round(n * 100) / 100;

/** "A", "A and B", "A, B and 3 more" — for naming the rows that share the largest value. */
function nameSome(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} more`;
}

/** Summary sentence about the largest shown value; ties are named, so no order among them is implied. */
function largestSentence(items: Array<{ name: string; shown: Shown }>, unit: string): string {
  const top = Math.max(...items.map((i) => i.shown.bar));
  if (top === 0) return `Every value is 0 ${unit}.`;
  const at = items.filter((i) => i.shown.bar === top);
  return `Largest: ${at[0]!.shown.text} ${unit}, for ${nameSome(at.map((i) => i.name))}.`;
}

function suppressedSentence(count: number, k: number, unit: string): string {
  if (count === 0) return '';
  const exact = count === 1 ? 'its exact count is' : 'their exact counts are';
  return ` ${plural(count, 'bar shows', 'bars show')} ${k} or fewer ${unit} (hatched); ${exact} withheld.`;
}

function privacyNote(k: number): string {
  const which = k === 1 ? 'A count of 1 is' : `Counts from 1 to ${k} are`;
  return `${which} shown as “${k} or fewer” and drawn as hatched bars with a dashed outline, so that no one can be singled out.`;
}

/** Fill patterns, one per series, plus the hatching for suppressed bars in each series' colour. */
function Patterns({ prefix, count }: { prefix: string; count: number }) {
  const defs: VNode[] = [];
  for (let i = NEUTRAL; i < count; i++) {
    const { colour, pattern } = styleOf(i);
    // Series patterns are white marks on the series colour, so most of each bar is the colour and
    // the bar keeps its 3:1 edge against the page; the marks are the second channel.
    const id = `${prefix}-fill-${i}`; // i = -1 (NEUTRAL) is solid and needs only its hatching
    const base = <rect width="12" height="12" fill={colour} />;
    if (pattern === 'diagonal')
      defs.push(
        <pattern id={id} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
          {base}
          <rect width="2" height="6" fill={PAPER} />
        </pattern>,
      );
    else if (pattern === 'dots')
      defs.push(
        <pattern id={id} patternUnits="userSpaceOnUse" width="6" height="6">
          {base}
          <circle cx="3" cy="3" r="1.4" fill={PAPER} />
        </pattern>,
      );
    else if (pattern === 'cross')
      defs.push(
        <pattern id={id} patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">
          {base}
          <rect width="1.5" height="7" fill={PAPER} />
          <rect width="7" height="1.5" fill={PAPER} />
        </pattern>,
      );
    else if (pattern === 'horizontal')
      defs.push(
        <pattern id={id} patternUnits="userSpaceOnUse" width="6" height="5">
          {base}
          <rect width="6" height="1.5" fill={PAPER} />
        </pattern>,
      );
    else if (pattern === 'vertical')
      defs.push(
        <pattern id={id} patternUnits="userSpaceOnUse" width="5" height="6">
          {base}
          <rect width="1.5" height="6" fill={PAPER} />
        </pattern>,
      );
    // Suppressed: the opposite weight — thin coloured hatching on white — so it can never be
    // mistaken for any series' (mostly coloured) fill.
    defs.push(
      <pattern
        id={`${prefix}-hatch-${i}`}
        patternUnits="userSpaceOnUse"
        width="6"
        height="6"
        patternTransform="rotate(-45)"
      >
        <rect width="6" height="6" fill={PAPER} />
        <rect width="1.5" height="6" fill={colour} />
      </pattern>,
    );
  }
  return <defs>{defs}</defs>;
}

/** One bar: solid or patterned when exact, hatched with a dashed outline when suppressed. */
function Bar(p: {
  prefix: string;
  series: number;
  x: number;
  y: number;
  w: number;
  h: number;
  shown: Shown;
}) {
  if (p.w <= 0) return null; // zero is drawn as no bar at all; its "0" label still shows
  const { colour, pattern } = styleOf(p.series);
  if (p.shown.suppressed)
    return (
      <rect
        class="chart-bar chart-suppressed"
        x={round(p.x + 0.75)}
        y={round(p.y + 0.75)}
        width={round(p.w - 1.5)}
        height={round(p.h - 1.5)}
        fill={`url(#${p.prefix}-hatch-${p.series})`}
        stroke={colour}
        stroke-width="1.5"
        stroke-dasharray="5 3"
      />
    );
  return (
    <rect
      class="chart-bar"
      x={round(p.x)}
      y={round(p.y)}
      width={round(p.w)}
      height={round(p.h)}
      fill={pattern === 'solid' ? colour : `url(#${p.prefix}-fill-${p.series})`}
      stroke={colour}
      stroke-width="1"
    />
  );
}

interface Group {
  label: string;
  bars: Array<{ series: number; shown: Shown }>;
}

interface LegendEntry {
  text: string;
  series: number;
  suppressed: boolean;
}

/** The SVG shared by both charts: optional legend, one group of bars per label, axis at the foot. */
function HorizontalBars(p: {
  prefix: string;
  title: string;
  summary: string;
  unit: string;
  groups: Group[];
  seriesCount: number;
  legend: LegendEntry[];
}) {
  const perGroup = p.seriesCount;
  // A single bar per group gets a thick bar; several share the group's height.
  const barH = perGroup === 1 ? 18 : 13;
  const barStep = barH + 4;
  const groupGap = perGroup === 1 ? 8 : 12;
  const groupH = perGroup * barStep - 4 + groupGap;

  const allShown = p.groups.flatMap((g) => g.bars.map((b) => b.shown));
  const longest = Math.max(0, ...allShown.map((s) => s.bar));
  const valueSpace = Math.max(40, ...allShown.map((s) => textWidth(s.text, SMALL))) + GAP;
  const plotX = LABEL_COLUMN;
  const plotW = WIDTH - plotX - valueSpace - GAP;
  // As many ticks as fit without their labels touching (the top tick is at most about 1.5× the
  // longest bar, so its width bounds every label's).
  const tickRoom = textWidth(String(Math.ceil(longest * 1.5)), SMALL) + 2 * GAP;
  const scale = niceScale(longest, Math.min(7, Math.floor(plotW / tickRoom)));
  const len = (v: number): number => (v / scale.max) * plotW;

  const legendTop = 8;
  const plotTop = legendTop + (p.legend.length ? p.legend.length * LEGEND_PITCH + 10 : 0);
  const plotH = p.groups.length * groupH;
  const height = plotTop + plotH + AXIS_SPACE;
  const labelChars = Math.floor((LABEL_COLUMN - 2 * GAP) / (FONT * CHAR_EM));
  const legendChars = Math.floor((WIDTH - 40) / (FONT * CHAR_EM));
  const titleId = `${p.prefix}-svg-title`;
  const descId = `${p.prefix}-svg-desc`;

  return (
    <svg
      class="chart-svg"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
    >
      <title id={titleId}>{p.title}</title>
      <desc id={descId}>{p.summary}</desc>
      <Patterns prefix={p.prefix} count={p.seriesCount} />
      {p.legend.map((e, i) => {
        const y = legendTop + i * LEGEND_PITCH;
        const shownLike: Shown = { text: '', bar: 1, suppressed: e.suppressed };
        return (
          <g key={`legend-${i}`} class="chart-legend">
            <Bar prefix={p.prefix} series={e.series} x={GAP} y={y + 3} w={22} h={14} shown={shownLike} />
            <text class="chart-text" x={GAP + 30} y={y + 10} dy="0.35em" font-size={FONT} fill={INK}>
              {truncateLabel(e.text, legendChars)}
            </text>
          </g>
        );
      })}
      {scale.ticks.map((t) => (
        <line
          key={`grid-${t}`}
          class={t === 0 ? 'chart-axis' : 'chart-grid'}
          x1={round(plotX + len(t))}
          x2={round(plotX + len(t))}
          y1={plotTop - 4}
          y2={plotTop + plotH}
          stroke={t === 0 ? INK : GRID}
          stroke-width="1"
        />
      ))}
      {p.groups.map((g, gi) => {
        const top = plotTop + gi * groupH + groupGap / 2;
        const label = truncateLabel(g.label, labelChars);
        return (
          <g key={`group-${gi}`}>
            <text
              class="chart-text chart-label"
              x={plotX - GAP}
              y={round(top + (groupH - groupGap) / 2)}
              dy="0.35em"
              text-anchor="end"
              font-size={FONT}
              fill={INK}
            >
              {/* A hover tooltip for mouse users; the full label is always in the table. */}
              {label !== g.label && <title>{g.label}</title>}
              {label}
            </text>
            {g.bars.map((b, bi) => {
              const y = top + bi * barStep;
              const w = len(b.shown.bar);
              return (
                <g key={`bar-${gi}-${bi}`}>
                  <Bar prefix={p.prefix} series={b.series} x={plotX} y={y} w={w} h={barH} shown={b.shown} />
                  <text
                    class="chart-text chart-value"
                    x={round(plotX + w + 6)}
                    y={round(y + barH / 2)}
                    dy="0.35em"
                    font-size={SMALL}
                    fill={INK}
                  >
                    {b.shown.text}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      {scale.ticks.map((t) => (
        <text
          key={`tick-${t}`}
          class="chart-text chart-tick"
          x={round(plotX + len(t))}
          y={plotTop + plotH + 18}
          text-anchor="middle"
          font-size={SMALL}
          fill={MUTED}
        >
          {t}
        </text>
      ))}
      <text
        class="chart-text"
        x={round(plotX + plotW / 2)}
        y={plotTop + plotH + 40}
        text-anchor="middle"
        font-size={SMALL}
        fill={MUTED}
      >
        {`Number of ${p.unit}`}
      </text>
    </svg>
  );
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
