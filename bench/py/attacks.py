"""PyTorch side of `npm run bench -- attacks`, served to the paired timer (bench/paired.ts, serve.py): on the same
trained network and points as ours, PGD-20 and APGD-CE (L-inf, eval mode) written directly in PyTorch from the same
specification as src/attacks (docs/methods.md#pgd, #apgd), and, when CFA_AUTOATTACK_DIR names a copy of the
reference AutoAttack package, each of its standard stages imported as it is.

Usage: /usr/bin/python3 bench/py/attacks.py THREADS MODEL.safetensors POINTS.safetensors MEAN STD EPS N_ITER N_QUERIES
  MODEL: a SmallCNN state dict (PyTorch key names); the network sees (x - MEAN) / STD.
  POINTS: x_<block>, y_<block> for each block of points (pgd, apgd-ce, apgd-t, fab-t, square).
Workloads: torch:pgd20, torch:apgd-ce, ref:apgd-ce, ref:apgd-t, ref:fab-t, ref:square (one step = the whole block).
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


def loss_grad(xa, y):
    xa = xa.clone().requires_grad_(True)
    logits = net(xa)
    loss = F.cross_entropy(logits, y, reduction="none")
    (g,) = torch.autograd.grad(loss.sum(), xa)
    return loss.detach(), logits.detach(), g


def apgd_ce(x, y, n_iter):
    """One APGD run: checkpoints, momentum 0.75, step halving on oscillation or stagnation; like AutoAttack's
    perturb, only the points the model classifies correctly are attacked."""
    with torch.no_grad():
        correct = net(x).argmax(1) == y
    x, y = x[correct], y[correct]
    b = x.shape[0]
    view = [-1, 1, 1, 1]
    k = max(int(0.22 * n_iter), 1)
    k_min, k_decr = max(int(0.06 * n_iter), 1), max(int(0.03 * n_iter), 1)
    t = 2 * torch.rand_like(x) - 1
    xa = (x + eps * t / (t.abs().reshape(b, -1).max(1)[0].reshape(view) + 1e-12)).clamp(0, 1)
    loss, logits, g = loss_grad(xa, y)
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
        loss, logits, g = loss_grad(xa, y)
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



class Block:
    """One attack over one block of points; step() runs it once."""

    def __init__(self, block, fn):
        self.x, self.y, self.fn = points[f"x_{block}"], points[f"y_{block}"], fn

    def step(self):
        torch.manual_seed(0)
        self.fn(self.x, self.y)


def reference(stage):
    sys.path.insert(0, os.environ["CFA_AUTOATTACK_DIR"])
    from autoattack import AutoAttack

    aa = AutoAttack(net, norm="Linf", eps=eps, version="standard", seed=0, verbose=False, device="cpu")
    aa.attacks_to_run = [stage]
    aa.apgd.n_iter = aa.apgd_targeted.n_iter = aa.fab.n_iter = n_iter
    aa.square.n_queries = n_queries
    return Block(stage, lambda x, y: aa.run_standard_evaluation(x, y, bs=250))


factories = {
    "torch:pgd20": lambda: Block("pgd", pgd),
    "torch:apgd-ce": lambda: Block("apgd-ce", lambda x, y: apgd_ce(x, y, n_iter)),
}
if os.environ.get("CFA_AUTOATTACK_DIR"):
    for stage in ["apgd-ce", "apgd-t", "fab-t", "square"]:
        factories[f"ref:{stage}"] = (lambda s: lambda: reference(s))(stage)
serve(factories)
