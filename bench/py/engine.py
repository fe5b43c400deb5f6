"""PyTorch side of `npm run bench -- engine`: the same two workloads as bench/engine.ts, served to the paired timer.

Usage: /usr/bin/python3 bench/py/engine.py THREADS   (then requests on stdin, see serve.py)
Workloads: w1, w2 in PyTorch's default (contiguous NCHW) layout; w1_channels_last, w2_channels_last with model and
input converted to torch.channels_last.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fixtures"))
sys.path.insert(0, os.path.dirname(__file__))
from models import PreActResNet18, SmallCNN  # noqa: E402
from serve import serve  # noqa: E402

torch.set_num_threads(int(sys.argv[1]))


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


class W1:
    def __init__(self, channels_last):
        torch.manual_seed(0)
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        self.net = SmallCNN().train().to(memory_format=fmt)
        self.opt = torch.optim.SGD(self.net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        self.x, self.y = torch.rand(128, 1, 28, 28).contiguous(memory_format=fmt), torch.randint(0, 10, (128,))

    def step(self):
        w1_step(self.net, self.opt, self.x, self.y)


class W2:
    def __init__(self, channels_last):
        torch.manual_seed(0)
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        self.net = PreActResNet18().train().to(memory_format=fmt)
        self.x, self.y = torch.rand(32, 3, 32, 32).contiguous(memory_format=fmt), torch.randint(0, 10, (32,))

    def step(self):
        self.net.zero_grad()
        F.cross_entropy(self.net(self.x), self.y).backward()


serve({
    "w1": lambda: W1(False), "w2": lambda: W2(False),
    "w1_channels_last": lambda: W1(True), "w2_channels_last": lambda: W2(True),
})
