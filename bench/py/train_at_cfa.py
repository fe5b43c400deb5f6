"""PyTorch side of `npm run bench -- train`: AT+CFA (CCM + FAWA) on Fashion-MNIST written directly in PyTorch, the
same algorithm as src/training for the bench's settings: SmallCNN behind input normalisation, SGD (lr 0.05, momentum
0.9, wd 5e-4), batch 128 (validation batch 100, as the CFA code), per batch PGD-10 (uniform start, per-sample eps_y) then CE on the adversarial examples, the
class-wise train robust accuracy from the loss's own logits and the clean accuracy from a post-step forward; after the
epoch, validation (clean + PGD-10, eval mode) of the model, the FAWA rule (threshold 0: every epoch is folded in) and
validation of the FAWA model. Epoch 0 uses eps for every class, epoch 1 the CCM margins (0.5 + t_k)·eps.

Usage: /usr/bin/python3 bench/py/train_at_cfa.py THREADS DATA_DIR PER_CLASS VALID_PER_CLASS
  → one JSON line {"epoch_s": [seconds of epoch 0, seconds of epoch 1], "train_images": n, "valid_images": m}
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fixtures"))
from models import SmallCNN  # noqa: E402

threads, data_dir, per_class, valid_per_class = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)
EPS, ALPHA, STEPS, BATCH, EVAL_BATCH, K = 0.1, 0.025, 10, 128, 100, 10


def read_idx(name):
    path = os.path.join(data_dir, name)
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


images = read_idx("train-images-idx3-ubyte")
labels = read_idx("train-labels-idx1-ubyte").astype(np.int64)
valid_idx, train_idx = [], []
for k in range(K):
    idx = np.nonzero(labels == k)[0]
    valid_idx += list(idx[:valid_per_class])
    train_idx += list(idx[valid_per_class:valid_per_class + per_class])
valid_idx, train_idx = np.sort(valid_idx), np.sort(train_idx)
x_train = torch.tensor(images[train_idx], dtype=torch.uint8).unsqueeze(1)
y_train = torch.tensor(labels[train_idx])
x_valid = torch.tensor(images[valid_idx], dtype=torch.uint8).unsqueeze(1).float() / 255
y_valid = torch.tensor(labels[valid_idx])
mean = float(images.astype(np.float64).mean() / 255)
std = float(images.astype(np.float64).std() / 255)


class Normalized(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner((x - mean) / std)


def pgd(model, x, y, eps):
    eps = eps.view(-1, 1, 1, 1) if torch.is_tensor(eps) else eps
    x_adv = torch.clamp(x + (torch.rand_like(x) * 2 - 1) * eps, 0, 1)
    for _ in range(STEPS):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y, reduction="none").sum()
        (g,) = torch.autograd.grad(loss, x_adv)
        x_adv = x_adv.detach() + ALPHA * g.sign()
        x_adv = torch.clamp(torch.min(torch.max(x_adv, x - eps), x + eps), 0, 1)
    return x_adv.detach()


def per_class(pred, y, correct, count):
    for k in range(K):
        m = y == k
        count[k] += int(m.sum())
        correct[k] += int((pred[m] == k).sum())


def evaluate(model, x, y):
    was_training = model.training
    model.eval()
    cc, cr, n = [0] * K, [0] * K, [0] * K
    for i in range(0, len(y), EVAL_BATCH):
        xb, yb = x[i:i + EVAL_BATCH], y[i:i + EVAL_BATCH]
        with torch.no_grad():
            per_class(model(xb).argmax(1), yb, cc, n)
        xa = pgd(model, xb, yb, EPS)
        with torch.no_grad():
            per_class(model(xa).argmax(1), yb, cr, [0] * K)
    model.train(was_training)
    return [c / max(1, m) for c, m in zip(cr, n)]


model = Normalized(SmallCNN())
fawa = Normalized(SmallCNN())
fawa.eval()
fawa_init = False
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
t_prev = None
times = []
for epoch in range(2):
    t0 = time.perf_counter()
    eps_k = torch.full((K,), EPS) if t_prev is None else (0.5 + torch.tensor(t_prev)) * EPS
    g = torch.Generator().manual_seed(epoch)
    order = torch.randperm(len(y_train), generator=g)
    rob_c, rob_n, cl_c = [0] * K, [0] * K, [0] * K
    model.train()
    for i in range(0, len(order), BATCH):
        idx = order[i:i + BATCH]
        x = x_train[idx].float() / 255
        y = y_train[idx]
        eps = eps_k[y] if t_prev is not None else EPS
        x_adv = pgd(model, x, y, eps)
        logits = model(x_adv)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        per_class(logits.detach().argmax(1), y, rob_c, rob_n)
        with torch.no_grad():
            per_class(model(x).argmax(1), y, cl_c, [0] * K)
    t_prev = [c / max(1, m) for c, m in zip(rob_c, rob_n)]
    valid_rob = evaluate(model, x_valid, y_valid)
    if min(valid_rob) >= 0.0:
        with torch.no_grad():
            if not fawa_init:
                fawa.load_state_dict(model.state_dict())
                fawa_init = True
            else:
                for (k, a), (_, b) in zip(fawa.state_dict().items(), model.state_dict().items()):
                    a.copy_(a * 0.85 + b * 0.15)
    evaluate(fawa, x_valid, y_valid)
    times.append(time.perf_counter() - t0)

print(json.dumps({"epoch_s": times, "train_images": len(y_train), "valid_images": len(y_valid)}))
