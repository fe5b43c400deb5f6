// Class-wise robust (top) and clean (bottom) accuracy of several models side by side (paper Figs. 2b-c, 3, 6): grouped
// bars with ± one standard deviation over seeds for up to 20 classes; points per class index beyond.
import { Aggregate } from './measures';
import { Figure, colorScheme, spec } from './figure';
import { Cell, Table } from './table';

export interface ClasswiseSeries {
  label: string;
  agg: Aggregate;
}

function panel(metric: 'robust' | 'clean', names: string[], series: string[]): Record<string, unknown> {
  const title = `${metric} accuracy (%)`;
  const color = { field: 'series', type: 'nominal', title: 'model', sort: series, scale: { scheme: colorScheme(series.length) } };
  const filter = { filter: `datum.metric === '${metric}'` };
  if (names.length > 20) {
    return {
      width: 720, height: 220,
      transform: [filter],
      mark: { type: 'line', point: true },
      encoding: { x: { field: 'classIndex', type: 'quantitative', title: 'class index' }, y: { field: 'mean', type: 'quantitative', title }, color },
    };
  }
  const x = { field: 'class', type: 'nominal', title: 'class', sort: names, axis: { labelAngle: -30 } };
  const xOffset = { field: 'series', type: 'nominal', sort: series };
  return {
    width: Math.min(1000, Math.max(480, names.length * (10 * series.length + 16))),
    height: 220,
    transform: [filter],
    layer: [
      { mark: { type: 'bar' }, encoding: { x, xOffset, y: { field: 'mean', type: 'quantitative', title, scale: { domain: [0, 100] } }, color } },
      {
        transform: [{ filter: 'datum.std !== null' }],
        mark: { type: 'rule', color: 'black' },
        encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
    ],
  };
}

/** The rows behind a class-wise figure: one per series, class and metric, in percent. */
function rows(series: ClasswiseSeries[], names: string[]): Record<string, Cell>[] {
  const out: Record<string, Cell>[] = [];
  for (const s of series) {
    for (const metric of ['robust', 'clean'] as const) {
      const stats = metric === 'robust' ? s.agg.robustPerClass : s.agg.cleanPerClass;
      stats.forEach((st, k) => {
        const mean = 100 * st.mean;
        const std = st.std === undefined ? null : 100 * st.std;
        out.push({ series: s.label, class: names[k], classIndex: k, metric, mean, std, lo: std === null ? null : mean - std, hi: std === null ? null : mean + std, runs: s.agg.runs });
      });
    }
  }
  return out;
}

/** The figure and the table of its numbers (same id). */
export function classwiseFigure(id: string, title: string, caption: string, series: ClasswiseSeries[], names: string[]): { figure: Figure; table: Table } {
  const data = rows(series, names);
  const labels = series.map((s) => s.label);
  const sources = series.map((s) => `${s.label}: ${s.agg.source} (${s.agg.details.join('; ')})`).join('. ');
  const full = `${caption} Error bars: ± one sample standard deviation over seeds, where a model has several. ${sources}.`;
  return {
    figure: {
      id,
      title,
      caption: full,
      spec: spec(title, { data: { values: data }, vconcat: [panel('robust', names, labels), panel('clean', names, labels)] }),
    },
    table: {
      id,
      title: `${title} (numbers, %)`,
      caption: full,
      columns: ['series', 'class', 'classIndex', 'metric', 'mean', 'std', 'runs'],
      rows: data.map(({ lo: _lo, hi: _hi, ...r }) => r),
    },
  };
}
