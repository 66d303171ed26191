// Values as a chart shows them (stats/chart.tsx): suppression of counts from 1 to k (G7), the
// scale of the axis, label truncation, and the sentences that summarise a chart for screen readers.
import { suppress, suppressedText } from './suppress.ts';
import { plural } from '../plural.ts';

/** What a count looks like once suppression applies: its text and the length its bar is drawn to. */
export interface Shown {
  text: string;
  bar: number;
  suppressed: boolean;
}

export function shown(value: number, k: number): Shown {
  // Counts only: a negative or fractional "count" is a caller's bug, better loud than drawn.
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`not a count: ${value}`);
  const s = suppress(value, k);
  return s.kind === 'at-most'
    ? { text: suppressedText(value, k), bar: s.k, suppressed: true }
    : { text: suppressedText(value, k), bar: s.value, suppressed: false };
}

export function checkChartArgs(id: string, k: number): void {
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

/** "A", "A and B", "A, B and 3 more" — for naming the rows that share the largest value. */
function nameSome(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} more`;
}

/** Summary sentence about the largest shown value; ties are named, so no order among them is implied. */
export function largestSentence(items: Array<{ name: string; shown: Shown }>, unit: string): string {
  const top = Math.max(...items.map((i) => i.shown.bar));
  if (top === 0) return `Every value is 0 ${unit}.`;
  const at = items.filter((i) => i.shown.bar === top);
  return `Largest: ${at[0]!.shown.text} ${unit}, for ${nameSome(at.map((i) => i.name))}.`;
}

export function suppressedSentence(count: number, k: number, unit: string): string {
  if (count === 0) return '';
  const exact = count === 1 ? 'its exact count is' : 'their exact counts are';
  return ` ${plural(count, 'bar shows', 'bars show')} ${k} or fewer ${unit} (hatched); ${exact} withheld.`;
}

export function privacyNote(k: number): string {
  const which = k === 1 ? 'A count of 1 is' : `Counts from 1 to ${k} are`;
  return `${which} shown as “${k} or fewer” and drawn as hatched bars with a dashed outline, so that no one can be singled out.`;
}
