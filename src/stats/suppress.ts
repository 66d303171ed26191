// Small-count suppression (G7): any statistic Carrel shows or exports hides counts from 1 to k so
// no one person can be singled out. Zero is shown as zero; totals are computed from the exact
// counts and shown exactly.

export type Suppressed = { kind: 'exact'; value: number } | { kind: 'at-most'; k: number };

export function suppress(count: number, k: number): Suppressed {
  return count >= 1 && count <= k ? { kind: 'at-most', k } : { kind: 'exact', value: count };
}

/** The text for a page or a CSV cell, e.g. "12", "0" or "5 or fewer" (true, and never exact). */
export function suppressedText(count: number, k: number): string {
  const s = suppress(count, k);
  return s.kind === 'exact' ? String(s.value) : `${s.k} or fewer`;
}
