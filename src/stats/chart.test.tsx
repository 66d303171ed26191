// The statistics charts: G7 suppression holds everywhere in the output (the strongest check: data
// that differs only inside 1..k renders identically), the chart and its table stay accessible,
// and awkward data — all zero, one row, 60 rows, long or hostile labels — renders sensibly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToString } from 'preact-render-to-string';
import { BarChart, SeriesChart, niceScale, truncateLabel } from './chart.tsx';

const K = 5;
const letter = (i: number): string => `Category ${String.fromCharCode(65 + i)}`;

/** Values 0..12 under labels without digits, with the suppressed ones (1..5) replaced by `fill`. */
function zeroToTwelve(fill: (v: number) => number = (v) => v) {
  return Array.from({ length: 13 }, (_, v) => ({ label: letter(v), value: v >= 1 && v <= K ? fill(v) : v }));
}

const renderBar = (rows: Array<{ label: string; value: number }>, extra: { caption?: string } = {}) =>
  renderToString(<BarChart title="Questions by type" id="q" unit="questions" rows={rows} k={K} {...extra} />);

/** Text between tags, with the few entities preact writes decoded. */
function textNodes(html: string): string[] {
  return [...html.matchAll(/>([^<]+)</g)].map((m) =>
    m[1]!.replaceAll('&lt;', '<').replaceAll('&quot;', '"').replaceAll('&amp;', '&'),
  );
}
const cellsOf = (html: string, tag: 'td' | 'th'): string[] =>
  [...html.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);
const valueLabels = (html: string): string[] =>
  [...html.matchAll(/<text class="chart-text chart-value"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const withoutTicks = (html: string): string =>
  html.replace(/<text class="chart-text chart-tick"[^>]*>[^<]*<\/text>/g, '');
const attr = (tag: string, name: string): string | undefined =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

test('G7: data differing only in counts from 1 to k renders byte for byte the same', () => {
  const base = renderBar(zeroToTwelve());
  for (const fill of [() => 1, () => K, (v: number) => K + 1 - v, (v: number) => (v % 2) + 1])
    assert.equal(renderBar(zeroToTwelve(fill)), base);
});

test('G7: no count from 1 to k is written in the table, the bar labels or the summary', () => {
  const html = renderBar(zeroToTwelve());
  const tds = cellsOf(html, 'td');
  assert.deepEqual(tds, ['0', ...Array(K).fill('5 or fewer'), '6', '7', '8', '9', '10', '11', '12']);
  assert.deepEqual(valueLabels(html), tds);
  // Every text node, bar the axis tick labels (numbers on the scale, not counts) and the note
  // explaining the rule ("Counts from 1 to 5 …"), is free of any standalone 1, 2, 3 or 4.
  const note = /Counts from 1 to 5 are shown/;
  const texts = textNodes(withoutTicks(html)).filter((t) => !note.test(t));
  for (const t of texts) assert.doesNotMatch(t, /(^|[^\d.])[1-4]($|[^\d.])/, `reveals a small count: ${t}`);
  assert.match(html, note);
  assert.match(
    html,
    /<desc [^>]*>[^<]*5 bars show 5 or fewer questions \(hatched\); their exact counts are withheld/,
  );
});

test('G7: every suppressed bar is drawn the same, hatched, to length k; zero draws no bar', () => {
  const html = renderBar(zeroToTwelve());
  const rects = [...html.matchAll(/<rect class="chart-bar[^"]*"[^>]*>/g)].map((m) => m[0]);
  // The legend's swatch is a suppressed bar too; the rest are one per non-zero row.
  const legendSwatch = rects.shift()!;
  assert.match(legendSwatch, /chart-suppressed/);
  assert.equal(rects.length, 12, 'the zero row has no bar');
  const suppressed = rects.filter((r) => r.includes('chart-suppressed'));
  assert.equal(suppressed.length, K);
  assert.equal(new Set(suppressed.map((r) => attr(r, 'width'))).size, 1);
  assert.ok(
    suppressed.every((r) => attr(r, 'stroke-dasharray') && attr(r, 'fill')?.startsWith('url(#q-hatch-')),
  );
  // Drawn to k: half the length of the exact bar for 10 (the suppressed bar is inset by its stroke).
  const ten = rects.filter((r) => !r.includes('chart-suppressed'))[4]!; // 6, 7, 8, 9, 10
  const drawn = Number(attr(suppressed[0]!, 'width')) + 1.5;
  assert.ok(Math.abs(drawn - Number(attr(ten, 'width')) / 2) < 0.02, `${drawn}`);
});

test('accessible pattern: named SVG image, visible caption, a real table with headers', () => {
  const html = renderBar(zeroToTwelve(), { caption: 'July 2025, all branches' });
  assert.match(html, /<figure class="chart" id="q" aria-labelledby="q-title">/);
  assert.match(html, /<p class="chart-title" id="q-title">Questions by type<\/p>/);
  assert.match(html, /<p class="chart-caption">July 2025, all branches<\/p>/);
  const svg = /<svg [^>]*>/.exec(html)![0];
  assert.equal(attr(svg, 'role'), 'img');
  for (const id of attr(svg, 'aria-labelledby')!.split(' ')) assert.match(html, new RegExp(`id="${id}"`));
  assert.match(html, /<title id="q-svg-title">Questions by type<\/title>/);
  assert.match(
    html,
    /<desc id="q-svg-desc">Bar chart of questions for 13 rows\. Largest: 12 questions, for Category M\./,
  );
  assert.match(html, /<th scope="col">Category<\/th><th scope="col" class="num">Number of questions<\/th>/);
  assert.equal(cellsOf(html, 'th').filter((t) => t.startsWith('Category ')).length, 13);
  // No inline styles anywhere: the CSP allows only the site stylesheet.
  assert.doesNotMatch(html, /style=|<style/);
  // The table follows the chart, always visible (no <details> to open).
  assert.ok(html.indexOf('<svg') < html.indexOf('<table'));
  assert.doesNotMatch(html, /<details/);
});

test('graphics meet 3:1 and text 4.5:1 against white; each series has its own pattern', () => {
  const luminance = (hex: string): number => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const onWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);
  const html = renderToString(
    <SeriesChart
      title="T"
      id="s"
      unit="questions"
      k={K}
      categories={['Jan', 'Feb']}
      series={Array.from({ length: 8 }, (_, i) => ({ name: `Series ${i}`, values: [i, 10 + i] }))}
    />,
  );
  const bars = [...html.matchAll(/<rect class="chart-bar[^"]*"[^>]*>/g)].map((m) => m[0]);
  for (const b of bars) assert.ok(onWhite(attr(b, 'stroke')!) >= 3, b);
  for (const m of html.matchAll(/<text [^>]*fill="(#[0-9a-f]{6})"/g)) assert.ok(onWhite(m[1]!) >= 4.5, m[0]);
  // Legend swatches (the first eight bars) pair each series with a distinct colour and fill:
  // a swatch's look is its outline colour plus its fill, or the markup of the pattern it uses.
  const look = (b: string): string => {
    const fill = attr(b, 'fill')!;
    const id = /^url\(#(.+)\)$/.exec(fill)?.[1];
    const pattern = id ? new RegExp(`<pattern id="${id}"([\\s\\S]*?)</pattern>`).exec(html)![1] : fill;
    return `${attr(b, 'stroke')} ${pattern}`;
  };
  assert.equal(new Set(bars.slice(0, 8).map(look)).size, 8);
  const patterned = bars.slice(0, 8).filter((b) => attr(b, 'fill')!.startsWith('url('));
  assert.equal(patterned.length, 7, 'only the first series is a plain fill');
});

test('all-zero data: zero is zero, no bars, no privacy note, an axis from 0 to 1', () => {
  const html = renderBar([
    { label: 'A', value: 0 },
    { label: 'B', value: 0 },
  ]);
  assert.deepEqual(cellsOf(html, 'td'), ['0', '0']);
  assert.deepEqual(valueLabels(html), ['0', '0']);
  assert.doesNotMatch(html, /<rect class="chart-bar/);
  assert.doesNotMatch(html, /or fewer/);
  assert.match(html, /Every value is 0 questions\./);
  assert.doesNotMatch(html, /NaN|Infinity/);
});

test('one row, and no rows at all', () => {
  const one = renderBar([{ label: 'Only', value: 1234 }]);
  assert.deepEqual(cellsOf(one, 'td'), ['1234']);
  assert.match(one, /Bar chart of questions for 1 row\. Largest: 1234 questions, for Only\./);
  const ticks = [...one.matchAll(/chart-tick"[^>]*>(\d+)</g)].map((m) => m[1]);
  assert.deepEqual(ticks, ['0', '200', '400', '600', '800', '1000', '1200', '1400']);
  const none = renderBar([]);
  assert.match(none, /No questions to show\./);
  assert.doesNotMatch(none, /<svg|<table/);
});

test('60 rows: labels one per line, never overlapping; long labels shortened, whole in the table', () => {
  const long = 'Help with e-readers, tablets, phones and the library app at home';
  const rows = Array.from({ length: 60 }, (_, i) => ({
    label: i === 30 ? long : `Day ${i + 1}`,
    value: i * 7,
  }));
  const html = renderBar(rows);
  const labels = [
    ...html.matchAll(/<text class="chart-text chart-label"[^>]*\sy="([\d.]+)"[^>]*font-size="(\d+)"/g),
  ];
  assert.equal(labels.length, 60);
  for (let i = 1; i < labels.length; i++) {
    const gap = Number(labels[i]![1]) - Number(labels[i - 1]![1]);
    assert.ok(gap >= Number(labels[i]![2]) * 1.2, `labels ${i - 1} and ${i} overlap`);
  }
  assert.match(
    html,
    /<title>Help with e-readers, tablets, phones and the library app at home<\/title>Help with e-readers…</,
  );
  assert.ok(cellsOf(html, 'th').includes(long));
  assert.equal(cellsOf(html, 'td').length, 60);
  // The SVG grows to hold them rather than squeezing.
  assert.ok(Number(attr(/<svg [^>]*>/.exec(html)![0], 'height')) > 60 * 18);
});

test('labels, titles and units with < > & " are escaped in text and attributes', () => {
  const evil = '<script>alert("x")</script> & co';
  const html = renderToString(
    <BarChart title={`Title ${evil}`} id="e" unit='"units"' rows={[{ label: evil, value: 9 }]} k={K} />,
  );
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /&lt;script>alert\(&quot;x&quot;\)&lt;\/script> &amp; co/);
  assert.match(html, /aria-label="Title &lt;script>alert\(&quot;x&quot;\)&lt;\/script> &amp; co, chart"/);
  assert.ok(textNodes(html).includes(evil));
});

test('SeriesChart: suppressed cells, exact totals above k, suppressed totals from 1 to k', () => {
  const html = renderToString(
    <SeriesChart
      title="Questions by month"
      id="m"
      unit="questions"
      k={K}
      labelHeading="Month"
      categories={['Jan', 'Feb', 'Mar']}
      series={[
        { name: 'Adult', values: [3, 10, 0] },
        { name: 'Teen', values: [0, 7, 2] },
      ]}
    />,
  );
  assert.deepEqual(cellsOf(html, 'th'), ['Month', 'Adult', 'Teen', 'Total', 'Jan', 'Feb', 'Mar', 'Total']);
  // Rows: Jan 3+0 = 3 (suppressed), Feb 17, Mar 2 (suppressed); columns 13 and 9; grand total 22.
  assert.deepEqual(cellsOf(html, 'td'), [
    ...['5 or fewer', '0', '5 or fewer'],
    ...['10', '7', '17'],
    ...['0', '5 or fewer', '5 or fewer'],
    ...['13', '9', '22'],
  ]);
  assert.match(html, /<tfoot><tr><th scope="row">Total<\/th>/);
  // Legend and summary name the series and how each is drawn.
  assert.match(html, /one bar each for Adult \(solid\), Teen \(diagonal stripes\)/);
  assert.match(html, /Hatched, dashed outline: 5 or fewer questions, exact count withheld/);
  const zeroSeries = renderToString(
    <SeriesChart
      title="Z"
      id="z"
      unit="visits"
      k={K}
      categories={['Mon']}
      series={[{ name: 'Web', values: [0] }]}
    />,
  );
  assert.deepEqual(cellsOf(zeroSeries, 'td'), ['0', '0', '0', '0']);
});

test('SeriesChart: G7 — the chart is identical whatever the counts inside 1..k are', () => {
  const chart = (a: number, b: number) =>
    renderToString(
      <SeriesChart
        title="T"
        id="t"
        unit="questions"
        k={K}
        categories={['Jan', 'Feb']}
        series={[
          { name: 'Adult', values: [a, 20] },
          { name: 'Teen', values: [12, b] },
        ]}
      />,
    );
  const svgOf = (html: string) => /<svg[\s\S]*<\/svg>/.exec(html)![0];
  const base = svgOf(chart(1, 5));
  assert.equal(svgOf(chart(5, 1)), base);
  assert.equal(svgOf(chart(3, 3)), base);
  assert.doesNotMatch(withoutTicks(base), />[1-4]</);
});

test('bad input is refused loudly: odd ids, negative or fractional counts, ragged series', () => {
  assert.throws(() => renderBar([{ label: 'A', value: -1 }]), RangeError);
  assert.throws(() => renderBar([{ label: 'A', value: 2.5 }]), RangeError);
  assert.throws(
    () => renderToString(<BarChart title="T" id="has space" unit="u" rows={[]} k={K} />),
    RangeError,
  );
  assert.throws(
    () =>
      renderToString(
        <SeriesChart
          title="T"
          id="x"
          unit="u"
          k={K}
          categories={['a', 'b']}
          series={[{ name: 's', values: [1] }]}
        />,
      ),
    /has 1 values for 2 categories/,
  );
});

test('niceScale: round steps of 1, 2 or 5 × 10ⁿ covering the maximum', () => {
  assert.deepEqual(niceScale(0), { max: 1, ticks: [0, 1] });
  assert.deepEqual(niceScale(5), { max: 5, ticks: [0, 1, 2, 3, 4, 5] });
  assert.deepEqual(niceScale(12), { max: 12, ticks: [0, 2, 4, 6, 8, 10, 12] });
  assert.deepEqual(niceScale(12, 3), { max: 15, ticks: [0, 5, 10, 15] });
  assert.deepEqual(niceScale(100), { max: 100, ticks: [0, 20, 40, 60, 80, 100] });
  assert.deepEqual(niceScale(1001), { max: 1200, ticks: [0, 200, 400, 600, 800, 1000, 1200] });
  for (let max = 1; max < 5000; max += 37) {
    const s = niceScale(max);
    assert.ok(s.max >= max && s.ticks.length >= 2 && s.ticks.length <= 8, `${max}`);
    assert.ok(s.max < max * 2.5, `${max}: axis to ${s.max} wastes space`);
    assert.ok(s.ticks.every(Number.isInteger));
  }
});

test('truncateLabel cuts whole characters and marks the cut', () => {
  assert.equal(truncateLabel('Short', 10), 'Short');
  assert.equal(truncateLabel('Exactly ten', 11), 'Exactly ten');
  assert.equal(truncateLabel('Reference questions', 10), 'Reference…');
  // A family emoji is one character of several code points; it is kept whole or not at all.
  assert.equal(truncateLabel('ab👨‍👩‍👧cd', 4), 'ab👨‍👩‍👧…');
});
