"""PyTorch side of `npm run bench -- attacks`: PGD-20 and APGD-CE (L-inf, eval mode), written directly in PyTorch
from the same specification as src/attacks (docs/methods.md#pgd and docs/methods.md#apgd-ce), timed the same way.

Usage: /usr/bin/python3 bench/py/attacks.py THREADS ARCH N BATCH EPS APGD_ITERS
  ARCH: smallcnn (1x28x28) or prn18 (3x32x32); random-init network, labels = its own clean predictions.
Prints one JSON line {"pgd20_s": seconds, "apgd_ce_s": seconds} (whole-set wall time of each attack).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fixtures"))
from models import PreActResNet18, SmallCNN  # noqa: E402

threads, arch, n, bs, eps, apgd_iters = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads)
torch.manual_seed(0)
net = (SmallCNN() if arch == "smallcnn" else PreActResNet18()).eval()
shape = [1, 28, 28] if arch == "smallcnn" else [3, 32, 32]
x_all = torch.rand([n] + shape)
with torch.no_grad():
    y_all = torch.cat([net(x_all[i:i + bs]).argmax(1) for i in range(0, n, bs)])


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


def timed(fn):
    t = time.perf_counter()
    for i in range(0, n, bs):
        fn(x_all[i:i + bs], y_all[i:i + bs])
    return time.perf_counter() - t


timed(lambda x, y: pgd(x, y, 2))  # warm-up
res = {"pgd20_s": timed(pgd)}
torch.manual_seed(0)
res["apgd_ce_s"] = timed(lambda x, y: apgd_ce(x, y, apgd_iters))
print(json.dumps(res))
