// The class-wise calibrated budgets a run trained with, per epoch: ε_k of CCM (paper Fig. 5b) and β_k of CCR
// (App. C.3, Fig. 7b). Lines per class for up to 20 classes, a heat map beyond.
import { formatEps } from './describe';
import { Figure, EPOCH_AXIS, colorScheme, slug, spec } from './figure';
import { RunGroup } from './run-groups';

/** Whether some epoch used different values for different classes. */
function varies(values: (number[] | undefined)[]): boolean {
  return values.some((v) => v !== undefined && v.some((x) => Math.abs(x - v[0]) > 1e-12));
}

function panel(rows: Record<string, unknown>[], field: string, title: string, classNames: string[]): Record<string, unknown> {
  const x = { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS };
  if (classNames.length > 20) {
    return {
      width: 420, height: 360,
      mark: 'rect',
      encoding: {
        x,
        x2: { field: 'epochEnd' },
        y: { field: 'classIndex', type: 'ordinal', title: 'class index', axis: { labelOverlap: true } },
        color: { field, type: 'quantitative', title, scale: { scheme: 'viridis' } },
      },
    };
  }
  return {
    width: 420, height: 300,
    mark: { type: 'line' },
    encoding: {
      x,
      y: { field, type: 'quantitative', title, scale: { zero: false } },
      color: { field: 'class', type: 'nominal', title: 'class', sort: classNames, scale: { scheme: colorScheme(classNames.length) } },
    },
  };
}

/** ε_k (in units of 1/255 when the base ε is written k/255) and β_k per epoch and class for the group's first run; undefined when neither varies. */
export function calibrationFigure(group: RunGroup): Figure | undefined {
  const run = group.runs[0];
  const epsVaries = varies(run.epochs.map((e) => e.epsPerClass));
  const betaVaries = varies(run.epochs.map((e) => e.betaPerClass));
  if (!epsVaries && !betaVaries) return undefined;
  const names = run.config.classNames;
  const unit = formatEps(run.config.eps).endsWith('/255') ? 255 : 1;
  const rows: Record<string, unknown>[] = [];
  for (const e of run.epochs) {
    names.forEach((name, k) => {
      rows.push({ epoch: e.epoch + 1, epochEnd: e.epoch + 2, class: name, classIndex: k, eps255: e.epsPerClass[k] * unit, beta: e.betaPerClass?.[k] ?? null });
    });
  }
  const panels: Record<string, unknown>[] = [];
  const parts: string[] = [];
  if (epsVaries) {
    panels.push(panel(rows, 'eps255', unit === 255 ? 'ε_k (units of 1/255)' : 'ε_k', names));
    parts.push(`ε_k = (λ₁ + t_k)·ε of CCM (eq. 6) with base ε = ${formatEps(run.config.eps)}; Paper Fig. 5(b)`);
  }
  if (betaVaries) {
    panels.push({ transform: [{ filter: 'datum.beta !== null' }], ...panel(rows, 'beta', 'β_k', names) });
    parts.push(`β_k = (λ₂ + t_k)·β of CCR (eq. 7) with base β = ${run.config.beta ?? 'unset'}; App. C.3, Fig. 7(b)`);
  }
  const title = `Class-wise calibrated budgets used in training: ${group.label}, run ${run.name}`;
  return {
    id: `calibration-${slug(group.label)}`,
    title,
    caption: `${parts.join('. ')}. t_k is class k's training robust accuracy of the previous epoch; the values are those logged per epoch by run ${run.name}.`,
    spec: spec(title, { data: { values: rows }, hconcat: panels, resolve: { scale: { color: 'independent' } } }),
  };
}
