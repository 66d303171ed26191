// The SVG of a horizontal bar chart (stats/chart.tsx): palette, fill patterns, bars, axis and
// legend. Everything is drawn from shown values only (chart-values.ts), so a count from 1 to k
// never reaches the picture (G7).
import type { VNode } from 'preact';
import { niceScale, truncateLabel, type Shown } from './chart-values.ts';

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
export const NEUTRAL = -1;

/** Style for the i-th series; past six, colour and pattern shift apart so combinations stay unique. */
export function styleOf(i: number): { colour: string; pattern: SeriesStyle['pattern']; name: string } {
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

const textWidth = (text: string, size: number): number => Array.from(text).length * size * CHAR_EM;
const round = (n: number): number => Math.round(n * 100) / 100;

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

export interface LegendEntry {
  text: string;
  series: number;
  suppressed: boolean;
}

/** The SVG shared by both charts: optional legend, one group of bars per label, axis at the foot. */
export function HorizontalBars(p: {
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
