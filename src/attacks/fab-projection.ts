// FAB's projection step (docs/methods.md#fab-t): the smallest L∞ or L2 displacement d that puts t + d on the hyperplane w·x = b while
// keeping t + d inside [0,1]^n. Rows are independent; solved exactly by sorting the coordinates' saturation points.
import { Tensor, tidy, where } from '../engine';
import { Norm } from './project';

/**
 * Minimal-norm displacement onto {x : w·x = b} within the box, for each row of t [R,n], w [R,n], b [R]. With
 * c = w·t − b (signs flipped so c ≥ 0), coordinate i moves in direction −sign(w_i) and has room p_i (t_i or 1 − t_i).
 * L∞: d_i = −sign(w_i)·min(λ, p_i) with the smallest λ whose achievable decrease Σ|w_i|·min(λ, p_i) reaches c.
 * L2: d_i = −sign(w_i)·min(λ|w_i|, p_i) with Σ|w_i|·min(λ|w_i|, p_i) = c. When even the full move to the box corner
 * cannot reach the hyperplane, the corner move is returned. Coordinates with w_i = 0 never move.
 */
export function projectOntoHyperplaneInBox(t: Tensor, w: Tensor, b: Tensor, norm: Norm): Tensor {
  return tidy(() => {
    const c0 = w.mul(t).sum(1).sub(b);
    const flip = c0.lt(0).float().mul(-2).add(1).unsqueeze(1);
    const ws = w.mul(flip);
    const c = c0.abs().unsqueeze(1);
    const neg = ws.lt(0);
    const room = where(neg, t.rsub(1), t).clamp(0, null);
    const dir = ws.sign().neg();
    const aw = ws.abs();
    // Saturation point of each coordinate (in units of λ) and its weight in the decrease.
    const bp = norm === 'Linf' ? room : where(aw.gt(0), room.div(aw.clamp(1e-30, null)), room.mul(0).add(1e30));
    const slope = norm === 'Linf' ? aw : aw.square();
    const [bpSorted, order] = bp.sort(1, false);
    const slopeSorted = slope.gather(1, order);
    const fullSorted = aw.mul(room).gather(1, order);
    // Before breakpoint k: P_k = decrease already saturated, Q_k = slope of the unsaturated rest.
    const satBefore = fullSorted.cumsum(1).sub(fullSorted);
    const slopeFrom = slopeSorted.flip(1).cumsum(1).flip(1);
    const atBreak = satBefore.add(bpSorted.mul(slopeFrom));
    const kStar = atBreak.lt(c).sum(1, true);
    const n = t.shape[1];
    const feasible = kStar.lt(n);
    const kIdx = kStar.clamp(0, n - 1);
    const P = satBefore.gather(1, kIdx);
    const Q = slopeFrom.gather(1, kIdx);
    const lambda = where(Q.gt(0), c.sub(P).div(Q.clamp(1e-30, null)), Q.mul(0)).clamp(0, null);
    const step = norm === 'Linf' ? lambda.expand(room.shape) : lambda.mul(aw);
    const move = where(feasible, step.minimum(room), room);
    return where(aw.gt(0), dir.mul(move), t.mul(0));
  });
}
