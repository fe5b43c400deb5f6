"""PyTorch side of `npm run bench -- engine`: the same two workloads as bench/engine.ts, timed the same way.

Usage: /usr/bin/python3 bench/py/engine.py THREADS W1_STEPS W2_STEPS
  → one JSON line {"w1": s, "w2": s, "w1_channels_last": s, "w2_channels_last": s}: PyTorch's default (contiguous
    NCHW) layout, and the same workloads with model and input converted to torch.channels_last.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fixtures"))
from models import PreActResNet18, SmallCNN  # noqa: E402

threads, w1_steps, w2_steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


def w1_step(net, opt, x, y, eps=0.1, alpha=0.01, steps=10):
    delta = torch.empty_like(x).uniform_(-eps, eps)
    delta = torch.clamp(delta, -x, 1 - x)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(net(x + delta), y)
        (g,) = torch.autograd.grad(loss, delta)
        delta = torch.clamp(delta.detach() + alpha * g.sign(), -eps, eps)
        delta = torch.clamp(delta, -x, 1 - x)
    opt.zero_grad()
    loss = F.cross_entropy(net(x + delta), y)
    loss.backward()
    opt.step()


def w2_step(net, x, y):
    net.zero_grad()
    F.cross_entropy(net(x), y).backward()


def timeit(fn, steps, warmup=2):
    for _ in range(warmup):
        fn()
    t = time.perf_counter()
    for _ in range(steps):
        fn()
    return (time.perf_counter() - t) / steps


def workloads(channels_last):
    torch.manual_seed(0)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    small = SmallCNN().train().to(memory_format=fmt)
    opt = torch.optim.SGD(small.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x1, y1 = torch.rand(128, 1, 28, 28).contiguous(memory_format=fmt), torch.randint(0, 10, (128,))
    prn = PreActResNet18().train().to(memory_format=fmt)
    x2, y2 = torch.rand(32, 3, 32, 32).contiguous(memory_format=fmt), torch.randint(0, 10, (32,))
    return timeit(lambda: w1_step(small, opt, x1, y1), w1_steps), timeit(lambda: w2_step(prn, x2, y2), w2_steps)


w1, w2 = workloads(False)
w1c, w2c = workloads(True)
print(json.dumps({"w1": w1, "w2": w2, "w1_channels_last": w1c, "w2_channels_last": w2c}))
