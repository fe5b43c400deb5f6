"""PyTorch side of `npm run bench -- attacks`, served to the paired timer (bench/paired.ts, serve.py): on the same
trained network and points as ours, PGD-20 and each AutoAttack stage (APGD-CE, APGD-T, FAB-T, Square; L-inf, eval
mode) written directly in PyTorch from the same specification as src/attacks (docs/methods.md#pgd, #apgd-ce, #apgd-t,
#fab-t, #square), and, when CFA_AUTOATTACK_DIR names a copy of the reference AutoAttack package, each of its standard
stages imported as it is.

Usage: /usr/bin/python3 bench/py/attacks.py THREADS MODEL.safetensors POINTS.safetensors MEAN STD EPS N_ITER N_QUERIES
  MODEL: a SmallCNN state dict (PyTorch key names); the network sees (x - MEAN) / STD.
  POINTS: x_<block>, y_<block> for each block of points (pgd, apgd-ce, apgd-t, fab-t, square).
Workloads: torch:pgd20, torch:apgd-ce, torch:apgd-t, torch:fab-t, torch:square, and ref:<stage> for the reference
package's stages (one step = the whole block); query "robust" after a step counts the points it left robust.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fixtures"))
sys.path.insert(0, os.path.dirname(__file__))
from models import SmallCNN  # noqa: E402
from serve import serve  # noqa: E402
import st  # noqa: E402

threads, model_file, points_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mean, std, eps, n_iter, n_queries = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
torch.set_num_threads(threads)


class Normalized(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - mean) / std)


inner = SmallCNN()
inner.load_state_dict(st.load(model_file))
net = Normalized(inner).eval()
points = st.load(points_file)


def pgd(x, y, steps=20):
    alpha = eps / 4
    xa = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        xa.requires_grad_(True)
        (g,) = torch.autograd.grad(F.cross_entropy(net(xa), y, reduction="sum"), xa)
        xa = torch.min(torch.max(xa.detach() + alpha * g.sign(), x - eps), x + eps).clamp(0, 1)
    return xa


def loss_grad(xa, y, loss_fn):
    xa = xa.clone().requires_grad_(True)
    logits = net(xa)
    loss = loss_fn(logits)
    (g,) = torch.autograd.grad(loss.sum(), xa)
    return loss.detach(), logits.detach(), g


def clean_correct(x, y):
    with torch.no_grad():
        return net(x).argmax(1) == y


def apgd_run(x, y, loss_fn):
    """One APGD run on points the model classifies correctly (docs/methods.md#apgd-ce): checkpoints, momentum 0.75, step
    halving on oscillation or stagnation. Returns the latest misclassified iterate and whether each point stayed correct."""
    b = x.shape[0]
    view = [-1, 1, 1, 1]
    k = max(int(0.22 * n_iter), 1)
    k_min, k_decr = max(int(0.06 * n_iter), 1), max(int(0.03 * n_iter), 1)
    t = 2 * torch.rand_like(x) - 1
    xa = (x + eps * t / (t.abs().reshape(b, -1).max(1)[0].reshape(view) + 1e-12)).clamp(0, 1)
    loss, logits, g = loss_grad(xa, y, loss_fn)
    acc = logits.argmax(1) == y
    x_best, x_best_adv, g_best, loss_best = xa.clone(), xa.clone(), g.clone(), loss.clone()
    step = torch.full([b, 1, 1, 1], 2 * eps)
    x_old = xa.clone()
    steps = torch.zeros(n_iter, b)
    best_last, reduced_last = loss_best.clone(), torch.ones(b, dtype=torch.bool)
    counter = 0

    def proj(p):
        return torch.min(torch.max(p, x - eps), x + eps).clamp(0, 1)

    for i in range(n_iter):
        a = 0.75 if i > 0 else 1.0
        mom = xa - x_old
        x_old = xa
        z = proj(xa + step * g.sign())
        xa = proj(xa + a * (z - xa) + (1 - a) * mom)
        loss, logits, g = loss_grad(xa, y, loss_fn)
        pred = logits.argmax(1) == y
        acc &= pred
        x_best_adv[~pred] = xa[~pred]
        steps[i] = loss
        better = loss > loss_best
        x_best[better], g_best[better], loss_best[better] = xa[better], g[better], loss[better]
        counter += 1
        if counter == k:
            idx = torch.arange(i - k + 1, i + 1)
            inc = (steps[idx] > steps[(idx - 1) % n_iter]).float().sum(0)
            reduce = (inc <= k * 0.75) | (~reduced_last & (best_last >= loss_best))
            reduced_last, best_last = reduce, loss_best.clone()
            step[reduce] /= 2
            xa = xa.clone()
            xa[reduce], g[reduce] = x_best[reduce], g_best[reduce]
            counter, k = 0, max(k - k_decr, k_min)
    return x_best_adv, acc


def apgd_ce(x, y):
    """APGD-CE as AutoAttack runs it: one run, on the points the model classifies correctly. Returns the robust flags."""
    robust = clean_correct(x, y)
    idx = robust.nonzero().flatten()
    _, acc = apgd_run(x[idx], y[idx], lambda z: F.cross_entropy(z, y[idx], reduction="none"))
    robust[idx] = acc
    return robust


def target_ranks(x):
    """Ranks 2 ... 10 (9 target classes), capped at the number of classes."""
    with torch.no_grad():
        k = net(x[:1]).shape[1]
    return range(2, min(9, k - 1) + 2)


def targeted(x, y, attack):
    """A targeted stage: for target rank r = 2 ... 10, the points still robust are attacked towards the class with their
    r-th largest clean logit; attack(xs, ys, t) returns which of them stay correct."""
    robust = clean_correct(x, y)
    for r in target_ranks(x):
        idx = robust.nonzero().flatten()
        if idx.numel() == 0:
            break
        xs, ys = x[idx], y[idx]
        with torch.no_grad():
            t = net(xs).sort(1, descending=True)[1][:, r - 1]
        robust[idx] = attack(xs, ys, t)
    return robust


def dlr_targeted(z, y, t):
    s = z.sort(1, descending=True)[0]
    return -(z.gather(1, y[:, None]) - z.gather(1, t[:, None])).flatten() / (s[:, 0] - 0.5 * (s[:, 2] + s[:, 3]) + 1e-12)


def apgd_t(x, y):
    return targeted(x, y, lambda xs, ys, t: apgd_run(xs, ys, lambda z: dlr_targeted(z, ys, t))[1])


def project_linf(t, w, b):
    """Smallest L-inf move d with w.(t + d) = b and t + d in [0,1]^n, row by row (docs/methods.md#fab-t): coordinates
    saturate one after another as the common step grows; sorting their saturation points finds the step."""
    c0 = (w * t).sum(1) - b
    ws = w * torch.where(c0 < 0, -1.0, 1.0)[:, None]
    c = c0.abs()[:, None]
    room = torch.where(ws < 0, 1 - t, t).clamp(min=0)
    aw = ws.abs()
    bp, order = room.sort(1)
    slope = aw.gather(1, order)
    full = (aw * room).gather(1, order)
    sat_before = full.cumsum(1) - full
    slope_from = slope.flip(1).cumsum(1).flip(1)
    k = ((sat_before + bp * slope_from) < c).sum(1, keepdim=True)
    n = t.shape[1]
    kk = k.clamp(max=n - 1)
    p, q = sat_before.gather(1, kk), slope_from.gather(1, kk)
    lam = torch.where(q > 0, (c - p) / q.clamp(min=1e-30), torch.zeros_like(q)).clamp(min=0)
    move = torch.where(k < n, torch.minimum(lam.expand_as(room), room), room)
    return torch.where(aw > 0, -ws.sign() * move, torch.zeros_like(move))


def fab_run(x, y, t, alpha_max=0.1, eta=1.05, beta=0.9):
    """One targeted FAB run, L-inf, no random start (docs/methods.md#fab-t); returns which points stay robust."""
    b = x.shape[0]
    view = [-1, 1, 1, 1]
    x0 = x.flatten(1)
    x1, adv, best = x.clone(), x.clone(), torch.full([b], 1e10)
    for _ in range(n_iter):
        xa = x1.clone().requires_grad_(True)
        z = net(xa)
        diff = (z.gather(1, t[:, None]) - z.gather(1, y[:, None])).flatten()
        (g,) = torch.autograd.grad(diff.sum(), xa)
        w, x1f = g.flatten(1), x1.flatten(1)
        off = -diff.detach() + (w * x1f).sum(1)
        d = project_linf(torch.cat([x1f, x0]), torch.cat([w, w]), torch.cat([off, off]))
        a = d.abs().amax(1).clamp(min=1e-8)
        alpha = (a[:b] / (a[:b] + a[b:])).clamp(0, alpha_max).reshape(view)
        nxt = ((x1 + eta * d[:b].reshape(x.shape)) * (1 - alpha) + (x + eta * d[b:].reshape(x.shape)) * alpha).clamp(0, 1)
        with torch.no_grad():
            is_adv = net(nxt).argmax(1) != y
        dist = (nxt - x).flatten(1).abs().amax(1)
        better = is_adv & (dist < best)
        x1 = torch.where(is_adv.reshape(view), x + beta * (nxt - x), nxt)
        adv = torch.where(better.reshape(view), nxt, adv)
        best = torch.where(better, dist, best)
    with torch.no_grad():
        return (net(adv).argmax(1) == y) | ((adv - x).flatten(1).abs().amax(1) > eps)


def fab_t(x, y):
    return targeted(x, y, fab_run)


def square_p(it, p_init=0.8):
    for limit, div in [(10, 1), (50, 2), (200, 4), (500, 8), (1000, 16), (2000, 32), (4000, 64), (6000, 128), (8000, 256)]:
        if it <= limit:
            return p_init / div
    return p_init / 512


def margin(x, y):
    with torch.no_grad():
        z = net(x)
    zy = z.gather(1, y[:, None]).flatten()
    return zy - z.scatter(1, y[:, None], -float("inf")).amax(1)


def square(x, y):
    """Square, L-inf (docs/methods.md#square): vertical-stripe start, then one +-2eps square per query at a window shared
    by the points not yet broken, kept where it lowers the margin or misclassifies. Returns the robust flags."""
    robust = clean_correct(x, y)
    idx0 = robust.nonzero().flatten()
    xs, ys = x[idx0], y[idx0]
    b, c, h, w = xs.shape
    x_best = (xs + eps * (2 * torch.rand(b, c, 1, w) - 1).sign()).clamp(0, 1)
    margin_min = margin(x_best, ys)
    loss_min = margin_min.clone()
    for it in range(n_queries):
        idx = (margin_min > 0).nonzero().flatten()
        if idx.numel() == 0:
            break
        xc, xb, yc = xs[idx], x_best[idx], ys[idx]
        s = min(max(round((square_p(it) * h * w) ** 0.5), 1), h, w)
        vh, vw = int(torch.rand(1).item() * (h - s)), int(torch.rand(1).item() * (w - s))
        delta = torch.zeros(1, c, h, w)
        delta[:, :, vh:vh + s, vw:vw + s] = 2 * eps * (2 * torch.rand(c, 1, 1) - 1).sign()
        x_new = torch.min(torch.max(xb + delta, xc - eps), xc + eps).clamp(0, 1)
        m = margin(x_new, yc)
        improved = m < loss_min[idx]
        accept = improved | (m <= 0)
        loss_min[idx] = torch.where(improved, m, loss_min[idx])
        margin_min[idx] = torch.where(accept, m, margin_min[idx])
        x_best[idx] = torch.where(accept.reshape(-1, 1, 1, 1), x_new, xb)
    robust[idx0] = margin(x_best, ys) > 0
    return robust


class Block:
    """One attack over one block of points: step() runs it once (timed); query("robust") counts the points its last
    run left robust (untimed). fn returns robust flags, or adversarial images that query() classifies."""

    def __init__(self, block, fn, returns_images=False):
        self.x, self.y, self.fn, self.returns_images = points[f"x_{block}"], points[f"y_{block}"], fn, returns_images
        self.out = None

    def step(self):
        torch.manual_seed(0)
        self.out = self.fn(self.x, self.y)

    def query(self, q):
        if q != "robust" or self.out is None:
            raise ValueError(f"unknown query {q}")
        return int((clean_correct(self.out, self.y) if self.returns_images else self.out).sum())


def reference(stage):
    sys.path.insert(0, os.environ["CFA_AUTOATTACK_DIR"])
    from autoattack import AutoAttack

    aa = AutoAttack(net, norm="Linf", eps=eps, version="standard", seed=0, verbose=False, device="cpu")
    aa.attacks_to_run = [stage]
    aa.apgd.n_iter = aa.apgd_targeted.n_iter = aa.fab.n_iter = n_iter
    for a in (aa.apgd, aa.apgd_targeted):  # the checkpoint schedule is derived from n_iter when the attack is built
        a.n_iter_2, a.n_iter_min, a.size_decr = max(int(0.22 * n_iter), 1), max(int(0.06 * n_iter), 1), max(int(0.03 * n_iter), 1)
    aa.square.n_queries = n_queries
    return Block(stage, lambda x, y: aa.run_standard_evaluation(x, y, bs=250), returns_images=True)


factories = {
    "torch:pgd20": lambda: Block("pgd", pgd, returns_images=True),
    "torch:apgd-ce": lambda: Block("apgd-ce", apgd_ce),
    "torch:apgd-t": lambda: Block("apgd-t", apgd_t),
    "torch:fab-t": lambda: Block("fab-t", fab_t),
    "torch:square": lambda: Block("square", square),
}
if os.environ.get("CFA_AUTOATTACK_DIR"):
    for stage in ["apgd-ce", "apgd-t", "fab-t", "square"]:
        factories[f"ref:{stage}"] = (lambda s: lambda: reference(s))(stage)
serve(factories)
