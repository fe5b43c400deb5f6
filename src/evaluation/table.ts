// Console rendering of an evaluation: a per-class table with class names, the summary measures and the flags.
import { formatEps } from '../eps-format';
import { EvalResult } from '../formats';

const pct = (v: number) => (Number.isNaN(v) ? '   –  ' : `${(100 * v).toFixed(2).padStart(6)}`);

/** Per-class clean and robust accuracy (%), then overall, worst class, worst 20%, class-wise std, per-attack lines. */
export function formatEvalTable(r: EvalResult & { nPerClass?: number[]; classwiseStd?: number }): string {
  const width = Math.min(24, Math.max(5, ...r.classNames.map((c) => c.length)));
  const lines = [
    `${r.attack} ${r.threatModel} ε=${formatEps(r.eps)} on ${r.n} points of ${r.dataset} (${r.arch}, ${r.model})`,
    `${'class'.padEnd(width)}  ${'n'.padStart(5)}  clean%  robust%`,
  ];
  r.classNames.forEach((name, k) => {
    const n = r.nPerClass?.[k];
    lines.push(`${name.slice(0, width).padEnd(width)}  ${String(n ?? '').padStart(5)}  ${pct(r.cleanPerClass[k])}  ${pct(r.robustPerClass[k])}`);
  });
  lines.push(`${'overall'.padEnd(width)}  ${String(r.n).padStart(5)}  ${pct(r.cleanAccuracy)}  ${pct(r.robustAccuracy)}`);
  lines.push(`${'worst class'.padEnd(width)}  ${''.padStart(5)}  ${pct(r.worstClassClean)}  ${pct(r.worstClassRobust)}`);
  lines.push(`${'worst 20% mean'.padEnd(width)}  ${''.padStart(5)}  ${''.padStart(6)}  ${pct(r.worst20Robust)}`);
  lines.push(`class-wise robust variance ${r.classwiseVariance.toFixed(5)} (std ${(100 * Math.sqrt(r.classwiseVariance)).toFixed(2)} points)`);
  for (const p of r.perAttack ?? []) lines.push(`  after ${p.attack.padEnd(8)} robust ${pct(p.robustAccuracy)}%  (${p.seconds.toFixed(1)} s)`);
  for (const f of r.flags) lines.push(`WARNING ${f}`);
  lines.push(`time ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

export { formatEps };
