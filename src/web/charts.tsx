// Bar charts as plain SVG, drawn on the server: no script, nothing from another origin, and they
// say their numbers in text (a label on every bar, the SVG's title and description for screen
// readers, and the table the pages put next to them). The geometry is a pure function, tested in
// test/unit/web-charts.test.ts; colours are attributes, not inline styles, so the strict
// Content-Security-Policy (no 'unsafe-inline') holds.

export interface Series {
  name: string;
  /** one value per category; null: no figure (drawn as "—", no bar) */
  values: (number | null)[];
  /** fill colour with at least 3:1 contrast on white (WCAG 1.4.11) */
  color: string;
}

export interface ChartSpec {
  /** unique on the page: ids of the title and description */
  id: string;
  title: string;
  categories: string[];
  series: Series[];
  /** the value of a full bar (1 for rates, the largest count for counts) */
  max: number;
  format: (v: number | null) => string;
}

export interface Bar {
  series: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number | null;
  label: string;
  /** where the value label goes */
  labelX: number;
  labelY: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plotX: number;
  plotWidth: number;
  rows: { label: string; y: number; bars: Bar[] }[];
  /** gridlines at 0, 25, 50, 75 and 100% of max */
  grid: { x: number; label: string }[];
}

const WIDTH = 640;
const LABEL_MIN = 72;
const LABEL_MAX = 240;
const VALUE_W = 56;
const BAR_H = 16;
const BAR_GAP = 4;
const GROUP_GAP = 14;
const TOP = 24;

/** Roughly how wide a label is at 13px: full-width (CJK) characters twice a Latin one. */
export function labelWidth(label: string): number {
  let w = 0;
  for (const ch of label) w += /[\u0000-\u024f]/.test(ch) ? 7.5 : 13.5;
  return Math.ceil(w);
}

/** Places the bars: one group per category, one bar per series, lengths proportional to max. */
export function layoutBars(spec: Pick<ChartSpec, "categories" | "series" | "max" | "format">): ChartLayout {
  const plotX = Math.min(LABEL_MAX, Math.max(LABEL_MIN, ...spec.categories.map(labelWidth))) + 12;
  const plotWidth = WIDTH - plotX - VALUE_W;
  const n = spec.series.length;
  const groupH = n * BAR_H + (n - 1) * BAR_GAP;
  const max = spec.max > 0 ? spec.max : 1;
  const rows = spec.categories.map((label, c) => {
    const y = TOP + c * (groupH + GROUP_GAP);
    const bars = spec.series.map((s, i) => {
      const value = s.values[c] ?? null;
      const clamped = value === null ? 0 : Math.min(Math.max(value, 0), max);
      const width = Math.round((clamped / max) * plotWidth * 10) / 10;
      const by = y + i * (BAR_H + BAR_GAP);
      return { series: i, x: plotX, y: by, width, height: BAR_H, value, label: spec.format(value), labelX: plotX + width + 4, labelY: by + BAR_H - 4 };
    });
    return { label, y, bars };
  });
  const height = TOP + spec.categories.length * (groupH + GROUP_GAP);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ x: Math.round((plotX + f * plotWidth) * 10) / 10, label: spec.format(f * max) }));
  return { width: WIDTH, height, plotX, plotWidth, rows, grid };
}

/** The text a screen reader hears for the whole chart: every number, category by category. */
export function describeChart(spec: Pick<ChartSpec, "categories" | "series" | "format">): string {
  return spec.categories
    .map((c, i) => `${c}: ${spec.series.map((s) => `${s.name} ${spec.format(s.values[i] ?? null)}`).join(", ")}`)
    .join("; ");
}

export function BarChart({ spec }: { spec: ChartSpec }) {
  const layout = layoutBars(spec);
  const titleId = `${spec.id}-title`;
  const descId = `${spec.id}-desc`;
  return (
    <figure class="chart">
      <svg class="chart-svg" viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{spec.title}</title>
        <desc id={descId}>{describeChart(spec)}</desc>
        {layout.grid.map((g) => (
          <g>
            <line x1={g.x} x2={g.x} y1={TOP - 8} y2={layout.height - GROUP_GAP + 4} stroke="#c8ccd2" stroke-width={1} />
            <text x={g.x} y={TOP - 12} text-anchor="middle" font-size="11" fill="#3d4450">
              {g.label}
            </text>
          </g>
        ))}
        {layout.rows.map((row) => (
          <g>
            <text x={layout.plotX - 8} y={row.y + 12} text-anchor="end" font-size="13" fill="#1b1f24">
              {row.label}
            </text>
            {row.bars.map((b) => (
              <g>
                {b.width > 0 ? <rect x={b.x} y={b.y} width={b.width} height={b.height} fill={spec.series[b.series].color} rx={2} /> : null}
                <text x={b.labelX} y={b.labelY} font-size="12" fill="#1b1f24">
                  {b.label}
                </text>
              </g>
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul class="legend">
          {spec.series.map((s) => (
            <li>
              <svg class="swatch" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                <rect width={12} height={12} fill={s.color} rx={2} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** The same numbers as a table, for reading and copying (folded under the chart, a click away). */
export function ChartTable({ spec, caption, categoryHeader, summary }: { spec: ChartSpec; caption: string; categoryHeader: string; summary: string }) {
  return (
    <details class="chart-table">
      <summary>{summary}</summary>
      <div class="table-wrap" role="region" aria-label={caption} tabindex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{categoryHeader}</th>
            {spec.series.map((s) => (
              <th scope="col">{s.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {spec.categories.map((c, i) => (
            <tr>
              <th scope="row">{c}</th>
              {spec.series.map((s) => (
                <td class="num">{spec.format(s.values[i] ?? null)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </details>
  );
}

/** Series colours: each at least 3:1 against white, and told apart by the legend and labels too. */
export const COLORS = {
  us: "#0b5cad",
  lastYear: "#5f6b7a",
  industry: "#a14a00",
  deployment: "#137347",
};
