// Per-epoch figures from the training log: the worst-class fluctuation (paper Fig. 4a), the current model against its
// EMA and FAWA averages (Fig. 4b), and overall / worst-class robust accuracy of several groups (Figs. 2a, 5a, 7a).
import { describeLogged } from './describe';
import { curveSplit } from './measures';
import { Figure, EPOCH_AXIS, colorScheme, slug, spec } from './figure';
import { ModelKind, RunGroup } from './run-groups';
import { LoadedRun } from './run-loader';

/** The logged robust accuracy (overall and worst class) of a model per epoch, in percent, on one split. */
function robustSeries(run: LoadedRun, kind: ModelKind, split: 'test' | 'valid'): { epoch: number; overall: number; worst: number }[] {
  const out: { epoch: number; overall: number; worst: number }[] = [];
  for (const e of run.epochs) {
    const s = e[split]?.[kind];
    if (s) out.push({ epoch: e.epoch + 1, overall: 100 * s.robust, worst: 100 * s.worstRobust });
  }
  return out;
}

function splitN(run: LoadedRun, kind: ModelKind, split: 'test' | 'valid'): number {
  return run.epochs.find((e) => e[split]?.[kind])![split]![kind]!.n;
}

/** Fig. 4(a): overall and worst-class robust accuracy of the current model per epoch, and their change between adjacent epochs. */
export function fluctuationFigure(group: RunGroup): Figure {
  const run = group.runs[0];
  const split = curveSplit(run, 'model');
  const series = robustSeries(run, 'model', split);
  const rows: Record<string, unknown>[] = [];
  series.forEach((p, i) => {
    const prev = i > 0 && series[i - 1].epoch === p.epoch - 1 ? series[i - 1] : undefined;
    for (const [metric, v, pv] of [['overall', p.overall, prev?.overall], ['worst class', p.worst, prev?.worst]] as const) {
      rows.push({ epoch: p.epoch, metric, value: v, change: pv === undefined ? null : Math.abs(v - pv) });
    }
  });
  const color = { field: 'metric', type: 'nominal', title: 'robust accuracy', scale: { domain: ['overall', 'worst class'], range: ['#1f77b4', '#d62728'] } };
  const title = `Robust accuracy per epoch and its change between adjacent epochs: ${group.label}, run ${run.name}`;
  return {
    id: `fluctuation-${slug(group.label)}`,
    title,
    caption:
      `Paper Fig. 4(a). Current (non-averaged) model of run ${run.name}; ${describeLogged(run.config, split, splitN(run, 'model', split))}. ` +
      'Top: overall and worst-class robust accuracy. Bottom: absolute change from the previous epoch in percentage points.',
    spec: spec(title, {
      data: { values: rows },
      vconcat: [
        {
          width: 640, height: 240,
          mark: { type: 'line', point: rows.length <= 120 },
          encoding: { x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS }, y: { field: 'value', type: 'quantitative', title: 'robust accuracy (%)' }, color },
        },
        {
          width: 640, height: 160,
          transform: [{ filter: 'datum.change !== null' }],
          mark: { type: 'line', point: rows.length <= 120 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
            y: { field: 'change', type: 'quantitative', title: '|change| (percentage points)' },
            color,
          },
        },
      ],
    }),
  };
}

const KIND_NAMES: Record<ModelKind, string> = { model: 'current model', ema: 'EMA', fawa: 'FAWA' };

/** Fig. 4(b): robust accuracy of the current model against its EMA and FAWA averages per epoch; undefined without averages. */
export function averagingFigure(group: RunGroup): Figure | undefined {
  const run = group.runs[0];
  const kinds = (['model', 'ema', 'fawa'] as ModelKind[]).filter((k) => run.epochs.some((e) => e.valid[k]));
  if (kinds.length < 2) return undefined;
  const rows: Record<string, unknown>[] = [];
  const sources: string[] = [];
  for (const k of kinds) {
    const split = curveSplit(run, k);
    sources.push(`${KIND_NAMES[k]}: ${describeLogged(run.config, split, splitN(run, k, split))}`);
    for (const p of robustSeries(run, k, split)) {
      rows.push({ epoch: p.epoch, model: KIND_NAMES[k], metric: 'overall', value: p.overall });
      rows.push({ epoch: p.epoch, model: KIND_NAMES[k], metric: 'worst class', value: p.worst });
    }
  }
  const title = `Current model vs EMA vs FAWA, robust accuracy per epoch: ${group.label}, run ${run.name}`;
  const c = run.config;
  const value = (group: 'ema' | 'fawa', key: string) => (c[group] as Record<string, unknown> | undefined)?.[key];
  const setting = (group: 'ema' | 'fawa', key: string) => (typeof value(group, key) === 'number' ? String(value(group, key)) : 'unset');
  const begin = (group: 'ema' | 'fawa') => (typeof value(group, 'begin') === 'number' ? String((value(group, 'begin') as number) + 1) : 'unset');
  const emaNote = kinds.includes('ema') ? ` EMA: decay ${setting('ema', 'decay')}, from epoch ${begin('ema')}.` : '';
  const fawaNote = kinds.includes('fawa')
    ? ` FAWA: decay ${setting('fawa', 'decay')}, threshold ${setting('fawa', 'threshold')} on the worst-class validation robust accuracy, from epoch ${begin('fawa')}; logged from its first accepted epoch.`
    : '';
  return {
    id: `averaging-${slug(group.label)}`,
    title,
    caption: `Paper Fig. 4(b). Run ${run.name}. Solid: overall robust accuracy; dashed: worst class. ${sources.join('. ')}.${emaNote}${fawaNote}`,
    spec: spec(title, {
      width: 640, height: 300,
      data: { values: rows },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
        y: { field: 'value', type: 'quantitative', title: 'robust accuracy (%)' },
        color: { field: 'model', type: 'nominal', title: 'model', scale: { domain: kinds.map((k) => KIND_NAMES[k]), range: ['#1f77b4', '#ff7f0e', '#2ca02c'] } },
        strokeDash: { field: 'metric', type: 'nominal', title: 'robust accuracy', scale: { domain: ['overall', 'worst class'], range: [[1, 0], [6, 3]] } },
      },
    }),
  };
}

/** Figs. 2(a), 5(a), 7(a): overall (solid) and worst-class (dashed) robust accuracy of each group's current model, mean over seeds. */
export function groupCurvesFigure(groups: RunGroup[]): Figure {
  const rows: Record<string, unknown>[] = [];
  const sources = new Set<string>();
  for (const g of groups) {
    const acc = new Map<number, { overall: number[]; worst: number[] }>();
    for (const run of g.runs) {
      const split = curveSplit(run, 'model');
      sources.add(describeLogged(run.config, split, splitN(run, 'model', split)));
      for (const p of robustSeries(run, 'model', split)) {
        const a = acc.get(p.epoch) ?? { overall: [], worst: [] };
        a.overall.push(p.overall);
        a.worst.push(p.worst);
        acc.set(p.epoch, a);
      }
    }
    for (const [epoch, a] of acc) {
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      rows.push({ epoch, group: g.label, metric: 'overall', value: mean(a.overall), seeds: a.overall.length });
      rows.push({ epoch, group: g.label, metric: 'worst class', value: mean(a.worst), seeds: a.worst.length });
    }
  }
  const title = 'Robust accuracy per epoch across runs (current model)';
  return {
    id: 'robust-per-epoch',
    title,
    caption: `Paper Figs. 2(a), 5(a), 7(a). Mean over the seeds of each group. Solid: overall; dashed: worst class. ${[...sources].join('; ')}.`,
    spec: spec(title, {
      width: 640, height: 320,
      data: { values: rows },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS },
        y: { field: 'value', type: 'quantitative', title: 'robust accuracy (%)' },
        color: { field: 'group', type: 'nominal', title: 'run group', sort: groups.map((g) => g.label), scale: { scheme: colorScheme(groups.length) } },
        strokeDash: { field: 'metric', type: 'nominal', title: 'robust accuracy', scale: { domain: ['overall', 'worst class'], range: [[1, 0], [6, 3]] } },
      },
    }),
  };
}
