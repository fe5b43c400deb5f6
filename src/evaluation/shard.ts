// Data-parallel evaluation: AutoAttack's batches dealt round-robin to the ranks, with the fooled points exchanged
// after every attack; PGD's batches split across the ranks with the global batch's random numbers. Both give the
// per-point result of one process with the same seed.
import { cat, keep, tidy, zeros } from '../engine';
import { AAFooled, AAShard } from '../attacks/autoattack';
import { Collective } from '../distributed/group';

/** Batch b of every attack runs on rank b mod W; rowShape and device describe one adversarial image. */
export function autoAttackShard(c: Collective, rowShape: number[], device: string): AAShard {
  return {
    owns: (b) => b % c.worldSize === c.rank,
    exchange(fooled: AAFooled[]): AAFooled[] {
      const meta = c.gatherNumbers(fooled.flatMap((f) => [f.id, f.pred]));
      const counts = meta.map((m) => m.length / 2);
      const most = Math.max(...counts);
      if (most === 0) return [];
      return tidy(() => {
        const rows = fooled.map((f) => f.row.unsqueeze(0));
        if (fooled.length < most) rows.push(zeros([most - fooled.length, ...rowShape], 'float32', device));
        const all = c.allGather(cat(rows));
        const out: AAFooled[] = [];
        meta.forEach((m, r) => {
          if (r === c.rank) return;
          for (let i = 0; i < counts[r]; i++) out.push({ id: m[2 * i], pred: m[2 * i + 1], row: keep(all.select(0, r).select(0, i).clone()) });
        });
        return out;
      });
    },
  };
}

/** Every rank's (index, clean prediction, adversarial prediction) triples merged into per-point arrays of length n. */
export function gatherPredictions(c: Collective, n: number, local: { index: number[]; clean: number[]; adv: number[] }): { cleanPred: number[]; advPred: number[] } {
  const parts = c.gatherNumbers(local.index.flatMap((id, k) => [id, local.clean[k], local.adv[k]]));
  const cleanPred = new Array<number>(n).fill(-1);
  const advPred = new Array<number>(n).fill(-1);
  for (const p of parts) {
    for (let k = 0; k < p.length; k += 3) {
      cleanPred[p[k]] = p[k + 1];
      advPred[p[k]] = p[k + 2];
    }
  }
  return { cleanPred, advPred };
}

