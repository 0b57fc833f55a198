/**
 * A small chart drawn by uPlot (about 50 kB, loaded only by the pages that
 * show a chart: import this module lazily). Decorative for assistive
 * technology: every chart has a table with the same numbers next to it.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** bars (the default) or a line with points */
  kind?: 'bars' | 'line';
}

export interface ChartProps {
  /** x positions: category indexes (with `categories`) or unix seconds */
  x: number[];
  categories?: string[];
  series: ChartSeries[];
  yLabel: string;
  /** the x values' name in the legend (the month, the date) */
  xLabel: string;
  height?: number;
  formatY?: (v: number) => string;
  /** unix seconds → text, for a time axis' legend */
  formatX?: (v: number) => string;
}

const isoDay = (v: number) => new Date(v * 1000).toISOString().slice(0, 10);

export default function Chart({ x, categories, series, yLabel, xLabel, height = 260, formatY, formatX = isoDay }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars!({ size: [0.6, 60] });
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      // The legend is ours (below): uPlot's is a table, which phones' stacked-table styles would take apart.
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: categories ? { time: false, range: [-0.5, x.length - 0.5] } : { time: true } },
      axes: [
        categories
          ? { values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? (categories[s] ?? '') : '')), space: 44, gap: 4, size: 44 }
          : {},
        { label: yLabel, values: (_u, splits) => splits.map((v) => (formatY ? formatY(v) : String(v))), size: 64 },
      ],
      series: [
        categories
          ? { label: xLabel, value: (_u: uPlot, v: number | null) => (v === null ? '—' : (categories[v] ?? '')) }
          : { label: xLabel, value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatX(v)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: s.kind === 'line' ? undefined : s.color,
          width: s.kind === 'line' ? 2 : 0,
          paths: s.kind === 'line' ? undefined : bars,
          points: { show: s.kind === 'line', size: 6, fill: s.color },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatY ? formatY(v) : String(v)),
        })),
      ],
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [x, categories, series, yLabel, xLabel, height, formatY, formatX]);
  return (
    <div className="chart-box" aria-hidden="true">
      <div ref={box} className="chart" />
      {series.length > 1 && (
        <ul className="chart-legend">
          {series.map((s) => (
            <li key={s.label}>
              <span className={`chart-key chart-key-${s.kind ?? 'bars'}`} style={{ background: s.kind === 'line' ? undefined : s.color, borderColor: s.color }} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
