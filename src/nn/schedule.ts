// Learning-rate schedules, evaluated once at the start of each (0-based) epoch.

/** lr·γ^(number of milestones ≤ epoch). The paper's: lr 0.1, ÷10 at epochs 100 and 150. */
export function piecewise(epoch: number, lr: number, milestones: number[] = [100, 150], gamma = 0.1): number {
  return lr * gamma ** milestones.filter((m) => epoch >= m).length;
}

/** Cosine annealing from lr to minLr over `epochs`. */
export function cosine(epoch: number, lr: number, epochs: number, minLr = 0): number {
  return minLr + 0.5 * (lr - minLr) * (1 + Math.cos((Math.PI * epoch) / epochs));
}

export type Schedule = { kind: 'piecewise'; milestones: number[]; gamma: number } | { kind: 'cosine'; minLr: number } | { kind: 'constant' };

export function learningRate(s: Schedule, epoch: number, lr: number, epochs: number): number {
  switch (s.kind) {
    case 'piecewise':
      return piecewise(epoch, lr, s.milestones, s.gamma);
    case 'cosine':
      return cosine(epoch, lr, epochs, s.minLr);
    case 'constant':
      return lr;
  }
}
